/**
 * Worker thread of {@link CrateParserPool}: reads one `.crate` at a time (gunzip, tar walk, TOML)
 * and answers with the facts an entry needs, or the error's code and message.
 */
import { parentPort } from 'node:worker_threads';
import { readCrateManifest } from '@lcs/cargo-manifest';
import { crateFacts } from './entry-from-crate.js';

interface Request {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly expected: { name: string; version: string };
}

parentPort?.on('message', (request: Request) => {
  readCrateManifest(request.bytes, request.expected).then(
    (crate) => parentPort?.postMessage({ id: request.id, facts: crateFacts(crate) }),
    (error: unknown) =>
      parentPort?.postMessage({
        id: request.id,
        error: {
          code: (error as { code?: unknown }).code,
          message: (error as Error).message ?? String(error),
        },
      }),
  );
});
