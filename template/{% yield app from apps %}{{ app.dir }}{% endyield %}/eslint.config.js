// @ts-check
// The lint rules every deployable shares: packages/platform/tooling/eslint-config.js.
import { deployableLintConfig } from '#platform/tooling/eslint-config';

export default deployableLintConfig(import.meta.dirname);
