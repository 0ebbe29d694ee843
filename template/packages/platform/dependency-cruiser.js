// @ts-check
// The layer rules of every deployable (SPEC: routes → service → repository, one way): each
// deployable's .dependency-cruiser.js is this configuration, checked by its `npm run lint` and its
// test/architecture/layers.test.ts; test/architecture/layer-rules.test.ts here proves each rule.
// Paths are relative to the deployable.
// A package is matched on where it resolves (under node_modules, its types under @types), or on
// its bare name when it is not installed.
const packages = (/** @type {string} */ names) => `(^|node_modules/)(@types/)?(${names})(/|$)`;
const HTTP_FRAMEWORK = packages('fastify|fastify-plugin|@fastify/[^/]+');
const DATABASE_DRIVER = packages('pg|postgres|@electric-sql/pglite');
// The database layer, in packages/platform: matched on the import specifier, which is how
// dependency-cruiser reports a #platform import (it leaves them unresolved).
const DATABASE = '^#platform/database/';
const REPOSITORY = '\\.repository\\.ts$';
const HTTP_LAYER = [HTTP_FRAMEWORK, '^src/infrastructure/http/', '\\.(routes|schemas)\\.ts$'];

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'routes-reach-data',
      comment: 'Routes must not reach the data layer (repositories, database, drivers): call the service.',
      severity: 'error',
      from: { path: '\\.routes\\.ts$' },
      to: { path: [DATABASE_DRIVER, DATABASE, REPOSITORY] },
    },
    {
      // Job processors run business logic outside a request: they follow the rules of services.
      name: 'service-knows-http-or-sql',
      comment: 'Services know neither HTTP nor SQL: no framework, routes, schemas, database or driver imports.',
      severity: 'error',
      from: { path: '\\.(service|processor)\\.ts$' },
      to: { path: [...HTTP_LAYER, DATABASE_DRIVER, DATABASE] },
    },
    {
      name: 'repository-imports-upward',
      comment: 'Repositories are the bottom layer: they must not import services, routes or HTTP code.',
      severity: 'error',
      from: { path: REPOSITORY },
      to: { path: [...HTTP_LAYER, '\\.service\\.ts$'] },
    },
    {
      name: 'module-internals',
      comment: "Modules talk through each other's public interface: import src/modules/<module>/index.ts.",
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'platform-depends-on-module',
      comment: 'Infrastructure and shared code must not depend on a module; modules depend on them.',
      severity: 'error',
      from: { path: '^src/(infrastructure|shared)/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'shared-depends-on-infrastructure',
      comment: 'Shared code must not depend on infrastructure.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { path: '^src/infrastructure/' },
    },
  ],
  options: {
    // Type-only imports couple layers just the same.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
  },
};
