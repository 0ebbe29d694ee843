/** The packages every bundle leaves in node_modules (bundle.js says why each). */
export declare const EXTERNAL: readonly string[];
/** Bundles the deployable in `root` (the current directory by default): src/ in, dist/ out. */
export declare function bundleDeployable(root?: string): Promise<void>;
