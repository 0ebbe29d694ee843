import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import setup, { ensureSnapshot, snapshotPath } from '../../tooling/pglite-snapshot.js';

describe('the PGlite snapshot of the test setup', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'snapshot-cache-'));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('is kept in the node_modules of the installed PGlite, by its version', () => {
    expect(snapshotPath()).toMatch(
      new RegExp(`\\${sep}node_modules\\${sep}\\.cache\\${sep}pglite\\${sep}fresh-cluster-\\d+\\.\\d+\\.\\d+.*\\.tar$`),
    );
  });

  it('is made once, then reused', async () => {
    const file = join(directory, 'reused', 'fresh-cluster.tar');
    const make = vi.fn(() => Promise.resolve(new TextEncoder().encode('cluster')));

    expect(await ensureSnapshot(file, make)).toBe(file);
    expect(await ensureSnapshot(file, make)).toBe(file);

    expect(make).toHaveBeenCalledTimes(1);
    expect(await readFile(file, 'utf8')).toBe('cluster');
  });

  it('appears whole or not at all: written under another name, then renamed', async () => {
    const folder = join(directory, 'atomic');
    const file = join(folder, 'fresh-cluster.tar');
    let seenWhileMaking: string[] = [];
    const make = async () => {
      seenWhileMaking = await readdir(folder);
      return new TextEncoder().encode('cluster');
    };
    const failing = () => Promise.reject(new Error('initdb failed'));

    await expect(ensureSnapshot(file, failing)).rejects.toThrow('initdb failed');
    expect(await readdir(folder)).toEqual([]);

    // Two suites starting at once both make it; each renames a whole file of its own over the name.
    await Promise.all([ensureSnapshot(file, make), ensureSnapshot(file, make)]);
    expect(seenWhileMaking).not.toContain('fresh-cluster.tar');
    expect(await readdir(folder)).toEqual(['fresh-cluster.tar']);
    expect(await readFile(file, 'utf8')).toBe('cluster');
  });

  it('leaves a PGLITE_SNAPSHOT the team set alone', async () => {
    const own = join(directory, 'own.tar');
    await writeFile(own, 'their cluster');
    vi.stubEnv('PGLITE_SNAPSHOT', own);
    try {
      await setup();
      expect(process.env.PGLITE_SNAPSHOT).toBe(own);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
