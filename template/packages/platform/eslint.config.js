// @ts-check
// The platform's lint rules, beside the deployables' in tooling/eslint-config.js.
import { platformLintConfig } from './tooling/eslint-config.js';

export default platformLintConfig(import.meta.dirname);
