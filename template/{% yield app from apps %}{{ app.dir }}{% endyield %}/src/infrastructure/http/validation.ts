import { AjvCompiler, type ValidatorFactory } from '@fastify/ajv-compiler';

const buildCoercingValidators = AjvCompiler();
const buildStrictValidators = AjvCompiler();

/**
 * Fastify's ajv validators, with type coercion turned off for request bodies.
 *
 * Query strings, path parameters and headers are text on the wire, so "10" must become 10 there.
 * A JSON body already carries types: coercing it would accept `{"password": 123456789012}` or
 * `{"email": ["a@b.c"]}` as valid, so a body with a wrong type is answered with a 400 instead.
 */
export const buildValidator: ValidatorFactory = (externalSchemas, options = {}) => {
  const coercing = buildCoercingValidators(externalSchemas, options);
  if (options.mode === 'JTD') return coercing; // JSON Type Definition never coerces
  const strict = buildStrictValidators(externalSchemas, {
    ...options,
    customOptions: { ...options.customOptions, coerceTypes: false },
  });
  return (route) => (route.httpPart === 'body' ? strict(route) : coercing(route));
};
