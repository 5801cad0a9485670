import { describe, expect, it } from 'vitest';
import { DestinationRefused, destinationPolicy, guardedLookup, isPublicAddress } from '../../src/protected-apis/commands/upstream-destination.js';

describe('http-request command destinations', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '::1',
    '0.0.0.0',
    '::',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.100.100.200',
    'fe80::1',
    'fc00::1',
    'fd00:ec2::254',
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
    '64:ff9b::7f00:1',
    '224.0.0.1',
    '255.255.255.255',
    'not-an-address',
  ])('counts %s as not public', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['8.8.8.8', '1.1.1.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])('counts %s as public', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it('allows internal addresses only within the listed networks', () => {
    const allows = destinationPolicy(['10.0.0.0/8', '::1/128']);
    expect(allows('10.1.2.3')).toBe(true);
    expect(allows('::ffff:10.1.2.3')).toBe(true);
    expect(allows('::1')).toBe(true);
    expect(allows('127.0.0.1')).toBe(false);
    expect(allows('192.168.0.1')).toBe(false);
    expect(allows('8.8.8.8')).toBe(true);
  });

  it('resolves a name and refuses it when no address it resolves to is allowed', async () => {
    const lookup = (allows: (address: string) => boolean, all: boolean) =>
      new Promise<{ error: Error | null; address: unknown }>((resolve) => guardedLookup(allows)('localhost', { all }, (error, address) => resolve({ error, address })));
    const refused = await lookup(destinationPolicy([]), true);
    expect(refused.error).toBeInstanceOf(DestinationRefused);
    expect(refused.error?.message).toContain('127.0.0.1');
    const allowed = await lookup(destinationPolicy(['127.0.0.0/8']), false);
    expect(allowed).toEqual({ error: null, address: '127.0.0.1' });
    const allowedAll = await lookup(destinationPolicy(['127.0.0.0/8']), true);
    expect(allowedAll.address).toEqual([{ address: '127.0.0.1', family: 4 }]);
  });
});
