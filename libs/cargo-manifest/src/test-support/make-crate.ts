import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';

/** One entry of a test archive. */
export interface TestEntry {
  readonly name: string;
  readonly type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'fifo';
  readonly content?: string | Buffer;
  readonly linkname?: string;
}

/** Builds a gzip tar in memory, entries in the order given (hostile ones included). */
export async function makeCrate(entries: readonly TestEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (c: unknown) => {
      chunks.push(c as Buffer);
    });
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    if (type === 'file') {
      pack.entry({ name: entry.name, type }, entry.content ?? '');
    } else {
      pack.entry({
        name: entry.name,
        type,
        ...(entry.linkname ? { linkname: entry.linkname } : {}),
      });
    }
  }
  pack.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

/** A minimal valid manifest. */
export const MANIFEST = '[package]\nname = "demo"\nversion = "1.0.0"\nedition = "2021"\n';

/** The files `cargo package` writes, in its (path) order. */
export function typicalEntries(root = 'demo-1.0.0'): TestEntry[] {
  return [
    { name: `${root}/.cargo_vcs_info.json`, content: '{"git":{"sha1":"abc"}}' },
    { name: `${root}/Cargo.lock`, content: '# lock\n' },
    { name: `${root}/Cargo.toml`, content: MANIFEST },
    { name: `${root}/Cargo.toml.orig`, content: MANIFEST },
    { name: `${root}/build.rs`, content: 'fn main() {}\n' },
    { name: `${root}/src/`, type: 'directory' },
    { name: `${root}/src/lib.rs`, content: '' },
  ];
}
