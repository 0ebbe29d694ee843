import type { FastifyPluginCallback } from 'fastify';
import { TokenError } from 'fast-jwt';
import fp from 'fastify-plugin';
import { DomainError } from '../shared/errors.js';
import type { EdgeIdentity } from './identity.js';
import { createTokenVerifier, type TokenVerifierOptions } from './token-verifier.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller of a request with a valid bearer token; null when it sent none. */
    edgeIdentity: EdgeIdentity | null;
  }
}

const BEARER = /^Bearer +(\S+) *$/i;

/**
 * Verifies the bearer token of every request of its context, once, at the edge. No token: the
 * request goes on without an identity (a service answers 401 on its protected routes). A token
 * that is not valid is answered 401 here, with the API's error bodies: only expiry is told apart,
 * so clients know to log in again.
 */
const edgeAuthenticationPlugin: FastifyPluginCallback<TokenVerifierOptions> = (app, options, done) => {
  const identityOf = createTokenVerifier(options);
  app.decorateRequest<EdgeIdentity | null>('edgeIdentity', null);

  app.addHook('onRequest', (request, reply, next) => {
    const authorization = request.headers.authorization;
    if (authorization === undefined) {
      next();
      return;
    }
    const token = BEARER.exec(authorization)?.[1];
    let identity: EdgeIdentity | undefined;
    try {
      if (token !== undefined) identity = identityOf(token);
    } catch (error) {
      if (error instanceof TokenError && error.code === TokenError.codes.expired) {
        reply.header('www-authenticate', 'Bearer');
        next(new DomainError('unauthorized', 'TOKEN_EXPIRED', 'The access token has expired'));
        return;
      }
    }
    if (identity === undefined) {
      reply.header('www-authenticate', 'Bearer');
      next(new DomainError('unauthorized', 'INVALID_TOKEN', 'A valid bearer access token is required'));
      return;
    }
    request.edgeIdentity = identity;
    next();
  });
  done();
};

/** Bearer-token verification for the proxied routes; forwarded-headers.ts passes the result on. */
export const edgeAuthentication = fp(edgeAuthenticationPlugin, { name: 'edge-authentication' });
