import { IpAllowlist, normalizeCidr, parseCidr } from './ip-allowlist';

describe('parseCidr', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['10.0.0.1', '10.0.0.1/32'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['192.168.1.7/32', '192.168.1.7/32'],
    ['2001:DB8::/32', '2001:db8::/32'],
    ['2001:0db8:0000::1', '2001:db8::1/128'],
    ['::1/128', '::1/128'],
    ['::/0', '::/0'],
    ['::ffff:10.1.2.3/128', '::ffff:10.1.2.3/128'],
  ])('accepts %s as %s', (text, normalized) => {
    expect(normalizeCidr(text)).toBe(normalized);
  });

  it.each([
    '10.0.0.0/33',
    '::1/129',
    'not-an-ip',
    '',
    '10.0.0/8',
    '10.0.0.256',
    '010.0.0.1',
    '10.0.0.0/',
    '10.0.0.0/+8',
    '10.0.0.0/08x',
    '10.0.0.0/8/8',
    ' 10.0.0.0/8',
    'fe80::1%eth0',
    '2001:db8:::1',
  ])('refuses %j', (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });
});

describe('IpAllowlist', () => {
  it('lets everything in when empty', () => {
    const list = new IpAllowlist([]);
    expect(list.allows('203.0.113.9')).toBe(true);
    expect(list.allows(null)).toBe(true);
  });

  it('matches IPv4 subnets and single addresses', () => {
    const list = new IpAllowlist(['10.0.0.0/8', '192.168.1.7']);
    expect(list.allows('10.1.2.3')).toBe(true);
    expect(list.allows('10.255.255.255')).toBe(true);
    expect(list.allows('11.0.0.0')).toBe(false);
    expect(list.allows('192.168.1.7')).toBe(true);
    expect(list.allows('192.168.1.8')).toBe(false);
  });

  it('matches IPv6 subnets', () => {
    const list = new IpAllowlist(['2001:db8::/32', '::1']);
    expect(list.allows('2001:db8:1::5')).toBe(true);
    expect(list.allows('2001:db9::5')).toBe(false);
    expect(list.allows('::1')).toBe(true);
    expect(list.allows('::2')).toBe(false);
  });

  it('treats an IPv4-mapped IPv6 client address as the IPv4 address it carries', () => {
    const list = new IpAllowlist(['10.0.0.0/8']);
    expect(list.allows('::ffff:10.1.2.3')).toBe(true);
    expect(list.allows('::FFFF:10.1.2.3')).toBe(true);
    expect(list.allows('::ffff:11.1.2.3')).toBe(false);
  });

  it('refuses a missing or malformed client address when the list is not empty', () => {
    const list = new IpAllowlist(['0.0.0.0/0']);
    expect(list.allows('1.2.3.4')).toBe(true);
    expect(list.allows(null)).toBe(false);
    expect(list.allows(undefined)).toBe(false);
    expect(list.allows('not-an-ip')).toBe(false);
    expect(list.allows('2001:db8::1')).toBe(false);
  });

  it('is immutable and refuses corrupt stored entries', () => {
    const list = new IpAllowlist(['10.0.0.1']);
    expect(list.cidrs).toEqual(['10.0.0.1/32']);
    expect(Object.isFrozen(list)).toBe(true);
    expect(Object.isFrozen(list.cidrs)).toBe(true);
    expect(() => new IpAllowlist(['10.0.0.0/33'])).toThrow(RangeError);
  });
});
