// The settings every deployable's suite shares: packages/platform/tooling/vitest-config.js.
import { deployableTestConfig } from '#platform/tooling/vitest-config';

export default deployableTestConfig();
