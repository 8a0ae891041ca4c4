// Reads what an upstream said in an error response, whatever its shape (OpenAI's {error:{…}},
// a bare {message}, plain text), with every secret masked before it can reach a client or a log.
import { maskSecrets } from '@gateway/providers';

export interface UpstreamErrorInfo {
  message: string;
  code: string | null;
  param: string | null;
  type: string | null;
}

const MAX_MESSAGE = 1000;

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

export function readUpstreamError(raw: string, secrets: readonly string[]): UpstreamErrorInfo {
  let message: string | null = null;
  let code: string | null = null;
  let param: string | null = null;
  let type: string | null = null;
  try {
    const body = JSON.parse(raw) as unknown;
    const error = (body as { error?: unknown })?.error ?? body;
    if (typeof error === 'object' && error !== null) {
      const e = error as Record<string, unknown>;
      message = text(e['message']);
      code = text(e['code']) ?? (typeof e['code'] === 'number' ? String(e['code']) : null);
      param = text(e['param']);
      type = text(e['type']);
    } else {
      message = text(error);
    }
  } catch {
    message = text(raw);
  }
  const masked = (value: string | null) => (value === null ? null : maskSecrets(value, secrets));
  return {
    message: (masked(message) ?? 'the upstream gave no reason').slice(0, MAX_MESSAGE),
    code: masked(code),
    param: masked(param),
    type: masked(type),
  };
}
