import fastifyJwt from '@fastify/jwt';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
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

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: { sub: string };
    user: AuthenticatedUser;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** `preValidation` hook for protected routes: verifies the bearer token and sets `request.user`. */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
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

const authenticationPlugin: FastifyPluginAsync<AuthenticationOptions> = async (app, options) => {
  await app.register(fastifyJwt, {
    secret: options.secret,
    sign: { algorithm: ALGORITHM, iss: options.issuer, aud: options.audience, expiresIn: options.expiresInSeconds },
    verify: {
      algorithms: [ALGORITHM],
      allowedIss: options.issuer,
      allowedAud: options.audience,
      requiredClaims: ['sub', 'iat', 'exp', 'iss', 'aud'],
      cache: true, // verified tokens are cached until they expire: no HMAC on every request
    },
    formatUser: (payload) => ({ id: payload.sub }),
  });

  app.decorate('issueAccessToken', (userId: string): AccessToken => ({
    accessToken: app.jwt.sign({ sub: userId }),
    tokenType: 'Bearer',
    expiresIn: options.expiresInSeconds,
  }));

  app.decorate('authenticate', async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    try {
      await request.jwtVerify();
    } catch (error) {
      // Every failure is a 401 (missing header, malformed, forged, wrong issuer or audience),
      // and the reason is not spelled out; only expiry is told apart so clients know to log in again.
      reply.header('www-authenticate', 'Bearer');
      if ((error as { code?: string }).code === 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED') {
        throw new DomainError('unauthorized', 'TOKEN_EXPIRED', 'The access token has expired');
      }
      throw new DomainError('unauthorized', 'INVALID_TOKEN', 'A valid bearer access token is required');
    }
  });
};

/** JWT access tokens: issuing them at login and verifying them on protected routes. */
export const authentication = fp(authenticationPlugin, { name: 'authentication' });
