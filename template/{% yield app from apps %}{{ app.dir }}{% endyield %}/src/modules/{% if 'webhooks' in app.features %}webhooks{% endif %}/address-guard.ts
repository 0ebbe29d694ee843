import { lookup, type LookupAddress, type LookupOptions } from 'node:dns';
import ipaddr from 'ipaddr.js';

/**
 * Whether a webhook may be sent to `address`: only a public unicast address. Loopback, private,
 * link-local, unique-local, carrier-grade NAT, multicast, unspecified and reserved ranges are
 * refused (ipaddr.js names every range it knows; what it calls `unicast` is the rest), and so are
 * IPv6 forms that embed an IPv4 address (6to4, Teredo, NAT64) except IPv4-mapped ones, which are
 * judged as the IPv4 address they carry.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  return parsed.range() === 'unicast';
}

export class RefusedAddressError extends Error {
  readonly code = 'WEBHOOK_ADDRESS_REFUSED';

  constructor(host: string, address: string) {
    super(`${host} resolves to ${address}, a private or reserved address webhooks are not sent to`);
    this.name = 'RefusedAddressError';
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for the sockets webhooks are sent on: it resolves the host and refuses the connection
 * unless every address is public. The socket connects to the address checked here, so a DNS answer
 * that changes between a check and the connection (DNS rebinding) cannot slip a private one past.
 */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error !== null) {
      callback(error, []);
      return;
    }
    const refused = addresses.find(({ address }) => !isPublicAddress(address));
    if (refused !== undefined) {
      callback(new RefusedAddressError(hostname, refused.address), []);
      return;
    }
    const [first] = addresses;
    if (options.all === true || first === undefined) callback(null, addresses);
    else callback(null, first.address, first.family);
  });
}

/** The address in a URL's host when it is an IP literal (`[::1]` → `::1`); undefined for a name. */
export function literalAddress(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) ? bare : undefined;
}
