import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cruiseWithLayerRules } from '../support/layers.js';

// The layer rules (dependency-cruiser.js), which each deployable's `npm run lint` and layers test run
// over its src/: each of them catches what it forbids and lets through what the layers allow.

// The files the cases below import, empty: a relative import resolves only to a file that exists.
const SKELETON = [
  'src/app.ts',
  'src/infrastructure/observability/logger.ts',
  'src/infrastructure/cache/cache.ts',
  'src/infrastructure/jobs/jobs.ts',
  'src/shared/events.ts',
  'src/modules/users/index.ts',
  'src/modules/users/users.service.ts',
  'src/modules/users/users.repository.ts',
  'src/modules/orders/orders.repository.ts',
];

/** The rule violations of a project made of the skeleton and `text` at `path`. */
async function violationsOf(path: string, text: string): Promise<string[]> {
  const root = await mkdtemp(join(tmpdir(), 'layers-'));
  try {
    for (const file of [...SKELETON, path]) {
      await mkdir(join(root, dirname(file)), { recursive: true });
      await writeFile(join(root, file), file === path ? text : 'export {};\n');
    }
    const { summary } = await cruiseWithLayerRules(root);
    return summary.violations.map(({ rule }) => rule.name);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

describe('the rules', () => {
  const service = 'src/modules/users/users.service.ts';
  const routes = 'src/modules/users/users.routes.ts';
  const repository = 'src/modules/users/users.repository.ts';

  const HTTP_OR_SQL = 'service-knows-http-or-sql';
  it.each([
    ['a service importing fastify', service, "import type { FastifyRequest } from 'fastify';", HTTP_OR_SQL],
    [
      'a service importing the database layer',
      service,
      "import type { Database } from '#platform/database/database';",
      HTTP_OR_SQL,
    ],
    [
      'a job processor importing a Fastify plugin',
      'src/modules/notifications/notifications.processor.ts',
      "import jwt from '@fastify/jwt';",
      HTTP_OR_SQL,
    ],
    ['a route importing a driver', routes, "import pg from 'pg';", 'routes-reach-data'],
    [
      'a route importing a repository',
      routes,
      "import { SqlUsersRepository } from './users.repository.js';",
      'routes-reach-data',
    ],
    [
      'a repository importing a service',
      repository,
      "import { UsersService } from './users.service.js';",
      'repository-imports-upward',
    ],
    [
      "a module importing another module's internals",
      'src/modules/notifications/notifications.service.ts',
      "import type { OrdersRepository } from '../orders/orders.repository.js';",
      'module-internals',
    ],
    [
      'infrastructure importing a module',
      'src/infrastructure/jobs/jobs.ts',
      "import { usersModule } from '../../modules/users/index.js';",
      'platform-depends-on-module',
    ],
    [
      'shared code importing infrastructure',
      'src/shared/events.ts',
      "import { createLogger } from '../infrastructure/observability/logger.js';",
      'shared-depends-on-infrastructure',
    ],
    // Every form of dependency counts, not only import declarations.
    ['a re-export', service, "export { default } from 'fastify';", HTTP_OR_SQL],
    ['a dynamic import', service, "const driver = await import('pg');", HTTP_OR_SQL],
    ['a require call', service, "const driver = require('pg');", HTTP_OR_SQL],
    ['an import type', service, "let app: import('fastify').FastifyInstance;", HTTP_OR_SQL],
  ])('report %s', async (_case, path, text, rule) => {
    expect(await violationsOf(path, text)).toEqual([rule]);
  });

  it.each([
    ['a route importing its service', routes, "import type { UsersService } from './users.service.js';"],
    ['a service importing its repository', service, "import type { UsersRepository } from './users.repository.js';"],
    [
      'a repository importing the database interface',
      repository,
      "import type { Queryable } from '#platform/database/database';",
    ],
    [
      "a module importing another module's index",
      'src/modules/orders/orders.service.ts',
      "import type { User } from '../users/index.js';",
    ],
    [
      'a service importing the event bus, cache and job interfaces',
      'src/modules/orders/orders.service.ts',
      "import type { Cache } from '../../infrastructure/cache/cache.js';\nimport type { JobQueue } from '../../infrastructure/jobs/jobs.js';",
    ],
    [
      'a module importing the shared event contracts',
      'src/modules/notifications/notifications.service.ts',
      "import type { OrderPlaced } from '../../shared/events.js';",
    ],
    [
      'the composition root importing everything',
      'src/app.ts',
      "import { usersModule } from './modules/users/index.js';\nimport Fastify from 'fastify';",
    ],
    [
      'imports mentioned in comments and strings',
      service,
      "// import fastify from 'fastify'\nconst hint = \"import pg from 'pg'\";",
    ],
  ])('allow %s', async (_case, path, text) => {
    expect(await violationsOf(path, text)).toEqual([]);
  });
});
