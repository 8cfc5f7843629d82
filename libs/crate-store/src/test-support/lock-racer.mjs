// A child process for the file-lock race test: on each "go" message it tries to take the lock in
// the round's directory at the given instant, reports whether it got it, and releases on "release".
import { FileMetadataStore } from '../../dist/index.js';

let held;
process.on('message', async (message) => {
  if (message.type === 'go') {
    while (Date.now() < message.at) {
      /* spin to the shared start instant */
    }
    try {
      held = await new FileMetadataStore(message.dir).acquireLock({
        name: 'fetcher',
        ttlSeconds: 30,
      });
      process.send({ type: 'result', got: true });
    } catch (error) {
      process.send({ type: 'result', got: false, code: error.code });
    }
  } else if (message.type === 'release') {
    await held?.release();
    held = undefined;
    process.send({ type: 'released' });
  } else if (message.type === 'exit') process.exit(0);
});
process.send({ type: 'ready' });
