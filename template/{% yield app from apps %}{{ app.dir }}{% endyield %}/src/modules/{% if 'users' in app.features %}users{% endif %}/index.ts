// Public interface of the users module: the rest of the application imports from here only.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Queryable } from '#platform/database/database';
import type { PasswordHasher } from '../../infrastructure/security/password-hasher.js';
import { SqlUsersRepository } from './users.repository.js';
import { usersRoutes } from './users.routes.js';
import { UsersService } from './users.service.js';

export type { User } from './users.model.js';
export type { UsersService } from './users.service.js';

export interface UsersModuleOptions {
  readonly database: Queryable;
  readonly passwordHasher: PasswordHasher;
  readonly credentialsRateLimit: { readonly max: number; readonly timeWindow: number };
}

export interface UsersModule {
  /** What other modules may call (through app.ts, which hands it to them). */
  readonly service: UsersService;
  /** The HTTP routes; register them with the API version as prefix. */
  readonly routes: FastifyPluginAsyncTypebox;
}

/** Wires repository → service → routes. */
export function createUsersModule(options: UsersModuleOptions): UsersModule {
  const service = new UsersService(new SqlUsersRepository(options.database), options.passwordHasher);
  return {
    service,
    routes: async (app) => {
      await app.register(usersRoutes, { service, credentialsRateLimit: options.credentialsRateLimit });
    },
  };
}
