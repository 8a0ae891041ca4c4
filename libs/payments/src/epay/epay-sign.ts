// EPay (易支付) signatures, as its protocol documents them: the parameters sorted by key (ASCII),
// without `sign`, `sign_type` and empty values, joined as k=v&k=v, with the merchant key appended
// directly, MD5 in lower-case hex. The same rule signs the submit URL and verifies notifications.
import { createHash, timingSafeEqual } from 'node:crypto';

export type EpayParams = Record<string, string | undefined>;

/** The string that is hashed, key excluded: `a=1&b=2`. */
export function epaySigningString(params: EpayParams): string {
  return Object.keys(params)
    .filter((key) => key !== 'sign' && key !== 'sign_type')
    .filter((key) => params[key] !== undefined && params[key] !== '')
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join('&');
}

export function epaySign(params: EpayParams, merchantKey: string): string {
  return createHash('md5')
    .update(epaySigningString(params) + merchantKey, 'utf8')
    .digest('hex');
}

/** Whether `params.sign` is the signature of the other parameters under `merchantKey` (constant time). */
export function epayVerify(params: EpayParams, merchantKey: string): boolean {
  const given = params['sign'];
  if (typeof given !== 'string' || !/^[0-9a-fA-F]{32}$/.test(given)) return false;
  const expected = Buffer.from(epaySign(params, merchantKey), 'hex');
  return timingSafeEqual(expected, Buffer.from(given.toLowerCase(), 'hex'));
}
