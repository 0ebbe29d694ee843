import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface DeployablePaths {
  /** Versioned SQL migrations (of a deployable with a database), shipped next to dist/ in the runtime image. */
  readonly migrationsDir: string;
  readonly packageJsonPath: string;
}

/**
 * The files of the deployable a module belongs to, found from that module's URL (`import.meta.url`),
 * so a service finds them wherever the project is: its root is the nearest folder above the module
 * with a package.json, whether the module runs as source from src/ or bundled into dist/.
 */
export function deployablePaths(moduleUrl: string): DeployablePaths {
  let root = new URL('./', moduleUrl);
  while (!existsSync(new URL('package.json', root))) {
    const parent = new URL('../', root);
    if (parent.href === root.href) throw new Error(`no package.json above ${moduleUrl}`);
    root = parent;
  }
  return {
    migrationsDir: fileURLToPath(new URL('migrations/', root)),
    packageJsonPath: fileURLToPath(new URL('package.json', root)),
  };
}
