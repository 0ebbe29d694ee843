import { ConfigError } from './config-error.js';
import { loadConfig, type Config } from './config.js';

/**
 * For entry points: the configuration, or a one-line message on stderr and exit code 1.
 * No stack trace: the message already says which variable to fix.
 */
export function readConfigOrExit(...args: Parameters<typeof loadConfig>): Config {
  try {
    return loadConfig(...args);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
