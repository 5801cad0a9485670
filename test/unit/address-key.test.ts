import { describe, expect, it } from 'vitest';
import { addressKey } from '../../src/limits/address-key.js';

describe('address key of the per-address rate limits', () => {
  it('keeps IPv4 addresses, also IPv4-mapped ones', () => {
    expect(addressKey('192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
  });

  it('counts an IPv6 address by its /64 network, however it is written', () => {
    const key = '2001:db8:0:1::/64';
    for (const address of ['2001:db8:0:1::1', '2001:0DB8:0000:0001:ffff:ffff:ffff:ffff', '2001:db8::1:a:b:c:d', '2001:db8:0:1:0:0:192.0.2.1', '2001:db8:0:1::9%eth0']) {
      expect(addressKey(address)).toBe(key);
    }
    expect(addressKey('2001:db8:0:2::1')).toBe('2001:db8:0:2::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('2001:db8::')).toBe('2001:db8:0:0::/64');
  });

  it('leaves anything else as it is', () => {
    expect(addressKey('not:an:address')).toBe('not:an:address');
    expect(addressKey('')).toBe('');
  });
});
