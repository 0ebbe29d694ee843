import { posix } from 'node:path';
import ts from 'typescript';

/** A source file, its path relative to the project root with forward slashes (src/…). */
export interface Source {
  readonly path: string;
  readonly text: string;
}

export interface Violation {
  readonly file: string;
  readonly imports: string;
  readonly rule: string;
}

/**
 * Every module specifier a file depends on: import and export declarations (type-only ones too,
 * they couple layers just the same), `import x = require()`, dynamic `import()`, `require()` and
 * `import('…')` types. Parsed with the TypeScript compiler, so comments and strings do not count.
 */
export function importsOf(source: Source): string[] {
  const file = ts.createSourceFile(source.path, source.text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined) {
      if (ts.isStringLiteral(node.moduleSpecifier)) specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expression = node.moduleReference.expression;
      if (ts.isStringLiteral(expression)) specifiers.push(expression.text);
    } else if (ts.isCallExpression(node) && isImportOrRequire(node.expression)) {
      const [argument] = node.arguments;
      if (argument !== undefined && ts.isStringLiteralLike(argument)) specifiers.push(argument.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const literal = node.argument.literal;
      if (ts.isStringLiteral(literal)) specifiers.push(literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return specifiers;
}

function isImportOrRequire(expression: ts.Expression): boolean {
  return (
    expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(expression) && expression.text === 'require')
  );
}

type Layer = 'routes' | 'service' | 'repository' | 'other';

interface Location {
  readonly module: string | undefined;
  readonly layer: Layer;
  readonly area: 'modules' | 'infrastructure' | 'shared' | 'root';
}

// Job processors run business logic outside a request: they follow the rules of services.
const LAYER_OF_SUFFIX: Record<string, Layer> = {
  routes: 'routes',
  service: 'service',
  processor: 'service',
  repository: 'repository',
};

function locate(path: string): Location {
  const [, area = '', module] = path.split('/');
  const layer = LAYER_OF_SUFFIX[/\.(routes|service|processor|repository)\.ts$/.exec(path)?.[1] ?? ''] ?? 'other';
  if (area === 'modules') return { module, layer, area };
  return { module: undefined, layer, area: area === 'infrastructure' || area === 'shared' ? area : 'root' };
}

/** A relative specifier resolved to the .ts file it names; package names are returned as they are. */
function resolve(from: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  return posix.join(posix.dirname(from), specifier).replace(/\.js$/, '.ts');
}

const isHttpFramework = (target: string) => /^(fastify|fastify-plugin|@fastify\/[^/]+)(\/|$)/.test(target);
const isDatabaseDriver = (target: string) => /^(pg|postgres|@electric-sql\/pglite)(\/|$)/.test(target);
const isDataLayer = (target: string) =>
  isDatabaseDriver(target) || target.startsWith('src/infrastructure/database/') || target.endsWith('.repository.ts');
const isHttpLayer = (target: string) =>
  isHttpFramework(target) || target.startsWith('src/infrastructure/http/') || /\.(routes|schemas)\.ts$/.test(target);

/**
 * The architecture rules (SPEC: routes → service → repository, one way):
 * - routes are HTTP only: they never reach the data layer;
 * - services (and job processors) know neither HTTP nor SQL;
 * - repositories depend on nothing above them;
 * - a module uses another module through its index.ts only;
 * - infrastructure and shared code never depend on a module, and shared code not on infrastructure.
 */
export function checkLayers(sources: readonly Source[]): Violation[] {
  const violations: Violation[] = [];
  for (const source of sources) {
    const from = locate(source.path);
    for (const specifier of importsOf(source)) {
      const target = resolve(source.path, specifier);
      const report = (rule: string) => violations.push({ file: source.path, imports: specifier, rule });

      if (from.layer === 'routes' && isDataLayer(target)) {
        report('routes must not reach the data layer (repositories, database, drivers): call the service');
      }
      if (
        from.layer === 'service' &&
        (isHttpLayer(target) || (isDataLayer(target) && !target.endsWith('.repository.ts')))
      ) {
        report('services know neither HTTP nor SQL: no framework, routes, schemas, database or driver imports');
      }
      if (from.layer === 'repository' && (isHttpLayer(target) || target.endsWith('.service.ts'))) {
        report('repositories are the bottom layer: they must not import services, routes or HTTP code');
      }

      const targetModule = /^src\/modules\/([^/]+)\/(.+)$/.exec(target);
      if (targetModule !== null) {
        const [, module, file] = targetModule;
        if (from.area === 'modules' && module !== from.module && file !== 'index.ts') {
          report(`modules talk through each other's public interface: import src/modules/${module}/index.ts`);
        }
        if (from.area === 'infrastructure' || from.area === 'shared') {
          report(`${from.area} code must not depend on a module; modules depend on it`);
        }
      }
      if (from.area === 'shared' && target.startsWith('src/infrastructure/')) {
        report('shared code must not depend on infrastructure');
      }
    }
  }
  return violations;
}
