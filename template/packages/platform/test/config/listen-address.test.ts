import { describe, expect, it } from 'vitest';
import { listenAddressEnv, readListenAddress } from '../../src/config/listen-address.js';
import { parseEnv } from '../../src/config/parse-env.js';
import { issuesOf } from '../support/config-issues.js';

const DEFAULT_PORT = 3000;
const read = (source: Record<string, string>) => readListenAddress(parseEnv(listenAddressEnv(DEFAULT_PORT), source));

describe('readListenAddress', () => {
  it('listens on every interface, on the given default port, by default', () => {
    expect(read({})).toEqual({ host: '0.0.0.0', port: DEFAULT_PORT });
  });

  it('reads the host and the port (0: any free port)', () => {
    expect(read({ HOST: '127.0.0.1', PORT: '0' })).toEqual({ host: '127.0.0.1', port: 0 });
  });

  it.each([
    ['PORT', 'not-a-number'],
    ['PORT', '70000'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    expect(issuesOf(() => read({ [name]: value }))).toEqual([expect.stringMatching(`^${name}\\b`)]);
  });
});
