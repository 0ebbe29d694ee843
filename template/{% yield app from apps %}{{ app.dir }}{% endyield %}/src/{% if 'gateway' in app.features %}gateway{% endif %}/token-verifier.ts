import { createVerifier } from 'fast-jwt';
import { LRUCache } from 'lru-cache';
import type { EdgeIdentity } from './identity.js';

export interface TokenVerifierOptions {
  readonly secret: string;
  readonly issuer: string;
  readonly audience: string;
}

// One algorithm, pinned as the users service signs: a token signed with anything else ("none",
// RS256 with the secret as a public key) is rejected before its signature is even looked at.
const ALGORITHM = 'HS256';

/** Verified tokens kept at most: a few MB. */
const VERIFIED_TOKENS_MAX = 10_000;

/** What a verified token is known to hold (requiredClaims); the types are checked below. */
interface VerifiedClaims {
  readonly sub: unknown;
  readonly email: unknown;
  readonly name: unknown;
  /** Expiry, in seconds since the epoch (checked by the verifier). */
  readonly exp: number;
}

/**
 * The identity a bearer token carries, or undefined when its claims are not those the users
 * service signs; throws fast-jwt's TokenError when the token is malformed, forged or expired.
 */
export type TokenVerifier = (token: string) => EdgeIdentity | undefined;

/**
 * fast-jwt's verifier, built once with the algorithm, issuer, audience and required claims fixed.
 * Tokens already verified are kept until they expire: a client sends the same token with every
 * request, and a hit costs a map lookup instead of an HMAC.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const verify: (token: string) => VerifiedClaims = createVerifier({
    key: options.secret,
    algorithms: [ALGORITHM],
    allowedIss: options.issuer,
    allowedAud: options.audience,
    requiredClaims: ['sub', 'email', 'name', 'iat', 'exp', 'iss', 'aud'],
  });
  const verified = new LRUCache<string, EdgeIdentity>({ max: VERIFIED_TOKENS_MAX });

  return (token) => {
    const known = verified.get(token);
    if (known !== undefined) return known;
    const { sub, email, name, exp } = verify(token);
    if (typeof sub !== 'string' || typeof email !== 'string' || typeof name !== 'string') return undefined;
    const identity = { id: sub, email, name };
    const ttl = exp * 1000 - Date.now();
    if (ttl > 0) verified.set(token, identity, { ttl }); // (0 would mean "forever" to the cache)
    return identity;
  };
}
