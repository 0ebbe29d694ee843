import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';

/** The layer rules (dependency-cruiser.js), run over `src/` of the project at `root`. */
export async function cruiseWithLayerRules(root: string): Promise<ICruiseResult> {
  const options = await extractDepcruiseOptions(fileURLToPath(new URL('../../dependency-cruiser.js', import.meta.url)));
  const { output } = await cruise(['src'], { ...options, baseDir: root, validate: true });
  return output as ICruiseResult;
}

/** What a deployable's layers test reads: the modules of its src/ and what breaks the rules. */
export interface Layers {
  /** The rules broken, empty when every import follows them. */
  readonly violations: ICruiseResult['summary']['violations'];
  /** The business modules (src/modules/<name>/), sorted. */
  readonly moduleNames: readonly string[];
  /** Every file and package reached from src/. */
  readonly sources: readonly string[];
  /** What a file of src/ imports, resolved; undefined for a file not found. */
  dependenciesOf(source: string): string[] | undefined;
}

/**
 * The layers of the deployable whose root is `root` (`new URL('../../', import.meta.url)` from its
 * test/architecture/): its test guards against rules that pass because they see nothing, by stating
 * its own modules and one import they must see.
 */
export async function layersOf(root: URL): Promise<Layers> {
  const { modules, summary } = await cruiseWithLayerRules(fileURLToPath(root));
  const sources = modules.map(({ source }) => source);
  const moduleNames = new Set(sources.flatMap((source) => /^src\/modules\/([^/]+)\//.exec(source)?.slice(1) ?? []));
  return {
    violations: summary.violations,
    moduleNames: [...moduleNames].toSorted(),
    sources,
    dependenciesOf: (source) =>
      modules.find((module) => module.source === source)?.dependencies.map(({ resolved }) => resolved),
  };
}
