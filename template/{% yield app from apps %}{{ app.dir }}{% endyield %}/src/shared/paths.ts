import { fileURLToPath } from 'node:url';

// This file sits one folder below the project root both as source (src/shared/) and once
// compiled (dist/shared/), so the same relative URL resolves in development and in the image.
const projectRoot = new URL('../../', import.meta.url);

/** Versioned SQL migrations, shipped next to dist/ in the runtime image. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('migrations/', projectRoot));

export const PACKAGE_JSON_PATH = fileURLToPath(new URL('package.json', projectRoot));
