import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkLayers, importsOf, type Source } from './import-rules.js';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

async function readSources(): Promise<Source[]> {
  const files = await readdir(`${projectRoot}src`, { recursive: true });
  return Promise.all(
    files
      .filter((file) => file.endsWith('.ts'))
      .map(async (file) => {
        const path = `src/${file.split('\\').join('/')}`;
        return { path, text: await readFile(`${projectRoot}${path}`, 'utf8') };
      }),
  );
}

describe('layer boundaries', () => {
  it('hold in src/', async () => {
    const sources = await readSources();

    // Guard against a checker that passes because it sees nothing.
    const routes = sources.find(({ path }) => path === 'src/modules/users/users.routes.ts');
    expect(routes && importsOf(routes)).toContain('./users.service.js');
    const modules = new Set(sources.map(({ path }) => /^src\/modules\/([^/]+)\//.exec(path)?.[1]).filter(Boolean));
    expect([...modules].toSorted()).toEqual(['notifications', 'orders', 'users']);

    expect(checkLayers(sources)).toEqual([]);
  });

  describe('the checker', () => {
    const service = 'src/modules/users/users.service.ts';
    const routes = 'src/modules/users/users.routes.ts';
    const repository = 'src/modules/users/users.repository.ts';

    it.each([
      ['a service importing fastify', service, "import type { FastifyRequest } from 'fastify';"],
      ['a service importing a Fastify plugin', service, "import jwt from '@fastify/jwt';"],
      [
        'a service importing the database layer',
        service,
        "import type { Database } from '../../infrastructure/database/database.js';",
      ],
      ['a service importing a driver', service, "import pg from 'pg';"],
      ['a service importing HTTP schemas', service, "import { RegisterBody } from './users.schemas.js';"],
      ['a route importing a repository', routes, "import { SqlUsersRepository } from './users.repository.js';"],
      [
        'a route importing the database layer',
        routes,
        "import type { Queryable } from '../../infrastructure/database/database.js';",
      ],
      ['a repository importing a service', repository, "import { UsersService } from './users.service.js';"],
      [
        'the orders service importing fastify',
        'src/modules/orders/orders.service.ts',
        "import type { FastifyReply } from 'fastify';",
      ],
      [
        'an orders route importing the database',
        'src/modules/orders/orders.routes.ts',
        "import type { Database } from '../../infrastructure/database/database.js';",
      ],
      [
        'a job processor importing fastify',
        'src/modules/notifications/notifications.processor.ts',
        "import type { FastifyInstance } from 'fastify';",
      ],
      [
        "notifications importing the orders module's internals",
        'src/modules/notifications/notifications.service.ts',
        "import type { OrdersRepository } from '../orders/orders.repository.js';",
      ],
      [
        'the job infrastructure importing a module',
        'src/infrastructure/jobs/bullmq-jobs.ts',
        "import { NOTIFICATIONS_QUEUE } from '../../modules/notifications/index.js';",
      ],
      ['a repository importing fastify', repository, "import fastify from 'fastify';"],
      [
        "a module importing another module's internals",
        'src/modules/orders/orders.service.ts',
        "import { UsersService } from '../users/users.service.js';",
      ],
      [
        'infrastructure importing a module',
        'src/infrastructure/http/security.ts',
        "import { usersModule } from '../../modules/users/index.js';",
      ],
      [
        'shared code importing infrastructure',
        'src/shared/errors.ts',
        "import { createLogger } from '../infrastructure/observability/logger.js';",
      ],
      ['a re-export', service, "export { default } from 'fastify';"],
      ['a dynamic import', service, "const driver = await import('pg');"],
      ['a require call', service, "const driver = require('pg');"],
      ['an import type', service, "let app: import('fastify').FastifyInstance;"],
    ])('reports %s', (_case, path, text) => {
      expect(checkLayers([{ path, text }])).toHaveLength(1);
    });

    it.each([
      ['a route importing its service', routes, "import type { UsersService } from './users.service.js';"],
      ['a service importing its repository', service, "import type { UsersRepository } from './users.repository.js';"],
      [
        'a repository importing the database interface',
        repository,
        "import type { Queryable } from '../../infrastructure/database/database.js';",
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
    ])('allows %s', (_case, path, text) => {
      expect(checkLayers([{ path, text }])).toEqual([]);
    });
  });
});
