/** Vitest globalSetup: points PGLITE_SNAPSHOT at a fresh cluster, made once (pglite-snapshot.js says why). */
export default function setup(): Promise<void>;

/** Where the snapshot of the installed PGlite is kept: node_modules/.cache/pglite/, by version. */
export declare function snapshotPath(): string;

/** `file`, written atomically from `make()` unless it exists. */
export declare function ensureSnapshot(file: string, make: () => Promise<Uint8Array>): Promise<string>;
