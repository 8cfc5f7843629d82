/**
 * Maps an async stream through `fn` with up to `window` calls in flight, yielding results in input
 * order. This is what keeps a pipelined reader (git cat-file, the file system) busy while memory
 * stays bounded by `window` results.
 *
 * Used by: `@lcs/index-reader` (tree walks, index diffs), `@lcs/crate-store` (file metadata),
 * `@lcs/augmented-index` (backfill, drift check), `@lcs/snapshot` (snapshot reads).
 */
export async function* mapOrdered<T, R>(
  source: AsyncIterable<T> | Iterable<T>,
  window: number,
  fn: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  const iterator: AsyncIterator<T> | Iterator<T> =
    Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  const queue: Promise<R>[] = [];
  let exhausted = false;
  try {
    for (;;) {
      while (!exhausted && queue.length < window) {
        const next = await iterator.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        const pending = fn(next.value);
        // Rejections are observed when their turn comes; this stops an "unhandled" warning meanwhile.
        pending.catch(() => undefined);
        queue.push(pending);
      }
      const head = queue.shift();
      if (head === undefined) return;
      yield await head;
    }
  } finally {
    if (!exhausted) await iterator.return?.();
  }
}
