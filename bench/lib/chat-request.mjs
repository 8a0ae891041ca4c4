// One chat completion over an undici Pool, judged the way a client would: a 2xx with a completion
// body, or for a stream a 2xx whose bytes end with `data: [DONE]`. Times are from the request start.

/**
 * @typedef {{ ok: true, latencyMs: number, ttfbMs: number | null }
 *   | { ok: false, latencyMs: number, kind: string, detail: string }} Outcome
 */

/**
 * @param {import('undici').Pool} pool
 * @param {{ path: string, headers: Record<string, string>, body: string, stream: boolean, signal?: AbortSignal }} req
 * @returns {Promise<Outcome>}
 */
export async function chatRequest(pool, req) {
  const startedAt = performance.now();
  /** @returns {Outcome} */
  const failed = (kind, detail) => ({
    ok: false,
    latencyMs: performance.now() - startedAt,
    kind,
    detail: String(detail).replace(/\s+/g, ' ').slice(0, 300),
  });
  try {
    const res = await pool.request({
      path: req.path,
      method: 'POST',
      headers: req.headers,
      body: req.body,
      signal: req.signal,
    });
    if (res.statusCode < 200 || res.statusCode >= 300) {
      return failed(`http_${res.statusCode}`, await res.body.text());
    }
    if (!req.stream) {
      const text = await res.body.text();
      if (!text.includes('"choices"')) return failed('bad_body', text);
      return { ok: true, latencyMs: performance.now() - startedAt, ttfbMs: null };
    }
    let firstAt = null;
    let tail = '';
    for await (const chunk of res.body) {
      firstAt ??= performance.now();
      tail = (tail + chunk.toString('latin1')).slice(-64);
    }
    if (!/data: \[DONE\]\s*$/.test(tail)) return failed('stream_without_done', tail);
    const endedAt = performance.now();
    return { ok: true, latencyMs: endedAt - startedAt, ttfbMs: (firstAt ?? endedAt) - startedAt };
  } catch (error) {
    return failed(error.code ?? error.name ?? 'error', error.message ?? error);
  }
}
