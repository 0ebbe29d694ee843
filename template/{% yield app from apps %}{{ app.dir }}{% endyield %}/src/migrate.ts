// Applies pending SQL migrations from migrations/ and exits: `npm run migrate` (from source) or
// `node dist/migrate.js` (compiled, e.g. as a release step in the runtime image).
import { readConfigOrExit } from './infrastructure/config/read-config.js';
import { createDatabase } from './infrastructure/database/create-database.js';
import { loadMigrations, migrate } from './infrastructure/database/migrator.js';
import { createLogger } from './infrastructure/observability/logger.js';
import { MIGRATIONS_DIR } from './shared/paths.js';

const config = readConfigOrExit(process.env);
const logger = createLogger(config.log);
const database = await createDatabase(config.database, logger);

try {
  const applied = await migrate(database, await loadMigrations(MIGRATIONS_DIR), logger);
  logger.info({ applied }, applied.length > 0 ? 'migrations applied' : 'database schema is up to date');
} catch (error) {
  logger.fatal({ err: error }, 'migration failed');
  process.exitCode = 1;
} finally {
  await database.close();
}
