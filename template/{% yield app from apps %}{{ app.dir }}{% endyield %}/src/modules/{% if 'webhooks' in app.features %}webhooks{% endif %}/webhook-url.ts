import { isPublicAddress, literalAddress } from './address-guard.js';

export interface UrlPolicy {
  /** Loopback and private addresses may be subscribed (development, private networks). */
  readonly allowPrivateAddresses: boolean;
  readonly requireHttps: boolean;
}

/**
 * Why `url` cannot be subscribed, or undefined when it can. Checked on subscription for a clear
 * answer at once; names are resolved and checked again on every delivery (address-guard.ts), since
 * what a name resolves to can change after it was subscribed.
 */
export function whyUrlIsRefused(url: string, policy: UrlPolicy): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'The URL is not a valid absolute URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'The URL must use https:// or http://';
  if (policy.requireHttps && parsed.protocol !== 'https:') return 'The URL must use https://';
  // Credentials in the URL would be stored and logged as part of it.
  if (parsed.username !== '' || parsed.password !== '') return 'The URL must not contain credentials';
  if (!policy.allowPrivateAddresses) {
    const address = literalAddress(parsed.hostname);
    if (address !== undefined && !isPublicAddress(address)) {
      return 'The URL points to a private or reserved address';
    }
    if (parsed.hostname === 'localhost' || parsed.hostname.endsWith('.localhost')) {
      return 'The URL points to a private or reserved address';
    }
  }
  return undefined;
}
