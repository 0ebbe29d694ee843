// One API process: signals → infrastructure → migrations → HTTP server.
import { buildApp } from './app.js';
import type { Config } from './infrastructure/config/config.js';
import { createInfrastructure } from './infrastructure/create-infrastructure.js';
import { loadMigrations, migrate } from './infrastructure/database/migrator.js';
import type { Logger } from './infrastructure/observability/logger.js';
import { installGracefulShutdown } from './infrastructure/process/graceful-shutdown.js';
import { shutdownTelemetry } from './infrastructure/telemetry/shutdown.js';
import { MIGRATIONS_DIR } from './shared/paths.js';

export async function startApiProcess(config: Config, logger: Logger, options: { inCluster: boolean }): Promise<void> {
  const shutdown = installGracefulShutdown(logger, config.shutdownTimeoutMs, { signalsFromPrimary: options.inCluster });
  // First added, last run: the spans of the final requests are exported once everything else stopped.
  shutdown.add({ name: 'telemetry', run: shutdownTelemetry });

  try {
    const infrastructure = await createInfrastructure(config, logger, shutdown.add);
    if (config.env === 'production' && infrastructure.redis === undefined) {
      logger.warn('REDIS_URL is not set: background jobs run in this process and are lost if it stops');
    }

    // Pending migrations are applied before traffic arrives. Safe with several replicas (or cluster
    // workers) starting at once (advisory lock); set MIGRATE_ON_START=false to run them as a release step.
    if (config.database.migrateOnStart) {
      const applied = await migrate(infrastructure.database, await loadMigrations(MIGRATIONS_DIR), logger);
      if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    }

    const app = await buildApp({ config, logger, ...infrastructure });
    // Closing the server stops accepting connections and waits for in-flight requests.
    shutdown.add({ name: 'http server', run: () => app.close() });
    await app.listen({ host: config.http.host, port: config.http.port });
  } catch (error) {
    logger.fatal({ err: error }, 'failed to start');
    process.exit(1);
  }
}
