import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { networkMatcher } from '../../shared/networks.js';

/** A connection an http-request command may not make: the address is not public and no setting allows it. */
export class DestinationRefused extends Error {
  override name = 'DestinationRefused';

  constructor(
    readonly host: string,
    readonly addresses: readonly string[],
  ) {
    super(`${host} (${addresses.join(', ')}) is not a public address; list it in the command's internalNetworks or GATEHOUSE_COMMAND_INTERNAL_NETWORKS to allow it`);
  }
}

/**
 * Whether an address is public: ipaddr.js's range `unicast`, after unwrapping IPv4-mapped IPv6. Loopback,
 * private, link-local (with the 169.254.169.254 metadata service), unique-local, carrier-grade NAT, NAT64,
 * multicast, reserved and unspecified addresses are not.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

/** The addresses a command may connect to: public ones, and those in the allowed internal networks. */
export function destinationPolicy(internalNetworks: readonly string[]): (address: string) => boolean {
  const internal = networkMatcher(internalNetworks);
  return (address) => isPublicAddress(address) || internal(address);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for node:net that resolves the name and keeps only the addresses the policy allows: the check is
 * on the very address the socket connects to, so a name that resolves differently later (DNS rebinding) gains nothing.
 */
export function guardedLookup(allows: (address: string) => boolean) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const allowed = addresses.filter((entry) => allows(entry.address));
      const first = allowed[0];
      if (!first)
        return callback(
          new DestinationRefused(
            hostname,
            addresses.map((entry) => entry.address),
          ),
          [],
        );
      if (options.all) return callback(null, allowed);
      return callback(null, first.address, first.family);
    });
  };
}

/** False for a URL whose host is an IP literal the policy does not allow (node:net looks no literal up). */
export function isAllowedLiteral(url: URL, allows: (address: string) => boolean): boolean {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(host) === 0 || allows(host);
}
