import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Database } from '#platform/database/database';
import { createTestDatabase } from '#platform/testing/database';
import { MIGRATIONS_DIR } from '../../src/shared/paths.js';
import { appWithASignedInUser } from '../helpers/signed-in.js';

// What shared caches (a CDN, Nginx) may keep: the cache policy of every route, walked through the
// OpenAPI document rather than listed, so that a new route is checked by being registered.
describe('HTTP caching', () => {
  const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
  interface Answer {
    readonly route: string;
    readonly personal: boolean;
    readonly status: number;
    readonly cacheControl: string;
    readonly etag: string | undefined;
  }
  // A real (embedded) database, so that the walk gets personal 200s too, not only their 401s.
  let database: Database;
  let walked: App;
  let signedIn: { readonly authorization: string };

  beforeAll(async () => {
    database = await createTestDatabase(MIGRATIONS_DIR);
    ({ app: walked, headers: signedIn } = await appWithASignedInUser(database));
  });

  afterAll(async () => {
    await walked.close();
    await database.close();
  });

  it('lets shared caches keep public reads only: no personal answer, error or write is storable', async () => {
    // Every operation of the OpenAPI document (a new route joins the walk by being registered),
    // called anonymously and with a valid token.
    const document = await walked.inject({ method: 'GET', url: '/docs/json' });
    interface Operation {
      readonly security?: unknown[];
      readonly responses?: Record<string, { readonly content?: Record<string, unknown> }>;
    }
    const { paths } = document.json<{ paths: Record<string, Record<string, Operation>> }>();
    const answers: Answer[] = [];
    for (const [path, operations] of Object.entries(paths)) {
      // Probes answer the orchestrator, outside the API's context: no cache stands in between.
      if (path.startsWith('/health/')) continue;
      const url = path.replaceAll(/\{[^}]+\}/g, randomUUID());
      for (const [method, operation] of Object.entries(operations)) {
        if (!METHODS.includes(method)) continue;
        // An event stream never ends: only its refusal is walked (its own test checks the stream's headers).
        const stream = 'text/event-stream' in (operation.responses?.['200']?.content ?? {});
        for (const headers of stream ? [{}] : [{}, signedIn]) {
          const response = await walked.inject({
            method: method.toUpperCase() as 'GET',
            url,
            headers,
            ...(method === 'get' ? {} : { payload: {} }),
          });
          answers.push({
            route: `${method.toUpperCase()} ${path}`,
            personal: (operation.security ?? []).length > 0,
            status: response.statusCode,
            cacheControl: response.headers['cache-control'] ?? '',
            etag: response.headers.etag,
          });
        }
      }
    }

    const storable = (answer: Answer) => !/\bno-store\b/.test(answer.cacheControl);
    const shared = answers.filter((answer) => /\bpublic\b/.test(answer.cacheControl));
    expect(answers.some((answer) => answer.personal && answer.status === 200)).toBe(true);
    // Public answers: successful reads of routes that take no token, each with an ETag.
    expect(shared.length).toBeGreaterThan(0);
    for (const answer of shared) {
      expect(answer).toMatchObject({ route: expect.stringMatching(/^GET /), personal: false, status: 200 });
      expect(answer.etag).toMatch(/^"[\da-z]+~[\w-]{43}"$/);
    }
    // Everything else, whatever its status, is stored by no cache, shared or private.
    const rest = answers.filter((answer) => !shared.includes(answer));
    expect(rest.filter((answer) => storable(answer) || !answer.cacheControl.includes('private'))).toEqual([]);
  });
});
