import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyPluginAsync } from 'fastify';
import { documentSecurityHeaders } from '#platform/http/security-headers';
import type { OpenApiAggregator } from './openapi-aggregator.js';

/**
 * The API's merged OpenAPI document at /openapi.json, and Swagger UI at /docs showing the same
 * document (its /docs/json is served from the aggregator instead of from this gateway's routes).
 */
export const aggregatedOpenapi: FastifyPluginAsync<{ aggregator: OpenApiAggregator }> = async (app, { aggregator }) => {
  app.get('/openapi.json', { schema: { hide: true } }, async () => aggregator.document());

  // Swagger UI requires @fastify/swagger. In static mode it only holds the document it is given,
  // a placeholder here: transformSpecification below answers with the merged one.
  await app.register(swagger, {
    mode: 'static',
    specification: { document: { openapi: '3.1.0', info: { title: 'placeholder', version: '0' }, paths: {} } },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiHooks: {
      // HTML pages: helmet's document headers on top of the API's JSON ones.
      onRequest: documentSecurityHeaders(),
      // The UI's /docs/json answers synchronously: bring the document up to date before it does.
      preHandler: (_request, _reply, done) => {
        aggregator.document().then(() => {
          done();
        }, done);
      },
    },
    transformSpecification: () => aggregator.current(),
    transformSpecificationClone: false,
    // Swagger UI's own Content-Security-Policy (with hashes of its inline scripts) replaces
    // helmet's on these pages only.
    staticCSP: true,
  });
};
