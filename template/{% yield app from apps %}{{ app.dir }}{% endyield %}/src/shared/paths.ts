import { fileURLToPath } from 'node:url';

// Found from this module's own URL, so the service finds its files wherever the project is: as
// source this file is src/shared/paths.ts, two folders below the project root; bundled (npm run
// build), its code is in a file directly in dist/, one folder below.
const projectRoot = new URL(import.meta.url.endsWith('.ts') ? '../../' : '../', import.meta.url);

/** Versioned SQL migrations (of a deployable with a database), shipped next to dist/ in the runtime image. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('migrations/', projectRoot));

export const PACKAGE_JSON_PATH = fileURLToPath(new URL('package.json', projectRoot));
