import type { ViteUserConfig } from 'vitest/config';

/** The Vitest configuration of a deployable (vitest-config.js says what it sets and why). */
export declare function deployableTestConfig(): ViteUserConfig;

/** The globalSetup that points PGLITE_SNAPSHOT at a fresh cluster (pglite-snapshot.js). */
export declare const PGLITE_SNAPSHOT_SETUP: string;
