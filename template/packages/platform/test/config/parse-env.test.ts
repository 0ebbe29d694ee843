import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/parse-env.js';
import { issuesOf } from '../support/config-issues.js';

const Schema = Type.Object({
  LEVEL: Type.Enum(['low', 'high'], { default: 'low' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  URL: Type.Optional(Type.String({ pattern: '^https?://', expected: 'an http:// or https:// URL' })),
  NAME: Type.String({ minLength: 3 }),
});

describe('parseEnv', () => {
  it('converts the values and applies the defaults', () => {
    expect(parseEnv(Schema, { PORT: '8080', NAME: 'shop' })).toEqual({ LEVEL: 'low', PORT: 8080, NAME: 'shop' });
  });

  it('treats an empty value as unset and ignores the variables it does not read', () => {
    expect(parseEnv(Schema, { PORT: '', URL: '', NAME: 'shop', OTHER: 'x' })).toEqual({
      LEVEL: 'low',
      PORT: 3000,
      NAME: 'shop',
    });
  });

  it.each([
    ['PORT', 'not-a-number', /^PORT /],
    ['PORT', '70000', /^PORT /],
    ['LEVEL', 'verbose', /^LEVEL must be one of low, high$/],
    ['URL', 'ftp://example.com', /^URL must be an http:\/\/ or https:\/\/ URL$/],
  ])('refuses %s=%s with a message naming the variable', (name, value, message) => {
    const issues = issuesOf(() => parseEnv(Schema, { NAME: 'shop', [name]: value }));

    expect(issues).toEqual([expect.stringMatching(message)]);
  });

  it('names a missing required variable', () => {
    expect(issuesOf(() => parseEnv(Schema, {}))).toEqual(['NAME is required']);
  });

  it('reports every problem at once', () => {
    expect(issuesOf(() => parseEnv(Schema, { PORT: 'x', NAME: 'ab' }))).toEqual([
      expect.stringContaining('PORT'),
      expect.stringContaining('NAME'),
    ]);
  });

  it('never echoes a rejected value', () => {
    const issues = issuesOf(() => parseEnv(Schema, { NAME: 'shop', URL: 'secret-token-value' }));

    expect(issues.join()).not.toContain('secret-token-value');
  });
});
