import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildTestApp } from '../helpers/app.js';
import { stubDatabase } from '../helpers/database.js';

interface ProductListBody {
  products: { sku: string; name: string; unitPriceCents: number; currency: string }[];
}

// The catalogue is public and the same for everyone: no token, shared caches allowed.
describe('products API', () => {
  let app: App;

  beforeAll(async () => {
    app = await buildTestApp({ database: stubDatabase() });
  });

  afterAll(async () => {
    await app.close();
  });

  it('lists the products that can be ordered, with their prices, without a token', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/products' });

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const { products } = response.json<ProductListBody>();
    expect(products.length).toBeGreaterThan(0);
    expect(products).toContainEqual({
      sku: 'BOOK-DDIA',
      name: 'Designing Data-Intensive Applications',
      unitPriceCents: 4590,
      currency: 'EUR',
    });
  });

  it('is cacheable by shared caches, with an ETag', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/products' });

    expect(response.headers['cache-control']).toBe('public, max-age=300');
    expect(response.headers.etag).toMatch(/^"[\w-]+"$/);
  });

  it('answers 304 without a body when the ETag is current', async () => {
    const first = await app.inject({ method: 'GET', url: '/v1/products' });

    const again = await app.inject({
      method: 'GET',
      url: '/v1/products',
      headers: { 'if-none-match': String(first.headers.etag) },
    });

    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(first.headers.etag);
  });

  it('answers 200 again for an outdated ETag', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/v1/products',
      headers: { 'if-none-match': '"an-old-version"' },
    });

    expect(response.statusCode).toBe(200);
  });

  it('keeps the API protections: security headers, request id, rate limit', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/products' });

    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-request-id']).toBeDefined();
    expect(response.headers['x-ratelimit-limit']).toBeDefined();
  });
});
