import { isErrorResult, merge, type OpenApiDocument as ServiceOpenApiDocument } from 'openapi-merge';
import { readsBody, withSharedErrorResponses, type SharedErrorStatus } from '#platform/http/documented-responses';

/** A service's document as it sends it, typed by openapi-merge's model of OpenAPI 3. */
export type { ServiceOpenApiDocument };

/** The parts of the merged OpenAPI document the gateway writes. */
export interface OpenApiDocument {
  readonly openapi: string;
  readonly info: { readonly title: string; readonly version: string; readonly description?: string };
  readonly paths?: Readonly<Record<string, unknown>>;
  readonly components?: Readonly<Record<string, Readonly<Record<string, unknown>> | undefined>>;
  readonly tags?: readonly { readonly name: string }[];
  readonly [extension: string]: unknown;
}

/** A service's document, with the route patterns the gateway forwards to it. */
export interface ServiceDocument {
  readonly service: string;
  readonly routes: readonly string[];
  /** Undefined: never fetched (the service has been down since the gateway started). */
  readonly document: ServiceOpenApiDocument | undefined;
}

/**
 * One document for the whole API, merged by openapi-merge: the paths the gateway routes to each
 * service (a service's own probes and docs are not reachable through it), and the components and
 * tags of all of them. Components the services share (their error and security definitions) appear
 * once; a component or operation id two services define differently is renamed in the second
 * (`Order1`), references included. Services whose document is missing are listed in
 * `x-unavailable-services`, so a reader knows the document is partial; a merge that fails (services
 * on different OpenAPI versions) is reported in `x-merge-error` instead of taking the gateway down.
 */
export function mergeOpenApi(
  base: Pick<OpenApiDocument, 'openapi' | 'info'>,
  services: readonly ServiceDocument[],
): OpenApiDocument {
  const available = services.flatMap(({ routes, document }) => (document === undefined ? [] : [{ routes, document }]));
  const unavailable = services.filter(({ document }) => document === undefined).map(({ service }) => service);
  const merged =
    available.length === 0
      ? undefined
      : merge(
          available.map(({ routes, document }) => ({
            oas: document,
            // `/v1/orders/*` is a prefix for the proxy; openapi-merge's `*` matches any characters too.
            operationSelection: { includePaths: routes.map((path) => ({ path })) },
            duplicatePathHandling: 'skip-later' as const,
          })),
        );
  const output = merged === undefined || isErrorResult(merged) ? undefined : merged.output;
  const paths = Object.fromEntries(
    Object.entries(output?.paths ?? {}).map(([path, item]) => [path, withEdgeErrors(item)]),
  );

  return {
    openapi: base.openapi,
    info: base.info,
    paths,
    components: { ...output?.components },
    ...(output?.tags !== undefined && output.tags.length > 0 ? { tags: output.tags } : {}),
    ...(unavailable.length > 0 ? { 'x-unavailable-services': unavailable } : {}),
    ...(merged !== undefined && isErrorResult(merged) ? { 'x-merge-error': merged.message } : {}),
  };
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/**
 * A path item whose operations also list what the gateway itself answers: 401 for a bearer token it
 * cannot verify (on any route), 413 for a declared body over its limit, 429 from its own rate
 * limit, 502 and 504 when the service fails to answer, 503 and 500 as every route.
 */
function withEdgeErrors(item: unknown): unknown {
  if (typeof item !== 'object' || item === null) return item;
  const operations = Object.entries(item as Record<string, unknown>).map(([key, value]) => {
    if (!HTTP_METHODS.has(key) || typeof value !== 'object' || value === null) return [key, value];
    const operation = value as { readonly responses?: Readonly<Record<string, unknown>> };
    const statuses: SharedErrorStatus[] = [401, 429, 500, 502, 503, 504];
    if (readsBody(key)) statuses.push(413);
    return [key, { ...operation, responses: withSharedErrorResponses(operation.responses, statuses) }];
  });
  return Object.fromEntries(operations);
}
