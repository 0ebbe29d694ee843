import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/parse-env.js';
import { readRuntime, RuntimeEnv } from '../../src/config/runtime.js';
import { issuesOf } from '../support/config-issues.js';

describe('readRuntime', () => {
  it('runs in development, logging at info, with nothing set', () => {
    expect(readRuntime(parseEnv(RuntimeEnv, {}))).toEqual({
      env: 'development',
      log: { level: 'info' },
      shutdownTimeoutMs: 10000,
    });
  });

  it.each([
    ['NODE_ENV', 'staging'],
    ['LOG_LEVEL', 'verbose'],
    ['SHUTDOWN_TIMEOUT_MS', '10'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    expect(issuesOf(() => parseEnv(RuntimeEnv, { [name]: value }))).toEqual([expect.stringMatching(`^${name}\\b`)]);
  });
});
