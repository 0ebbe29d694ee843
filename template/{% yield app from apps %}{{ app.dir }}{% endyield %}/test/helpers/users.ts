import type { App } from '../../src/app.js';
import { uniqueEmail } from './fakes.js';

export interface TestUser {
  readonly id: string;
  readonly email: string;
  readonly headers: { readonly authorization: string };
}

/** Registers a new account through the API and logs it in (use a FakePasswordHasher: instant). */
export async function signUp(app: App, name = 'Ada Lovelace'): Promise<TestUser> {
  const email = uniqueEmail();
  const password = 'correct horse battery';
  const registered = await app.inject({ method: 'POST', url: '/v1/users', payload: { email, password, name } });
  if (registered.statusCode !== 201) throw new Error(`sign-up failed: ${registered.body}`);
  const login = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password } });
  const { accessToken } = login.json<{ accessToken: string }>();
  return { id: registered.json<{ id: string }>().id, email, headers: { authorization: `Bearer ${accessToken}` } };
}
