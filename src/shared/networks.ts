import { BlockList, isIP } from 'node:net';

/** Parses "10.0.0.0/8, 192.168.1.7, ::1/128" into CIDR strings; throws a message naming the bad item. */
export function parseCidrList(raw: unknown): string[] {
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[\s,]+/) : null;
  if (items === null) throw new Error('must be a comma-separated list of addresses or CIDR ranges');
  const ranges: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string') throw new Error('must be a comma-separated list of addresses or CIDR ranges');
    const text = item.trim();
    if (text === '') continue;
    const [address = '', prefix, extra] = text.split('/');
    const family = isIP(address);
    const max = family === 4 ? 32 : 128;
    if (family === 0 || extra !== undefined || (prefix !== undefined && (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max))) {
      throw new Error(`'${text}' is not an IP address or CIDR range (such as 10.0.0.0/8 or 2001:db8::/32)`);
    }
    ranges.push(`${address}/${prefix ?? max}`);
  }
  return ranges;
}

/** Whether an address lies in one of the CIDR ranges (IPv4-mapped IPv6 addresses count as IPv4). */
export function networkMatcher(ranges: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const range of ranges) {
    const [address = '', prefix = ''] = range.split('/');
    list.addSubnet(address, Number(prefix), isIP(address) === 4 ? 'ipv4' : 'ipv6');
  }
  return (address) => {
    const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    const family = isIP(plain);
    if (family === 0) return false;
    return list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
  };
}
