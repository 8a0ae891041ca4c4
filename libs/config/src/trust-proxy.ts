// TRUST_PROXY: whose X-Forwarded-* headers Express believes (req.ip, req.secure), in the forms
// Express's `trust proxy` setting takes, checked here so a typo stops the process instead of
// silently trusting nobody (or everybody).
import { isIP } from 'node:net';
import { z } from 'zod';

/** What `app.set('trust proxy', …)` receives: all/none, a number of hops, or addresses and ranges. */
export type TrustProxy = boolean | number | readonly string[];

/** The names proxy-addr (Express) knows for whole ranges. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrRange(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address = '', mask, extra] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return false;
  if (mask === undefined) return true;
  if (/^\d{1,3}$/.test(mask)) return Number(mask) <= (version === 4 ? 32 : 128);
  // An IPv4 netmask (10.0.0.0/255.0.0.0), which proxy-addr also accepts.
  return version === 4 && isIP(mask) === 4;
}

export const trustProxy = z
  .string()
  .transform((value, ctx): TrustProxy => {
    const text = value.trim();
    if (text === 'true' || text === 'false') return text === 'true';
    if (/^\d{1,3}$/.test(text)) return Number(text);
    const entries = text.split(',').map((entry) => entry.trim());
    if (entries.every((entry) => entry !== '' && isAddressOrRange(entry))) return Object.freeze(entries);
    ctx.addIssue({
      code: 'custom',
      message:
        'must be true, false, a number of proxy hops, or comma-separated addresses, CIDR ranges or ' +
        'loopback/linklocal/uniquelocal (e.g. "loopback,10.0.0.0/8")',
    });
    return z.NEVER;
  })
  .default('loopback');
