import { deployablePaths } from '#platform/process/deployable-paths';

// Found from this module's own URL: as source from src/, bundled into dist/ (npm run build).
export const { migrationsDir: MIGRATIONS_DIR, packageJsonPath: PACKAGE_JSON_PATH } = deployablePaths(import.meta.url);
