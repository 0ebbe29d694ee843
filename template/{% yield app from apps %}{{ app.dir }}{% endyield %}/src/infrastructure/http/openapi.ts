import { readFile } from 'node:fs/promises';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { PACKAGE_JSON_PATH } from '../../shared/paths.js';
import { PROJECT } from '../../shared/project.js';

/**
 * The OpenAPI document, built from the routes' TypeBox schemas. Registered before the routes,
 * which it collects as they are added.
 */
const openapiDocumentPlugin: FastifyPluginAsync = async (app) => {
  const { version } = JSON.parse(await readFile(PACKAGE_JSON_PATH, 'utf8')) as { version: string };

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: PROJECT.name, description: PROJECT.description, version },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
  });
};

/** The document served as JSON at /docs/json, and as Swagger UI at /docs. */
const openapiUiPlugin: FastifyPluginAsync = async (app) => {
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // Swagger UI's own Content-Security-Policy (with hashes of its inline scripts) replaces
    // helmet's strict default on these pages only.
    staticCSP: true,
  });
};

export const openapiDocument = fp(openapiDocumentPlugin, { name: 'openapi-document' });
export const openapiUi = fp(openapiUiPlugin, { name: 'openapi-ui', dependencies: ['openapi-document'] });
