/**
 * An exact set of short strings (the store's `name@version` keys) in a few flat arrays instead of
 * one JavaScript string and hash entry each: the bytes of every key in one buffer, their offsets in
 * a `Uint32Array`, and an open-addressing table of indices. At crates.io's size (2 M keys) a `Set`
 * of strings held about 300 MiB; this holds about 60 MiB. Exact, not probabilistic: a false
 * "stored" would skip a version forever.
 */
export class CompactKeySet {
  #bytes = Buffer.allocUnsafe(1 << 16);
  #used = 0;
  /** `#starts[i]` is where key i begins; key i ends where key i + 1 begins. */
  #starts = new Uint32Array(1 << 10);
  #count = 0;
  /** 0: empty slot; otherwise the key's index + 1. Kept at most half full. */
  #table = new Uint32Array(1 << 11);
  #scratch = Buffer.allocUnsafe(1024);

  /** Number of keys. */
  get size(): number {
    return this.#count;
  }

  /** Adds `key` (no effect when present). */
  add(key: string): this {
    const length = this.#encode(key);
    let slot = this.#find(length);
    if (this.#table[slot] !== 0) return this;
    if ((this.#count + 1) * 2 > this.#table.length) {
      this.#grow();
      slot = this.#find(length);
    }
    if (this.#used + length > this.#bytes.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.#bytes.length * 2, this.#used + length));
      this.#bytes.copy(bigger, 0, 0, this.#used);
      this.#bytes = bigger;
    }
    if (this.#count + 2 > this.#starts.length) {
      const bigger = new Uint32Array(this.#starts.length * 2);
      bigger.set(this.#starts);
      this.#starts = bigger;
    }
    this.#scratch.copy(this.#bytes, this.#used, 0, length);
    this.#starts[this.#count] = this.#used;
    this.#used += length;
    this.#count++;
    this.#starts[this.#count] = this.#used;
    this.#table[slot] = this.#count;
    return this;
  }

  /** Whether `key` was added. */
  has(key: string): boolean {
    return this.#table[this.#find(this.#encode(key))] !== 0;
  }

  /**
   * The position of `key` (0 to `size - 1`, in the order keys were added), or -1: a caller can keep
   * one bit per key beside the set (a scrub marks the keys the index names).
   */
  indexOf(key: string): number {
    return (this.#table[this.#find(this.#encode(key))] ?? 0) - 1;
  }

  /** The key at `index` (see {@link CompactKeySet.indexOf}). */
  keyAt(index: number): string {
    if (!Number.isInteger(index) || index < 0 || index >= this.#count)
      throw new RangeError(`no key at ${index} (size ${this.#count})`);
    return this.#bytes.toString('utf8', this.#starts[index], this.#starts[index + 1]);
  }

  /** Encodes `key` into the scratch buffer; returns its length in bytes. */
  #encode(key: string): number {
    if (key.length * 3 > this.#scratch.length) this.#scratch = Buffer.allocUnsafe(key.length * 3);
    return this.#scratch.write(key, 0, 'utf8');
  }

  /** The slot holding the scratch key, or the empty slot where it would go (linear probing). */
  #find(length: number): number {
    const mask = this.#table.length - 1;
    let slot = hash(this.#scratch, 0, length) & mask;
    for (;;) {
      const entry = this.#table[slot] ?? 0;
      if (entry === 0) return slot;
      const start = this.#starts[entry - 1] ?? 0;
      const end = this.#starts[entry] ?? 0;
      if (end - start === length && this.#bytes.compare(this.#scratch, 0, length, start, end) === 0)
        return slot;
      slot = (slot + 1) & mask;
    }
  }

  #grow(): void {
    const table = new Uint32Array(this.#table.length * 2);
    const mask = table.length - 1;
    for (let i = 0; i < this.#count; i++) {
      const start = this.#starts[i] ?? 0;
      let slot = hash(this.#bytes, start, this.#starts[i + 1] ?? 0) & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = i + 1;
    }
    this.#table = table;
  }
}

/** FNV-1a over `bytes[start, end)`, 32 bits. */
function hash(bytes: Buffer, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    h ^= bytes[i] ?? 0;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
