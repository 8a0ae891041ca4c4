// A token's IP allowlist: CIDR parsing for validation, and a prepared matcher for the hot path.
import { BlockList, isIP, SocketAddress } from 'node:net';

export interface Cidr {
  /** Canonical address text (lower-case, compressed IPv6). */
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

const PREFIX_DIGITS = /^\d{1,3}$/;
const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * `10.0.0.0/8`, `2001:db8::/32`, or a bare address (= /32 or /128). Undefined for anything else,
 * including zone ids (`fe80::1%eth0`), which mean nothing outside the host that wrote them.
 */
export function parseCidr(text: string): Cidr | undefined {
  if (typeof text !== 'string' || text.length > 64) return undefined;
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const version = isIP(address);
  if (version === 0 || address.includes('%')) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const maxPrefix = version === 4 ? 32 : 128;
  let prefix = maxPrefix;
  if (slash >= 0) {
    const digits = text.slice(slash + 1);
    if (!PREFIX_DIGITS.test(digits)) return undefined;
    prefix = Number(digits);
    if (prefix > maxPrefix) return undefined;
  }
  return { address: new SocketAddress({ address, family }).address, prefix, family };
}

/** The form stored and shown: always with a prefix length. */
export function normalizeCidr(text: string): string | undefined {
  const cidr = parseCidr(text);
  return cidr && `${cidr.address}/${cidr.prefix}`;
}

/** Matches client addresses against a fixed list of CIDRs; an empty list lets every address in. */
export class IpAllowlist {
  private readonly blockList = new BlockList();
  readonly cidrs: readonly string[];

  constructor(cidrs: readonly string[]) {
    const parsed = cidrs.map((text) => {
      const cidr = parseCidr(text);
      // Stored values were validated on the way in; a bad one here is corrupt data, so fail closed.
      if (!cidr) throw new RangeError(`not a CIDR: ${JSON.stringify(text)}`);
      return cidr;
    });
    for (const cidr of parsed) this.blockList.addSubnet(cidr.address, cidr.prefix, cidr.family);
    this.cidrs = Object.freeze(parsed.map((cidr) => `${cidr.address}/${cidr.prefix}`));
    Object.freeze(this);
  }

  get isEmpty(): boolean {
    return this.cidrs.length === 0;
  }

  /** `ip` as Express reports it; an IPv4 client on a dual-stack socket shows up as `::ffff:a.b.c.d`. */
  allows(ip: string | null | undefined): boolean {
    if (this.cidrs.length === 0) return true;
    if (!ip) return false;
    const address = IPV4_MAPPED.exec(ip)?.[1] ?? ip;
    const version = isIP(address);
    if (version === 0) return false;
    return this.blockList.check(address, version === 4 ? 'ipv4' : 'ipv6');
  }
}
