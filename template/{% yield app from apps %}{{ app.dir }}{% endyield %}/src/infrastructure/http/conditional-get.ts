import { hash } from 'node:crypto';
import type { onSendHookHandler } from 'fastify';

/**
 * Route-level `onSend` hook for read routes: sets `cacheControl` and an ETag computed from the
 * serialized body, and answers 304 Not Modified without the body when the client's
 * If-None-Match already names it. Only 200 responses get them: errors are never cacheable.
 *
 * SHA-1 of a few kilobytes takes about a microsecond with the native one-shot `crypto.hash`; it
 * is a content fingerprint here, not a security measure.
 */
export function conditionalGet(cacheControl: string): onSendHookHandler {
  // The last body and its tag: a cached body is the same string object on every hit (the public
  // catalogue, a popular order), and is then not hashed again.
  let lastPayload = '';
  let lastEtag = '';
  return (request, reply, payload, done) => {
    if (reply.statusCode !== 200 || typeof payload !== 'string') {
      done(null, payload);
      return;
    }
    if (payload !== lastPayload) {
      lastEtag = `"${hash('sha1', payload, 'base64url')}"`;
      lastPayload = payload;
    }
    const etag = lastEtag;
    reply.header('etag', etag);
    reply.header('cache-control', cacheControl);
    if (matchesIfNoneMatch(request.headers['if-none-match'], etag)) {
      reply.code(304);
      done(null, '');
      return;
    }
    done(null, payload);
  };
}

/** Per-user data that clients may keep but must revalidate (with its ETag) before each use. */
export const PRIVATE_REVALIDATE = 'private, no-cache';

/**
 * The same for every caller, so shared caches (CDN, proxies) may keep it too; for five minutes,
 * then they revalidate with the ETag.
 */
export const PUBLIC_FIVE_MINUTES = 'public, max-age=300';

/** If-None-Match uses the weak comparison (RFC 9110 §13.1.2): W/"x" matches "x"; * matches anything. */
function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return (tag.startsWith('W/') ? tag.slice(2) : tag) === etag;
  });
}
