import { ConfigError } from './config-error.js';

/**
 * For entry points: the configuration `load` reads, or a one-line message on stderr and exit code 1.
 * No stack trace: the message already says which variable to fix.
 */
export function readConfigOrExit<Config>(load: () => Config): Config {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
