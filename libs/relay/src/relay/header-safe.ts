/**
 * A header value Node will send: anything outside printable ASCII (a channel named 主渠道, as
 * operators coming from NewAPI often have) is percent-encoded instead of failing the response.
 */
export function headerSafe(value: string): string {
  return value.replace(/[^\x20-\x7e]+/g, (run) => encodeURIComponent(run));
}
