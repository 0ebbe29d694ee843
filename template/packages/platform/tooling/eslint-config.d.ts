import type { Linter } from 'eslint';

/** A deployable's ESLint configuration; `rootDir` is its folder (eslint-config.js says what it sets). */
export declare function deployableLintConfig(rootDir: string): Linter.Config[];
/** The platform package's own ESLint configuration. */
export declare function platformLintConfig(rootDir: string): Linter.Config[];
