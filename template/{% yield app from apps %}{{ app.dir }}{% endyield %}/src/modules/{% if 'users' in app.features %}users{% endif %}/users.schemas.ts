import { Type, type Static } from 'typebox';
import { PlainText } from '#platform/http/plain-text.schema';

// HTTP contract of the users module: what clients send and receive. Request schemas validate
// every input; response schemas let Fastify serialize quickly and never send an unlisted field.

const Email = Type.String({ format: 'email', maxLength: 254, examples: ['ada@example.com'] });

export const RegisterBody = Type.Object(
  {
    email: Email,
    // In characters, whatever their size in bytes: the password hasher makes every one count.
    password: PlainText({ minLength: 12, maxLength: 72, description: '12 to 72 characters' }),
    name: PlainText({ minLength: 1, maxLength: 100, examples: ['Ada Lovelace'] }),
  },
  { additionalProperties: false },
);
export type RegisterBody = Static<typeof RegisterBody>;

export const LoginBody = Type.Object(
  {
    email: Email,
    // Only bounded here: the rules for new passwords may change, existing ones must still log in.
    password: PlainText({ minLength: 1, maxLength: 72 }),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const UserResponse = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String({ format: 'email' }),
    name: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { title: 'User' },
);
export type UserResponse = Static<typeof UserResponse>;

export const TokenResponse = Type.Object(
  {
    accessToken: Type.String({ description: 'JWT to send as `Authorization: Bearer <token>`' }),
    tokenType: Type.Literal('Bearer'),
    expiresIn: Type.Integer({ description: 'Lifetime of the token in seconds' }),
  },
  { title: 'AccessToken' },
);
