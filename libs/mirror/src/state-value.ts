/**
 * One JSON value of the services' state in the metadata store, read and checked against its
 * schema: a value some other writer left there is refused naming its key, never trusted.
 */
import type { z } from 'zod';
import type { MetadataStore } from '@lcs/crate-store';
import { MirrorError } from './errors.js';

/** The value under `key` parsed by `schema`; `undefined` when absent. Throws `SYNC_STATE_CORRUPT`. */
export async function readStateValue<T>(
  metadata: MetadataStore,
  key: string,
  schema: z.ZodType<T>,
): Promise<T | undefined> {
  const text = await metadata.get(key);
  if (text === undefined) return undefined;
  try {
    return schema.parse(JSON.parse(text));
  } catch (error) {
    throw new MirrorError(
      'SYNC_STATE_CORRUPT',
      key,
      `stored value is not valid: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
