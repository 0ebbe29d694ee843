import { ConfigError, loadConfig, type Config, type ProcessRole } from './config.js';

/**
 * For entry points: the configuration, or a one-line message on stderr and exit code 1.
 * No stack trace: the message already says which variable to fix.
 */
export function readConfigOrExit(env: Readonly<Record<string, string | undefined>>, role: ProcessRole = 'api'): Config {
  try {
    return loadConfig(env, role);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
