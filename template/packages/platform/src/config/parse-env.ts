import type { Static, TObject } from 'typebox';
import Value from 'typebox/value';
import { ConfigError } from './config-error.js';

/** What the configuration is read from: `process.env` at start-up, plain objects in tests. */
export type EnvSource = Readonly<Record<string, string | undefined>>;

/**
 * The variables `schema` names, converted to their types with their defaults applied. Throws a
 * ConfigError naming every variable that is missing or invalid, with the value `expected` where the
 * schema gives one. Variables the schema does not name are ignored.
 */
export function parseEnv<Schema extends TObject>(schema: Schema, source: EnvSource): Static<Schema> {
  // An empty value (`FOO=` in a .env file) means "not set", so the default applies.
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''));
  const candidate = Value.Default(schema, Value.Convert(schema, Value.Clean(schema, present)));
  if (Value.Check(schema, candidate)) return candidate;
  throw new ConfigError(describeErrors(schema, candidate));
}

function describeErrors(schema: TObject, candidate: unknown): string[] {
  const issues = new Map<string, string>();
  for (const error of Value.Errors(schema, candidate)) {
    if (error.keyword === 'required') {
      for (const name of error.params.requiredProperties) {
        issues.set(name, `${name} is required`);
      }
      continue;
    }
    const name = error.instancePath.slice(1);
    if (issues.has(name)) continue; // the first message per variable is the useful one
    const property = (schema.properties as Record<string, { expected?: string; enum?: string[] } | undefined>)[name];
    if (property?.expected !== undefined) issues.set(name, `${name} must be ${property.expected}`);
    else if (property?.enum !== undefined) issues.set(name, `${name} must be one of ${property.enum.join(', ')}`);
    else issues.set(name, `${name} ${error.message}`);
  }
  return [...issues.values()];
}
