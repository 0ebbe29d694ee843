// The API process: configuration → logger → database → migrations → HTTP server → signals.
import { buildApp } from './app.js';
import { readConfigOrExit } from './infrastructure/config/read-config.js';
import { createDatabase } from './infrastructure/database/create-database.js';
import { loadMigrations, migrate } from './infrastructure/database/migrator.js';
import { createLogger } from './infrastructure/observability/logger.js';
import { installGracefulShutdown } from './infrastructure/process/graceful-shutdown.js';
import { MIGRATIONS_DIR } from './shared/paths.js';

const config = readConfigOrExit(process.env);
const logger = createLogger(config.log);
const shutdown = installGracefulShutdown(logger, config.shutdownTimeoutMs);

try {
  const database = await createDatabase(config.database, logger);
  shutdown.add({ name: 'database', run: () => database.close() });

  // Pending migrations are applied before traffic arrives. Safe with several replicas starting at
  // once (advisory lock); set MIGRATE_ON_START=false to run them as a release step instead.
  if (config.database.migrateOnStart) {
    const applied = await migrate(database, await loadMigrations(MIGRATIONS_DIR), logger);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  }

  const app = await buildApp({ config, logger, database });
  // Closing the server stops accepting connections and waits for in-flight requests.
  shutdown.add({ name: 'http server', run: () => app.close() });
  await app.listen({ host: config.http.host, port: config.http.port });
} catch (error) {
  logger.fatal({ err: error }, 'failed to start');
  process.exit(1);
}
