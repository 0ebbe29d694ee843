import type { FastifyPluginCallback, preValidationHookHandler } from 'fastify';
import { createSigner, createVerifier, TokenError } from 'fast-jwt';
import fp from 'fastify-plugin';
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
}

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
    // Verified tokens (and rejections) are remembered until they expire: no HMAC on every request.
    cache: true,
  });

  app.decorateRequest<AuthenticatedUser | null>('user', null);

  app.decorate('issueAccessToken', (userId: string): AccessToken => ({
    accessToken: sign({ sub: userId }),
    tokenType: 'Bearer',
    expiresIn: options.expiresInSeconds,
  }));

  app.decorate('authenticate', function authenticate(request, reply, next) {
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    let subject: unknown;
    try {
      if (token !== undefined) subject = verify(token).sub;
    } catch (error) {
      // Every failure is a 401 (missing header, malformed, forged, wrong issuer or audience),
      // and the reason is not spelled out; only expiry is told apart so clients know to log in again.
      if (error instanceof TokenError && error.code === TokenError.codes.expired) {
        reply.header('www-authenticate', 'Bearer');
        next(new DomainError('unauthorized', 'TOKEN_EXPIRED', 'The access token has expired'));
        return;
      }
    }
    if (typeof subject !== 'string') {
      reply.header('www-authenticate', 'Bearer');
      next(new DomainError('unauthorized', 'INVALID_TOKEN', 'A valid bearer access token is required'));
      return;
    }
    request.user = { id: subject };
    next();
  } satisfies preValidationHookHandler);
  done();
};

/** JWT access tokens: issuing them at login and verifying them on protected routes. */
export const authentication = fp(authenticationPlugin, { name: 'authentication' });
