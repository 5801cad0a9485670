import { isIP } from 'node:net';

/**
 * The key under which per-address rate limits count a source address: an IPv4 address as it is (also
 * when it arrives IPv4-mapped, `::ffff:192.0.2.1`), an IPv6 address by its /64 network. One subscriber or
 * host commonly holds a whole /64 (SLAAC, privacy addresses), so counting each IPv6 address alone would
 * let a single machine change its address with every request and never meet a per-address limit.
 */
export function addressKey(address: string): string {
  if (!address.includes(':')) return address;
  const plain = address.split('%')[0] ?? address;
  if (plain.startsWith('::ffff:') && isIP(plain.slice(7)) === 4) return plain.slice(7);
  if (isIP(plain) !== 6) return address;
  return `${ipv6Groups(plain).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address, in lower-case hex without leading zeros. */
function ipv6Groups(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const parts = (text: string) => (text === '' ? [] : text.split(':').flatMap((part) => (part.includes('.') ? ['0', '0'] : [part])));
  const front = parts(head);
  const back = tail === undefined ? [] : parts(tail);
  const groups = [...front, ...Array<string>(8 - front.length - back.length).fill('0'), ...back];
  return groups.map((group) => Number.parseInt(group, 16).toString(16));
}
