import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse } from '#platform/http/error-response.schema';
import type { User } from './users.model.js';
import {
  LoginBody,
  RegisterBody,
  TokenResponse,
  UserResponse,
  type UserResponse as UserBody,
} from './users.schemas.js';
import type { UsersService } from './users.service.js';

export interface UsersRoutesOptions {
  readonly service: UsersService;
  /** Tighter than the global limit: these routes are where passwords get guessed. */
  readonly credentialsRateLimit: { readonly max: number; readonly timeWindow: number };
}

/** HTTP only: schemas, status codes and tokens; the rules live in UsersService. */
export const usersRoutes: FastifyPluginAsyncTypebox<UsersRoutesOptions> = async (app, options) => {
  const { service } = options;
  const credentialsRoute = { config: { rateLimit: options.credentialsRateLimit } };

  app.post(
    '/users',
    {
      ...credentialsRoute,
      schema: {
        tags: ['users'],
        summary: 'Register a new account',
        body: RegisterBody,
        response: { 201: UserResponse, 400: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (request, reply) => {
      const user = await service.register(request.body);
      return reply.status(201).send(toUserBody(user));
    },
  );

  app.post(
    '/auth/login',
    {
      ...credentialsRoute,
      schema: {
        tags: ['auth'],
        summary: 'Exchange email and password for an access token',
        body: LoginBody,
        response: { 200: TokenResponse, 400: ErrorResponse, 401: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (request) => {
      const user = await service.authenticate(request.body.email, request.body.password);
      return app.issueAccessToken(user);
    },
  );

  app.get(
    '/users/me',
    {
      // preValidation rather than onRequest: route-level onRequest hooks run before the rate
      // limiter's, and requests with bad tokens must be counted too. Still before validation,
      // so an anonymous caller gets 401, not details about the body it should send.
      preValidation: app.authenticate,
      schema: {
        tags: ['users'],
        summary: 'The account of the authenticated user',
        security: [{ bearerAuth: [] }],
        response: { 200: UserResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => toUserBody(await service.getById(request.user.id)),
  );
};

function toUserBody(user: User): UserBody {
  return { id: user.id, email: user.email, name: user.name, createdAt: user.createdAt.toISOString() };
}
