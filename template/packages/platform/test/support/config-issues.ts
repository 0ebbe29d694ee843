import { ConfigError } from '../../src/config/config-error.js';

/**
 * What a configuration is refused for: the ConfigError's issues if `read` throws one (the schema's
 * errors, or a whole configuration's), else the issues `read` reported; none when it is accepted.
 */
export function issuesOf(read: (issues: string[]) => unknown): readonly string[] {
  const issues: string[] = [];
  try {
    read(issues);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return issues;
}
