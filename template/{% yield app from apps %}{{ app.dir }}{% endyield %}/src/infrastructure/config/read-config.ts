import { readConfigOrExit as orExit } from '#platform/config/read-config';
import { loadConfig, type Config } from './config.js';

/** For entry points: this deployable's configuration, or a one-line message on stderr and exit code 1. */
export function readConfigOrExit(...args: Parameters<typeof loadConfig>): Config {
  return orExit(() => loadConfig(...args));
}
