// @ts-check
// A Vitest globalSetup. PGlite creates its cluster (initdb) in a couple of seconds of CPU, in every
// test file and every process a test starts that runs on it. Here it does so once: the fresh cluster
// is dumped under node_modules/.cache/pglite/, one file per PGlite version that later runs reuse, and
// PGLITE_SNAPSHOT points the tests' databases at it (test/support/test-env.ts, and processes.ts for
// the processes they start). A PGLITE_SNAPSHOT the team set is left alone.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import process from 'node:process';

export default async function setup() {
  if (process.env.PGLITE_SNAPSHOT !== undefined) return;
  process.env.PGLITE_SNAPSHOT = await ensureSnapshot(snapshotPath(), dumpFreshCluster);
}

/**
 * The snapshot file of the PGlite this package resolves: in the node_modules it is installed in (the
 * project's, which a checkout may share through a symlink), named by its version, so that an upgrade
 * makes a new one.
 */
export function snapshotPath() {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const marker = `${sep}node_modules${sep}`;
  const nodeModules = entry.slice(0, entry.lastIndexOf(marker) + marker.length - 1);
  const manifest = readFileSync(join(nodeModules, '@electric-sql', 'pglite', 'package.json'), 'utf8');
  const { version } = /** @type {{ version: string }} */ (JSON.parse(manifest));
  return join(nodeModules, '.cache', 'pglite', `fresh-cluster-${version}.tar`);
}

/**
 * `file`, written from `make()` unless it exists. Written under a name of its own, then renamed:
 * suites running at once (several deployables, several checkouts) never read a half-written file,
 * and when two make it, the last rename wins with a whole file too.
 * @param {string} file
 * @param {() => Promise<Uint8Array>} make
 * @returns {Promise<string>}
 */
export async function ensureSnapshot(file, make) {
  if (existsSync(file)) return file;
  await mkdir(join(file, '..'), { recursive: true });
  const temporary = `${file}.${String(process.pid)}-${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, await make());
    await rename(temporary, file);
  } finally {
    await rm(temporary, { force: true });
  }
  return file;
}

/** A freshly initialised cluster, as the uncompressed tar PGlite loads with `loadDataDir`. */
async function dumpFreshCluster() {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create();
  try {
    const dump = await db.dumpDataDir('none');
    return new Uint8Array(await dump.arrayBuffer());
  } finally {
    await db.close();
  }
}
