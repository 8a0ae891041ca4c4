// An upstream that reports usage no request can have (billions of tokens, 1e300) is still a
// request served: it is charged at most its hold, leaves its usage record, and the books agree
// (docs/design.md invariants 6 and 7). Before, its counts were carried into the usage event as
// reported, the worker found them beyond the column and sent the event to the dead stream: no
// record and no ledger debit for a request whose hold the live mirror had debited.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { BalanceMirror } from '@gateway/billing';
import { toFile } from 'openai';
import request from 'supertest';
import { DataSource } from 'typeorm';
import type { ApiHarness } from '../api-harness';
import { fund, sdk, seedTenantWithToken, startRelay, usageRecordsStored, type Relay } from './relay-fixture';

/** The usage each key's answers report, in the upstream's own format. */
const OPENAI_USAGE: Record<string, unknown> = {
  'sk-billions': { prompt_tokens: 3_000_000_000, completion_tokens: 5, total_tokens: 3_000_000_005 },
  'sk-safe-max': {
    prompt_tokens: Number.MAX_SAFE_INTEGER,
    completion_tokens: Number.MAX_SAFE_INTEGER,
    total_tokens: Number.MAX_SAFE_INTEGER,
  },
};
const ANTHROPIC_USAGE: Record<string, unknown> = {
  'sk-ant-huge': { input_tokens: 1e300, output_tokens: 7 },
  'sk-ant-sum': {
    input_tokens: 2_000_000_000,
    cache_read_input_tokens: 2_000_000_000,
    cache_creation_input_tokens: 2_000_000_000,
    output_tokens: 2_100_000_000,
  },
};
const GEMINI_USAGE: Record<string, unknown> = {
  'AIza-huge': { promptTokenCount: 1e20, candidatesTokenCount: 3, thoughtsTokenCount: 1e20 },
  'AIza-cache': { promptTokenCount: 5, cachedContentTokenCount: 1e12, candidatesTokenCount: 3 },
};

/** OpenAI's chat (JSON or SSE), Anthropic's messages and Gemini's generateContent, with canned usage. */
async function startAbsurdUpstream(): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const json = String(req.headers['content-type']).startsWith('application/json');
      const body = (json ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {}) as { stream?: boolean };
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const url = req.url ?? '';
      if (url.endsWith('/chat/completions')) {
        const usage = OPENAI_USAGE[bearer];
        if (body.stream) {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          const chunk = (extra: object) =>
            `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', ...extra })}\n\n`;
          res.write(chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: 'ok' } }] }));
          res.write(chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }));
          res.write(chunk({ choices: [], usage }));
          res.end('data: [DONE]\n\n');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'c',
            object: 'chat.completion',
            created: 0,
            model: 'm',
            choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
            usage,
          }),
        );
        return;
      }
      if (url.endsWith('/moderations')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'modr-1',
            model: 'omni-moderation-latest',
            results: [{ flagged: false, categories: {}, category_scores: {} }],
            usage: { prompt_tokens: 2.5, total_tokens: 2.5 },
          }),
        );
        return;
      }
      if (url.endsWith('/audio/transcriptions')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ task: 'transcribe', language: 'english', duration: 1e300, text: 'ok' }));
        return;
      }
      if (url.endsWith('/messages')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'msg_1',
            type: 'message',
            role: 'assistant',
            model: 'claude',
            content: [{ type: 'text', text: 'ok' }],
            stop_reason: 'end_turn',
            stop_sequence: null,
            usage: ANTHROPIC_USAGE[String(req.headers['x-api-key'])],
          }),
        );
        return;
      }
      if (url.includes(':generateContent')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            candidates: [
              { content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP', index: 0 },
            ],
            usageMetadata: GEMINI_USAGE[String(req.headers['x-goog-api-key'])],
          }),
        );
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no route ${url}` } }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('usage an upstream cannot have used', () => {
  let relay: Relay;
  let api: ApiHarness;
  let upstream: { baseUrl: string; close(): Promise<void> };

  beforeAll(async () => {
    upstream = await startAbsurdUpstream();
    relay = await startRelay('relay_absurd_usage', { ingestor: true });
    api = relay.api;
  });
  afterAll(async () => {
    await relay?.close();
    await upstream?.close();
  });

  async function channel(
    type: string,
    model: string,
    key: string,
    price: object = { inputPer1M: '1', outputPer1M: '2' },
  ): Promise<void> {
    const created = await request(api.url)
      .post('/api/channels')
      .set('authorization', `Bearer ${relay.admin}`)
      .send({
        name: `ch-${model}`,
        type,
        baseUrl: type === 'openai' ? `${upstream.baseUrl}/v1` : upstream.baseUrl,
        models: [model],
        groups: ['default'],
        timeoutMs: 10_000,
      })
      .expect(201);
    await request(api.url)
      .post(`/api/channels/${(created.body as { id: string }).id}/keys`)
      .set('authorization', `Bearer ${relay.admin}`)
      .send({ key })
      .expect(201);
    await request(api.url)
      .put(`/api/models/${model}/price`)
      .set('authorization', `Bearer ${relay.admin}`)
      .send(price)
      .expect(200);
  }

  /** The tenant's books once its one request is stored: they agree, and what it was charged. */
  async function charged(tenantId: string, tokenId: string): Promise<{ cost: bigint; writtenOff: bigint }> {
    await usageRecordsStored(api, tenantId, 1);
    const [row] = (await api.app.get(DataSource).query(
      `SELECT
         (SELECT balance_nano FROM tenant_balances WHERE tenant_id = $1) AS balance,
         (SELECT coalesce(sum(amount_nano), 0) FROM ledger_entries WHERE tenant_id = $1 AND kind = 'usage') AS usage,
         (SELECT coalesce(sum(cost_nano), 0) FROM usage_records WHERE tenant_id = $1) AS cost,
         (SELECT coalesce(sum(written_off_nano), 0) FROM usage_records WHERE tenant_id = $1) AS written_off,
         (SELECT used_nano FROM tokens WHERE id = $2) AS used`,
      [tenantId, tokenId],
    )) as Record<string, string>[];
    const cost = BigInt(row?.['cost'] as string);
    expect(-BigInt(row?.['usage'] as string)).toBe(cost);
    expect(BigInt(row?.['used'] as string)).toBe(cost);
    expect(BigInt(row?.['balance'] as string)).toBe(5_000_000_000n - cost);
    expect(await api.app.get(BalanceMirror).snapshot(tenantId)).toMatchObject({
      credits: 5_000_000_000n,
      debits: cost,
      held: 0n,
    });
    return { cost, writtenOff: BigInt(row?.['written_off'] as string) };
  }

  it.each([
    ['an OpenAI channel, billions of prompt tokens', 'openai', 'sk-billions', false],
    ['an OpenAI channel, billions of prompt tokens, streamed', 'openai', 'sk-billions', true],
    ['an OpenAI channel, counts at the largest safe integer', 'openai', 'sk-safe-max', false],
    ['an Anthropic channel, 1e300 input tokens', 'anthropic', 'sk-ant-huge', false],
    ['an Anthropic channel, parts that each fit but whose sum does not', 'anthropic', 'sk-ant-sum', false],
    ['a Gemini channel, 1e20 prompt and thinking tokens', 'gemini', 'AIza-huge', false],
  ])('%s: charged at most the hold, recorded, and the books agree', async (_name, type, key, stream) => {
    const model = `m-${key}-${stream ? 's' : 'j'}`;
    await channel(type, model, key);
    const { key: token, tenantId, tokenId } = await seedTenantWithToken(api, relay.admin);
    await fund(api, tenantId, '5');
    const client = sdk(api, token);
    if (stream) {
      const events = await client.chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 100,
        stream: true,
      });
      let text = '';
      for await (const event of events) text += event.choices[0]?.delta?.content ?? '';
      expect(text).toBe('ok');
    } else {
      const answer = await client.chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 100,
      });
      expect(answer.choices[0]?.message.content).toBe('ok');
    }

    const { cost, writtenOff } = await charged(tenantId, tokenId);
    // The hold: a 1-message prompt of a few tokens plus 100 output tokens at 2000 nano each.
    expect(cost).toBeGreaterThan(200_000n);
    expect(cost).toBeLessThan(300_000n);
    expect(writtenOff).toBeGreaterThan(0n);
  });

  it('a Gemini answer with more cache reads than prompt is recorded with the prompt all read from the cache', async () => {
    await channel('gemini', 'm-gemini-cache', 'AIza-cache');
    const { key: token, tenantId, tokenId } = await seedTenantWithToken(api, relay.admin);
    await fund(api, tenantId, '5');
    await sdk(api, token).chat.completions.create({
      model: 'm-gemini-cache',
      messages: [{ role: 'user', content: 'hi' }],
    });
    // 5 prompt tokens read from the cache (no cache price: the input price) and 3 output tokens.
    expect(await charged(tenantId, tokenId)).toEqual({ cost: 5n * 1_000n + 3n * 2_000n, writtenOff: 0n });
    const [record] = (await api.app
      .get(DataSource)
      .query('SELECT prompt_tokens, cached_tokens FROM usage_records WHERE tenant_id = $1', [tenantId])) as {
      prompt_tokens: number;
      cached_tokens: number;
    }[];
    expect(record).toEqual({ prompt_tokens: 5, cached_tokens: 5 });
  });

  it('a moderation whose upstream reports a fractional token count is billed its whole tokens', async () => {
    await channel('openai', 'omni-moderation-latest', 'sk-moderation');
    const { key: token, tenantId, tokenId } = await seedTenantWithToken(api, relay.admin);
    await fund(api, tenantId, '5');
    const answer = await sdk(api, token).moderations.create({ model: 'omni-moderation-latest', input: 'hi' });
    expect(answer.results).toHaveLength(1);
    // 2 input tokens at 1000 nano each.
    expect(await charged(tenantId, tokenId)).toEqual({ cost: 2_000n, writtenOff: 0n });
  });

  it('a transcription whose upstream says it heard 1e300 seconds is charged its hold', async () => {
    await channel('openai', 'whisper-absurd', 'sk-whisper', {
      inputPer1M: '0',
      outputPer1M: '0',
      perAudioSecond: '0.0001',
    });
    const { key: token, tenantId, tokenId } = await seedTenantWithToken(api, relay.admin);
    await fund(api, tenantId, '5');
    const answer = await sdk(api, token).audio.transcriptions.create({
      file: await toFile(Buffer.alloc(5_000), 'a.mp3'),
      model: 'whisper-absurd',
      response_format: 'verbose_json',
    });
    expect(answer.text).toBe('ok');
    // 5,000 bytes held as 10 seconds (500 bytes a second) at 100,000 nano each.
    const { cost, writtenOff } = await charged(tenantId, tokenId);
    expect(cost).toBe(1_000_000n);
    expect(writtenOff).toBeGreaterThan(0n);
  });
});
