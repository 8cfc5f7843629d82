/**
 * Worker thread of {@link CrateParserPool}: reads one `.crate` at a time (gunzip, tar walk, TOML)
 * and answers with the facts an entry needs, or the error's code and message.
 */
import { parentPort } from 'node:worker_threads';
import { CargoManifestError, readCrateManifest } from '@lcs/cargo-manifest';
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
      parentPort?.postMessage(
        error instanceof CargoManifestError
          ? { id: request.id, refused: error.toJSON() }
          : { id: request.id, failed: (error as Error).message ?? String(error) },
      ),
  );
});
