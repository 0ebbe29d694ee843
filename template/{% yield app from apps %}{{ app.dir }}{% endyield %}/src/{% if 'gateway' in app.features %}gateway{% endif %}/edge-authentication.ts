import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import {
  bearerToken,
  createAccessTokenVerifier,
  verificationError,
  type AccessTokenVerifierOptions,
  type AuthenticatedUser,
} from '#platform/http/access-tokens';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller of a request with a valid bearer token; null when it sent none. */
    edgeIdentity: AuthenticatedUser | null;
  }
}

/**
 * Verifies the bearer token of every request of its context at the edge, so a forged or expired
 * token costs no service anything. No token: the request goes on without an identity (a service
 * answers 401 on its protected routes). A token that is not valid is answered 401 here, with the
 * API's error bodies: only expiry is told apart, so clients know to log in again. The token itself
 * is forwarded unchanged: each service verifies it again, trusting no one on the network.
 */
const edgeAuthenticationPlugin: FastifyPluginCallback<AccessTokenVerifierOptions> = (app, options, done) => {
  const verify = createAccessTokenVerifier(options);
  app.decorateRequest<AuthenticatedUser | null>('edgeIdentity', null);

  app.addHook('onRequest', async (request, reply) => {
    const authorization = request.headers.authorization;
    if (authorization === undefined) return;
    const verification = await verify(bearerToken(authorization));
    if (verification.outcome !== 'valid') {
      if (verification.outcome !== 'keys-unavailable') reply.header('www-authenticate', 'Bearer');
      throw verificationError(verification.outcome);
    }
    request.edgeIdentity = verification.user;
  });
  done();
};

/** Bearer-token verification for the proxied routes. */
export const edgeAuthentication = fp(edgeAuthenticationPlugin, { name: 'edge-authentication' });
