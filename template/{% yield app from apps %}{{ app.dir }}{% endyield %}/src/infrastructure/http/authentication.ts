import type { FastifyPluginCallback, preValidationHookHandler } from 'fastify';
import { createSigner, createVerifier, TokenError } from 'fast-jwt';
import fp from 'fastify-plugin';
import { LRUCache } from 'lru-cache';
import { DomainError } from '../../shared/errors.js';

export interface AuthenticatedUser {
  readonly id: string;
}

export interface AccessToken {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  /** Lifetime in seconds, as in OAuth 2.0 token responses. */
  readonly expiresIn: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller, set by `authenticate` on protected routes. */
    user: AuthenticatedUser;
  }
  interface FastifyInstance {
    /** `preValidation` hook for protected routes: verifies the bearer token and sets `request.user`. */
    authenticate: preValidationHookHandler;
    issueAccessToken: (userId: string) => AccessToken;
  }
}

export interface AuthenticationOptions {
  readonly secret: string;
  readonly issuer: string;
  readonly audience: string;
  readonly expiresInSeconds: number;
}

// One algorithm, pinned on both sides: a token signed with anything else ("none", RS256 with the
// secret as a public key) is rejected before its signature is even looked at.
const ALGORITHM = 'HS256';

/** What a verified token is known to hold (requiredClaims); `sub` is checked to be a string. */
interface VerifiedClaims {
  readonly sub: unknown;
  /** Expiry, in seconds since the epoch (checked by the verifier). */
  readonly exp: number;
}

/** Verified tokens kept at most: about 3 MB. */
const VERIFIED_TOKENS_MAX = 10_000;

const BEARER = /^Bearer +(\S+) *$/i;

/**
 * JWT access tokens through fast-jwt: the signer and the verifier are built once, with the
 * algorithm, issuer, audience and required claims fixed. (@fastify/jwt wraps the same library but
 * resolves the secret and options again on every request.)
 */
const authenticationPlugin: FastifyPluginCallback<AuthenticationOptions> = (app, options, done) => {
  const sign: (claims: { readonly sub: string }) => string = createSigner({
    key: options.secret,
    algorithm: ALGORITHM,
    iss: options.issuer,
    aud: options.audience,
    expiresIn: options.expiresInSeconds * 1000, // fast-jwt counts in milliseconds
  });
  const verify: (token: string) => VerifiedClaims = createVerifier({
    key: options.secret,
    algorithms: [ALGORITHM],
    allowedIss: options.issuer,
    allowedAud: options.audience,
    requiredClaims: ['sub', 'iat', 'exp', 'iss', 'aud'],
  });
  // Tokens already verified, each until it expires: a client sends the same token with every
  // request, and a hit costs a map lookup instead of an HMAC. The key is the whole token, not a
  // hash of it (fast-jwt's own cache hashes every token, which costs as much as the HMAC):
  // identical tokens carry identical claims and signature.
  const verified = new LRUCache<string, AuthenticatedUser>({ max: VERIFIED_TOKENS_MAX });

  /** The token's user; throws fast-jwt's TokenError when it is not valid. */
  const userOf = (token: string): AuthenticatedUser | undefined => {
    const known = verified.get(token);
    if (known !== undefined) return known;
    const claims = verify(token);
    if (typeof claims.sub !== 'string') return undefined;
    const user = { id: claims.sub };
    const ttl = claims.exp * 1000 - Date.now();
    if (ttl > 0) verified.set(token, user, { ttl }); // (0 would mean "forever" to the cache)
    return user;
  };

  app.decorateRequest<AuthenticatedUser | null>('user', null);

  app.decorate('issueAccessToken', (userId: string): AccessToken => ({
    accessToken: sign({ sub: userId }),
    tokenType: 'Bearer',
    expiresIn: options.expiresInSeconds,
  }));

  app.decorate('authenticate', function authenticate(request, reply, next) {
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    let user: AuthenticatedUser | undefined;
    try {
      if (token !== undefined) user = userOf(token);
    } catch (error) {
      // Every failure is a 401 (missing header, malformed, forged, wrong issuer or audience),
      // and the reason is not spelled out; only expiry is told apart so clients know to log in again.
      if (error instanceof TokenError && error.code === TokenError.codes.expired) {
        reply.header('www-authenticate', 'Bearer');
        next(new DomainError('unauthorized', 'TOKEN_EXPIRED', 'The access token has expired'));
        return;
      }
    }
    if (user === undefined) {
      reply.header('www-authenticate', 'Bearer');
      next(new DomainError('unauthorized', 'INVALID_TOKEN', 'A valid bearer access token is required'));
      return;
    }
    request.user = user;
    next();
  } satisfies preValidationHookHandler);
  done();
};

/** JWT access tokens: issuing them at login and verifying them on protected routes. */
export const authentication = fp(authenticationPlugin, { name: 'authentication' });
