import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Database } from '../../src/infrastructure/database/database.js';
import { buildTestApp } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/database.js';
import { testConfig } from '../helpers/config.js';
import { uniqueEmail } from '../helpers/fakes.js';

// Real bcrypt at cost 12 (~0.25 s a hash): one account is registered up front and reused.
// The service's own secret (the test default), to sign tokens that only break one claim.
const SECRET = testConfig().auth.jwtSecret;

describe('users API', () => {
  let database: Database;
  let app: App;
  const account = { email: uniqueEmail(), password: 'correct horse battery', name: 'Ada Lovelace' };
  let registration: Awaited<ReturnType<App['inject']>>;
  let accessToken: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await buildTestApp({
      database,
      env: { JWT_ISSUER: 'demo-test-issuer', JWT_AUDIENCE: 'demo-test-audience', JWT_EXPIRES_IN: '15m' },
    });
    registration = await app.inject({ method: 'POST', url: '/v1/users', payload: account });
    const login = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: account.email, password: account.password },
    });
    accessToken = login.json<{ accessToken: string }>().accessToken;
  });

  afterAll(async () => {
    await app.close();
    await database.close();
  });

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  describe('POST /v1/users', () => {
    it('registers the account and returns it without any password field', () => {
      expect(registration.statusCode).toBe(201);
      const body = registration.json<Record<string, unknown>>();
      expect(body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        email: account.email,
        name: account.name,
        createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      });
      expect(registration.body).not.toMatch(/password|hash/i);
    });

    it('answers 409 for an email already registered, in another case', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/users',
        payload: { ...account, email: account.email.toUpperCase() },
      });

      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ code: 'EMAIL_ALREADY_REGISTERED' });
    });

    it('answers 400 naming each missing field', async () => {
      const response = await app.inject({ method: 'POST', url: '/v1/users', payload: { email: uniqueEmail() } });

      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        details: [{ field: 'body.password', message: 'is required' }],
        requestId: response.headers['x-request-id'],
      });
    });

    it.each([
      ['a number instead of a string', { password: 123456789012 }, 'body.password'],
      ['an array instead of a string', { email: [uniqueEmail()] }, 'body.email'],
      ['an invalid email', { email: 'not-an-email' }, 'body.email'],
      ['a password shorter than 12 characters', { password: 'short' }, 'body.password'],
      ['an empty name', { name: '' }, 'body.name'],
    ])('answers 400 for %s', async (_case, override, field) => {
      const payload = { email: uniqueEmail(), password: 'correct horse battery', name: 'Grace', ...override };

      const response = await app.inject({ method: 'POST', url: '/v1/users', payload });

      expect(response.statusCode).toBe(400);
      expect(response.json<{ details: { field: string }[] }>().details[0]?.field).toBe(field);
    });

    it('answers 400 for a body that is not JSON', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/users',
        headers: { 'content-type': 'application/json' },
        payload: '{"email": ',
      });

      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'BAD_REQUEST', requestId: expect.any(String) });
    });

    it('answers 413 for a body over the size limit, before parsing it', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/users',
        payload: { ...account, name: 'x'.repeat(200_000) },
      });

      expect(response.statusCode).toBe(413);
      expect(response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', requestId: expect.any(String) });
    });
  });

  describe('POST /v1/auth/login', () => {
    it('issues a bearer token with pinned algorithm, issuer, audience and expiry', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: account.email.toUpperCase(), password: account.password },
      });

      expect(response.statusCode).toBe(200);
      const token = response.json<{ accessToken: string; tokenType: string; expiresIn: number }>();
      expect(token).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
      const [header, payload] = token.accessToken
        .split('.')
        .slice(0, 2)
        .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>);
      expect(header).toMatchObject({ alg: 'HS256' });
      expect(payload).toMatchObject({
        sub: registration.json<{ id: string }>().id,
        iss: 'demo-test-issuer',
        aud: 'demo-test-audience',
      });
      expect(Number(payload?.exp) - Number(payload?.iat)).toBe(900);
    });

    it('answers the same 401 for a wrong password and for an unknown email', async () => {
      const wrongPassword = await app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: account.email, password: 'not the password' },
      });
      const unknownEmail = await app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: uniqueEmail(), password: account.password },
      });

      expect(wrongPassword.statusCode).toBe(401);
      expect(unknownEmail.statusCode).toBe(401);
      const withoutRequestId = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });
      expect(withoutRequestId(unknownEmail.json())).toEqual(withoutRequestId(wrongPassword.json()));
      expect(wrongPassword.json()).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    });

    it('answers 400 when the password is missing', async () => {
      const response = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: account.email } });

      expect(response.statusCode).toBe(400);
    });
  });

  describe('GET /v1/users/me', () => {
    it('returns the authenticated user', async () => {
      const response = await app.inject({ method: 'GET', url: '/v1/users/me', headers: bearer(accessToken) });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(registration.json());
    });

    it('answers 401 without a token', async () => {
      const response = await app.inject({ method: 'GET', url: '/v1/users/me' });

      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
      expect(response.json()).toMatchObject({ code: 'INVALID_TOKEN' });
    });

    it('answers 401 TOKEN_EXPIRED for an expired token', async () => {
      const anHourAgo = Math.floor(Date.now() / 1000) - 3600;
      const expired = forge({ alg: 'HS256' }, SECRET, { iat: anHourAgo, exp: anHourAgo + 900 });

      const response = await app.inject({ method: 'GET', url: '/v1/users/me', headers: bearer(expired) });

      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: 'TOKEN_EXPIRED' });
    });

    it('answers 401 TOKEN_EXPIRED once a token accepted before has expired', async () => {
      const expiresAt = Math.floor(Date.now() / 1000) + 2;
      const shortLived = forge({ alg: 'HS256' }, SECRET, { exp: expiresAt });

      const before = await app.inject({ method: 'GET', url: '/v1/users/me', headers: bearer(shortLived) });
      await sleep(expiresAt * 1000 - Date.now() + 50);
      const after = await app.inject({ method: 'GET', url: '/v1/users/me', headers: bearer(shortLived) });

      expect(before.statusCode).toBe(200);
      expect(after.statusCode).toBe(401);
      expect(after.json()).toMatchObject({ code: 'TOKEN_EXPIRED' });
    });

    it.each([
      ['signed with another secret', () => forge({ alg: 'HS256' }, 'another-secret-that-is-long-enough-000000')],
      ['with alg "none"', () => forge({ alg: 'none' })],
      ['for another audience', () => forge({ alg: 'HS256' }, SECRET, { aud: 'another-api' })],
      ['from another issuer', () => forge({ alg: 'HS256' }, SECRET, { iss: 'someone-else' })],
      ['without a subject', () => forge({ alg: 'HS256' }, SECRET, { sub: undefined })],
      ['that is garbage', () => 'not.a.jwt'],
    ])('answers 401 for a token %s', async (_case, makeToken) => {
      const response = await app.inject({ method: 'GET', url: '/v1/users/me', headers: bearer(makeToken()) });

      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: 'INVALID_TOKEN' });
    });
  });

  /**
   * A token built by hand, as an attacker would: valid claims unless `overrides` change some,
   * signed with `secret` (none: unsigned).
   */
  function forge(header: Record<string, string>, secret?: string, overrides: Record<string, unknown> = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      sub: registration.json<{ id: string }>().id,
      iss: 'demo-test-issuer',
      aud: 'demo-test-audience',
      iat: now,
      exp: now + 600,
      ...overrides,
    };
    const encode = (part: object) => Buffer.from(JSON.stringify({ ...part })).toString('base64url');
    const unsigned = `${encode({ typ: 'JWT', ...header })}.${encode(claims)}`;
    if (secret === undefined) return `${unsigned}.`;
    return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
  }
});
