/** Keys of the services' own state objects, kept apart from crate keys under `_lcs/`. */
import { CrateRefError } from './errors.js';

/** Prefix of every state object. */
export const STATE_PREFIX = '_lcs/';

const STATE_KEY = /^_lcs\/[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/;

/** Throws unless `key` is `_lcs/` followed by lowercase path segments (no `..`, no empty segment). */
export function assertStateKey(key: string): string {
  if (!STATE_KEY.test(key) || key.includes('..')) {
    throw new CrateRefError(
      key,
      'a state object key is "_lcs/" then lowercase segments [a-z0-9._-]',
    );
  }
  return key;
}
