import { describe, expect, it } from 'vitest';
import { ListenAddressEnv, readListenAddress } from '../../../src/infrastructure/config/listen-address.js';
import { parseEnv } from '../../../src/infrastructure/config/parse-env.js';
import { PROJECT } from '../../../src/shared/project.js';
import { issuesOf } from './issues.js';

const read = (source: Record<string, string>) => readListenAddress(parseEnv(ListenAddressEnv, source));

describe('readListenAddress', () => {
  it('listens on every interface, on the project port, by default', () => {
    expect(read({})).toEqual({ host: '0.0.0.0', port: PROJECT.defaultPort });
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
