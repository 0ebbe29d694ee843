// `npm run build`: bundles each process's entry point with esbuild into dist/, after `npm run typecheck`.
// How, and which packages stay in node_modules and why: packages/platform/tooling/bundle.js.
import { bundleDeployable } from '#platform/tooling/bundle';

await bundleDeployable();
