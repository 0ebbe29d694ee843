import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { deployablePaths } from '../../src/process/deployable-paths.js';

describe('deployablePaths', () => {
  const root = mkdtempSync(join(tmpdir(), 'deployable-'));
  writeFileSync(join(root, 'package.json'), '{}');
  mkdirSync(join(root, 'src', 'shared'), { recursive: true });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  const expected = { migrationsDir: join(root, 'migrations') + '/', packageJsonPath: join(root, 'package.json') };

  it('finds the root of a module run as source, folders below it', () => {
    expect(deployablePaths(pathToFileURL(join(root, 'src', 'shared', 'paths.ts')).href)).toEqual(expected);
  });

  it('finds the root of a module bundled into dist/', () => {
    expect(deployablePaths(pathToFileURL(join(root, 'dist', 'chunk-ABC.js')).href)).toEqual(expected);
  });
});
