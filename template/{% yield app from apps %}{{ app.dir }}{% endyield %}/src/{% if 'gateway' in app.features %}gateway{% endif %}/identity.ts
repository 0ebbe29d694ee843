/**
 * The caller as the gateway vouches for it to the services behind it. Services with edge
 * authentication read this header instead of verifying the token again; the network lets only
 * the gateway reach them, and the gateway never forwards a copy sent by a client.
 */
export const IDENTITY_HEADER = 'x-authenticated-user';

/** The claims of a verified access token that the services need. */
export interface EdgeIdentity {
  readonly id: string;
  readonly email: string;
  readonly name: string;
}

/** base64url(JSON): safe in a header value whatever characters the name holds. */
export function encodeIdentity(identity: EdgeIdentity): string {
  const { id, email, name } = identity;
  return Buffer.from(JSON.stringify({ id, email, name }), 'utf8').toString('base64url');
}
