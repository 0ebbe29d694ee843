/**
 * What caches may do with the API's answers, in one place: routes name a policy, never a
 * Cache-Control string of their own. The README ("Caching and CDNs") says how Nginx's edge cache
 * and the CDNs (CloudFront, Cloudflare, Fastly) read these headers.
 */

/**
 * Every answer no route declares cacheable: personal data (an account, a user's orders, a token),
 * writes, errors. `no-store`: no cache keeps it, not even the browser's on a shared computer;
 * `private`: it is one user's answer, for caches and CDN rules that look for that directive only.
 * The security headers (http/security-headers.ts) set it on every
 * response, so a new route is uncacheable until it says otherwise.
 */
export const NOT_STORED = 'private, no-store';

/** The headers a cacheable read's 200 and 304 answers carry (http/conditional-get.ts). */
export interface CachePolicy {
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * A personal read: stored by no cache, but still tagged (http/conditional-get.ts), so a client that
 * keeps the body in its own state (a mobile app) can ask whether it changed and get a 304.
 */
export const PERSONAL_READ: CachePolicy = { headers: { 'cache-control': NOT_STORED } };

/** How long a public read may be served from a cache. */
export interface PublicReadOptions {
  /** Fresh for this long, in browsers and shared caches alike. */
  readonly maxAgeSeconds: number;
  /**
   * Then, for this long more, served stale at once while the cache refreshes it in the background:
   * no reader waits for the origin when a popular answer expires. Absent: never served stale.
   */
  readonly staleWhileRevalidateSeconds?: number;
  /** And for this long while the origin fails (a 5xx, or unreachable). Absent: an error is an error. */
  readonly staleIfErrorSeconds?: number;
  /**
   * Tags the answer for the CDNs that purge by tag rather than by URL: Fastly reads
   * `Surrogate-Key`, Cloudflare `Cache-Tag`, and both remove the header before the client sees it.
   */
  readonly purgeKey?: string;
}

/**
 * The same answer for every caller, which browsers and shared caches (Nginx, a CDN) may keep. No
 * `Vary` of its own: the answer depends on no request header, credentials included (CORS adds
 * `Vary: Origin` when CORS_ORIGINS lists origins: its Access-Control-Allow-Origin depends on it).
 */
export function publicRead(options: PublicReadOptions): CachePolicy {
  const directives = ['public', `max-age=${options.maxAgeSeconds}`];
  if (options.staleWhileRevalidateSeconds !== undefined) {
    directives.push(`stale-while-revalidate=${options.staleWhileRevalidateSeconds}`);
  }
  if (options.staleIfErrorSeconds !== undefined) directives.push(`stale-if-error=${options.staleIfErrorSeconds}`);
  const purgeTags =
    options.purgeKey === undefined ? {} : { 'surrogate-key': options.purgeKey, 'cache-tag': options.purgeKey };
  return { headers: { 'cache-control': directives.join(', '), ...purgeTags } };
}
