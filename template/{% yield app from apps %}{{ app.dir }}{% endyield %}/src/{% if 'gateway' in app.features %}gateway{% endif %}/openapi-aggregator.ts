import type { Logger } from '#platform/observability/logger';
import { mergeOpenApi, type OpenApiDocument, type ServiceOpenApiDocument } from './openapi-merge.js';
import type { Upstream } from './upstreams.js';

/** Where each service serves its OpenAPI document (@fastify/swagger-ui under /docs). */
export const SERVICE_OPENAPI_PATH = '/docs/json';

export interface OpenApiAggregatorOptions {
  readonly base: Pick<OpenApiDocument, 'openapi' | 'info'>;
  readonly upstreams: readonly Upstream[];
  /** How long a merged document is served before the services are asked again. */
  readonly ttlMs: number;
  /** How long a service may take to send its document. */
  readonly timeoutMs: number;
  readonly logger: Logger;
}

/**
 * The API's document, merged from the services' own and kept for `ttlMs`. A service that cannot
 * be reached keeps contributing the last document it sent, so the gateway serves what it has;
 * one that never answered is left out (and named in the document) until it does.
 */
export class OpenApiAggregator {
  readonly #options: OpenApiAggregatorOptions;
  readonly #lastGood = new Map<string, ServiceOpenApiDocument>();
  #merged: OpenApiDocument;
  #expiresAt = 0;
  #refreshing: Promise<void> | undefined;

  constructor(options: OpenApiAggregatorOptions) {
    this.#options = options;
    this.#merged = this.#merge();
  }

  /** The merged document, refreshed first when it is older than the TTL. */
  async document(): Promise<OpenApiDocument> {
    if (Date.now() >= this.#expiresAt) {
      // Concurrent requests share one refresh instead of each asking every service.
      this.#refreshing ??= this.#refresh().finally(() => {
        this.#refreshing = undefined;
      });
      await this.#refreshing;
    }
    return this.#merged;
  }

  /** The document as last merged, without asking the services. */
  current(): OpenApiDocument {
    return this.#merged;
  }

  async #refresh(): Promise<void> {
    await Promise.all(
      this.#options.upstreams.map(async (upstream) => {
        try {
          this.#lastGood.set(upstream.name, await this.#fetch(upstream));
        } catch (error) {
          this.#options.logger.warn({ err: error, upstream: upstream.name }, 'could not fetch an OpenAPI document');
        }
      }),
    );
    this.#merged = this.#merge();
    this.#expiresAt = Date.now() + this.#options.ttlMs;
  }

  async #fetch(upstream: Upstream): Promise<ServiceOpenApiDocument> {
    const response = await fetch(new URL(SERVICE_OPENAPI_PATH, upstream.url), {
      signal: AbortSignal.timeout(this.#options.timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`${upstream.name} answered ${response.status} to ${SERVICE_OPENAPI_PATH}`);
    }
    return (await response.json()) as ServiceOpenApiDocument;
  }

  #merge(): OpenApiDocument {
    return mergeOpenApi(
      this.#options.base,
      this.#options.upstreams.map((upstream) => ({
        service: upstream.name,
        routes: upstream.routes,
        document: this.#lastGood.get(upstream.name),
      })),
    );
  }
}
