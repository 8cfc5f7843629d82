/**
 * Worker thread of {@link CrateParserPool}: reads one `.crate` at a time (gunzip, tar walk, TOML)
 * and answers with the facts an entry needs, or the error's code and message.
 */
import { parentPort } from 'node:worker_threads';
import { CargoManifestError, readCrateManifest } from '@lcs/cargo-manifest';
import { crateFacts } from '../fields/field.js';

interface Message {
  readonly id: number;
  readonly request: {
    readonly bytes: Uint8Array;
    readonly expected: { name: string; version: string };
  };
}

parentPort?.on('message', ({ id, request }: Message) => {
  readCrateManifest(request.bytes, request.expected).then(
    (crate) => parentPort?.postMessage({ id, answer: { facts: crateFacts(crate) } }),
    (error: unknown) =>
      parentPort?.postMessage({
        id,
        answer:
          error instanceof CargoManifestError
            ? { refused: error.toJSON() }
            : { failed: (error as Error).message ?? String(error) },
      }),
  );
});
