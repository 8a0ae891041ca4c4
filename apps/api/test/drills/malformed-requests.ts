// Generated malformed requests against every /v1 and /api route: broken and truncated JSON, bytes
// that are not UTF-8, deep nesting, wrong types and extreme values in every field a route's schema
// names, wrong content types, bad ids in paths. Deterministic from a seed, so a failure replays.

export interface Route {
  method: string;
  /** With `{param}` placeholders, as the OpenAPI document writes them. */
  path: string;
  /** Property names of the JSON body the route takes, when the document says. */
  fields: string[];
}

export interface GeneratedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

/** The /v1 surface (not in the OpenAPI document) and the fields its bodies carry. */
export const RELAY_ROUTES: Route[] = [
  {
    method: 'POST',
    path: '/v1/chat/completions',
    fields: ['model', 'messages', 'max_tokens', 'stream', 'tools', 'n'],
  },
  { method: 'POST', path: '/v1/completions', fields: ['model', 'prompt', 'max_tokens', 'stream'] },
  { method: 'POST', path: '/v1/embeddings', fields: ['model', 'input', 'dimensions', 'encoding_format'] },
  { method: 'POST', path: '/v1/messages', fields: ['model', 'messages', 'max_tokens', 'system', 'tools'] },
  { method: 'POST', path: '/v1/messages/count_tokens', fields: ['model', 'messages', 'system'] },
  { method: 'POST', path: '/v1/responses', fields: ['model', 'input', 'instructions', 'max_output_tokens'] },
  {
    method: 'POST',
    path: '/v1beta/models/{model}:generateContent',
    fields: ['contents', 'generationConfig'],
  },
  { method: 'POST', path: '/v1beta/models/{model}:streamGenerateContent', fields: ['contents', 'tools'] },
  {
    method: 'POST',
    path: '/v1beta/models/{model}:countTokens',
    fields: ['contents', 'generateContentRequest'],
  },
  { method: 'GET', path: '/v1/models', fields: [] },
  { method: 'GET', path: '/v1/models/{model}', fields: [] },
  { method: 'GET', path: '/v1/usage', fields: [] },
];

interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> } }>
  >;
  components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> };
}

/** Every /api route of the OpenAPI document, with its body's property names. */
export function apiRoutes(document: OpenApiDocument): Route[] {
  const routes: Route[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const ref = operation.requestBody?.content?.['application/json']?.schema?.$ref;
      const schema = ref ? document.components?.schemas?.[ref.split('/').pop() as string] : undefined;
      routes.push({ method: method.toUpperCase(), path, fields: Object.keys(schema?.properties ?? {}) });
    }
  }
  return routes;
}

const EXTREMES: unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  -1e308,
  2 ** 53 + 1,
  0.1,
  '',
  ' ',
  'x'.repeat(100_000),
  '\u0000\u202e\ud83d',
  '1e9999',
  'NaN',
  '-0',
  '../../etc/passwd',
  '2026-13-45T99:99:99Z',
  '00000000-0000-0000-0000-000000000000',
  [],
  [null],
  {},
  { $gt: '' },
  { __proto__: { admin: true } },
  Array.from({ length: 5000 }, (_, i) => i),
];

const PATH_VALUES = [
  'x',
  '00000000-0000-0000-0000-000000000000',
  '%00',
  '%ff%fe',
  '..%2f..',
  '9'.repeat(40),
  '-1',
  'a'.repeat(2000),
  "'; DROP TABLE users; --",
  '%E2%80%AE',
];

export function generateRequests(
  routes: Route[],
  count: number,
  random: () => number,
  auth: { admin: string; key: string },
): GeneratedRequest[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const requests: GeneratedRequest[] = [];
  for (let i = 0; i < count; i++) {
    const route = pick(routes);
    const relay = route.path.startsWith('/v1');
    const path = route.path.replace(/\{[^}]+\}/g, () => pick(PATH_VALUES));
    const headers: Record<string, string> = {};
    const who = random();
    if (who < 0.7) headers['authorization'] = `Bearer ${relay ? auth.key : auth.admin}`;
    else if (who < 0.8)
      headers['authorization'] = pick(['Bearer', 'Bearer sk-x', 'Basic Zm9vOmJhcg==', 'Bearer \u00ff']);
    const method = random() < 0.05 ? pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']) : route.method;
    // fetch sends no body with GET; a DELETE sometimes carries one.
    const withBody = method === 'GET' ? false : method !== 'DELETE' || random() < 0.1;
    let body: Uint8Array | undefined;
    if (withBody) {
      headers['content-type'] = pick([
        'application/json',
        'application/json',
        'application/json',
        'application/json; charset=utf-16',
        'text/plain',
        'application/x-www-form-urlencoded',
      ]);
      body = malformedBody(route.fields, random, pick);
    }
    requests.push({ method, path, headers, body });
  }
  return requests;
}

function malformedBody(
  fields: string[],
  random: () => number,
  pick: <T>(items: readonly T[]) => T,
): Uint8Array {
  const object = () => {
    const value: Record<string, unknown> = {};
    for (const field of fields) if (random() < 0.7) value[field] = pick(EXTREMES);
    if (random() < 0.3) value[pick(['unknown', '__proto__', 'constructor', ''])] = pick(EXTREMES);
    return value;
  };
  const text = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');
  switch (Math.floor(random() * 9)) {
    case 0: {
      // Truncated somewhere.
      const whole = JSON.stringify(object());
      return Buffer.from(whole.slice(0, Math.floor(random() * whole.length)), 'utf8');
    }
    case 1:
      return Buffer.from(
        Array.from({ length: 1 + Math.floor(random() * 512) }, () => Math.floor(random() * 256)),
      );
    case 2: {
      const depth = 10 + Math.floor(random() * 5000);
      return Buffer.from(`${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`, 'utf8');
    }
    case 3:
      return text(pick([1, 'x', [], null, true, [object()]]));
    case 4: {
      // Broken UTF-8 inside a string value.
      const whole = text(object());
      return Buffer.concat([
        whole.subarray(0, Math.max(1, whole.length - 2)),
        Buffer.from([0xc3, 0x28]),
        whole.subarray(whole.length - 2),
      ]);
    }
    case 5:
      return Buffer.alloc(0);
    case 6: {
      // A valid-looking body with one field nested just inside and just past the limits.
      const value = object();
      let deep: unknown = 1;
      for (let d = 0; d < 28 + Math.floor(random() * 60); d++) deep = [deep];
      value[pick(fields.length > 0 ? fields : ['x'])] = deep;
      return text(value);
    }
    default:
      return text(object());
  }
}
