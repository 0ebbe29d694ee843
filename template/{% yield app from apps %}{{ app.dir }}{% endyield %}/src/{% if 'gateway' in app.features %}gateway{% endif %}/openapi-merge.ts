import {
  readsBody,
  withSharedErrorResponses,
  type SharedErrorStatus,
} from '../infrastructure/http/documented-responses.js';

/** The parts of an OpenAPI 3 document the gateway reads and writes; the rest passes through. */
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
  readonly document: OpenApiDocument | undefined;
}

/**
 * One document for the whole API: the paths the gateway routes to each service (a service's own
 * probes and docs are not reachable through it), and the components and tags of all of them. A
 * component or tag defined by several services is taken from the first: the services share their
 * error and security definitions. Services whose document is missing are listed in
 * `x-unavailable-services`, so a reader knows the document is partial.
 */
export function mergeOpenApi(
  base: Pick<OpenApiDocument, 'openapi' | 'info'>,
  services: readonly ServiceDocument[],
): OpenApiDocument {
  const paths: Record<string, unknown> = {};
  const components: Record<string, Record<string, unknown>> = {};
  const tags = new Map<string, { readonly name: string }>();
  const unavailable: string[] = [];

  for (const { service, routes, document } of services) {
    if (document === undefined) {
      unavailable.push(service);
      continue;
    }
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      if (isRouted(path, routes) && !(path in paths)) paths[path] = withEdgeErrors(item);
    }
    for (const [section, entries] of Object.entries(document.components ?? {})) {
      const merged = (components[section] ??= {});
      for (const [name, definition] of Object.entries(entries ?? {})) {
        if (!(name in merged)) merged[name] = definition;
      }
    }
    for (const tag of document.tags ?? []) {
      if (!tags.has(tag.name)) tags.set(tag.name, tag);
    }
  }

  return {
    openapi: base.openapi,
    info: base.info,
    paths,
    components,
    ...(tags.size > 0 ? { tags: [...tags.values()] } : {}),
    ...(unavailable.length > 0 ? { 'x-unavailable-services': unavailable } : {}),
  };
}

/** Whether a document path (`/v1/orders/{id}`) is one of the route patterns (`/v1/orders/*`). */
function isRouted(path: string, routes: readonly string[]): boolean {
  return routes.some((route) => (route.endsWith('/*') ? path.startsWith(route.slice(0, -1)) : path === route));
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
