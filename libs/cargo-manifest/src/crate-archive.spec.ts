import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readCrateArchive } from './crate-archive.js';
import { CrateArchiveError, type CrateArchiveErrorCode } from './errors.js';
import { makeCrate, MANIFEST, typicalEntries, type TestEntry } from './test-support/make-crate.js';

const demo = { name: 'demo', version: '1.0.0' };

async function refusal(
  archive: Buffer | AsyncIterable<Uint8Array>,
  options: Parameters<typeof readCrateArchive>[1] = demo,
) {
  const error = await readCrateArchive(archive, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CrateArchiveError);
  return error as CrateArchiveError;
}

describe('readCrateArchive', () => {
  it('reads the manifest and reports what the crate holds', async () => {
    const crate = await readCrateArchive(await makeCrate(typicalEntries()), demo);
    expect(crate).toMatchObject({
      root: 'demo-1.0.0',
      rootCaseDiffers: false,
      manifest: MANIFEST,
      manifestName: 'Cargo.toml',
      manifestOrig: MANIFEST,
      hasCargoTomlOrig: true,
      hasCargoLock: true,
      hasCargoVcsInfo: true,
      hasBuildRs: true,
      complete: true,
    });
    expect(crate.files).toEqual([
      '.cargo_vcs_info.json',
      'Cargo.lock',
      'Cargo.toml',
      'Cargo.toml.orig',
      'build.rs',
      'src/lib.rs',
    ]);
  });

  it('keeps Cargo.toml.orig under the manifest cap, and skips (never refuses) a larger one', async () => {
    const orig = `${MANIFEST}[dev-dependencies]\nlocal = { path = "../local" }\n`;
    const entries = typicalEntries().map((e) =>
      e.name.endsWith('/Cargo.toml.orig') ? { ...e, content: orig } : e,
    );
    const crate = await readCrateArchive(await makeCrate(entries), demo);
    expect(crate.manifestOrig).toBe(orig);
    const capped = await readCrateArchive(await makeCrate(entries), {
      ...demo,
      maxManifestBytes: MANIFEST.length,
    });
    expect(capped).toMatchObject({ manifest: MANIFEST, hasCargoTomlOrig: true });
    expect(capped.manifestOrig).toBeUndefined();
    const none = await readCrateArchive(
      await makeCrate(entries.filter((e) => !e.name.endsWith('.orig'))),
      demo,
    );
    expect(none).toMatchObject({ hasCargoTomlOrig: false, manifestOrig: undefined });
  });

  it('refuses a body that is neither bytes nor a stream (a caller from JavaScript) with CRATE_CORRUPT', async () => {
    for (const body of [null, 'a string', { length: 3 }]) {
      const error = await readCrateArchive(body as unknown as Buffer, demo).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CrateArchiveError);
      expect(error).toMatchObject({ code: 'CRATE_CORRUPT', crate: 'demo-1.0.0' });
    }
  });

  it('can stop at the manifest, reporting only what came before it', async () => {
    const crate = await readCrateArchive(await makeCrate(typicalEntries()), {
      ...demo,
      stopAtManifest: true,
    });
    expect(crate.manifest).toBe(MANIFEST);
    expect(crate.complete).toBe(false);
    expect(crate.hasCargoLock).toBe(true);
    expect(crate.hasBuildRs).toBe(false);
  });

  it('reads from a stream as well as from a buffer', async () => {
    const bytes = await makeCrate(typicalEntries());
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 100) yield bytes.subarray(i, i + 100);
    }
    expect((await readCrateArchive(chunks(), demo)).manifest).toBe(MANIFEST);
  });

  it.each<[string, TestEntry[], CrateArchiveErrorCode, string]>([
    [
      'a parent path',
      [{ name: 'demo-1.0.0/../evil.txt', content: 'x' }],
      'CRATE_PATH_OUTSIDE_ROOT',
      'parent path',
    ],
    [
      'an absolute path',
      [{ name: '/etc/cron.d/evil', content: 'x' }],
      'CRATE_PATH_OUTSIDE_ROOT',
      'absolute',
    ],
    [
      'another root',
      [{ name: 'other-1.0.0/Cargo.toml', content: MANIFEST }],
      'CRATE_PATH_OUTSIDE_ROOT',
      'not under demo-1.0.0/',
    ],
    [
      'a sibling prefix',
      [{ name: 'demo-1.0.0-evil/Cargo.toml', content: MANIFEST }],
      'CRATE_PATH_OUTSIDE_ROOT',
      'not under demo-1.0.0/',
    ],
    [
      'a backslash path',
      [{ name: 'demo-1.0.0\\..\\evil', content: 'x' }],
      'CRATE_PATH_OUTSIDE_ROOT',
      'parent path',
    ],
    [
      'a symlink',
      [{ name: 'demo-1.0.0/link', type: 'symlink', linkname: '/etc/passwd' }],
      'CRATE_ENTRY_TYPE',
      'is a symlink',
    ],
    [
      'a hard link',
      [{ name: 'demo-1.0.0/hard', type: 'link', linkname: 'demo-1.0.0/Cargo.toml' }],
      'CRATE_ENTRY_TYPE',
      'is a link',
    ],
    [
      'a device',
      [{ name: 'demo-1.0.0/dev', type: 'character-device' }],
      'CRATE_ENTRY_TYPE',
      'is a character-device',
    ],
    ['a fifo', [{ name: 'demo-1.0.0/fifo', type: 'fifo' }], 'CRATE_ENTRY_TYPE', 'is a fifo'],
    [
      'no manifest',
      [{ name: 'demo-1.0.0/src/lib.rs', content: '' }],
      'CRATE_NO_MANIFEST',
      'no demo-1.0.0/Cargo.toml',
    ],
    [
      'a manifest in a subdirectory only',
      [{ name: 'demo-1.0.0/sub/Cargo.toml', content: MANIFEST }],
      'CRATE_NO_MANIFEST',
      'no demo-1.0.0/Cargo.toml',
    ],
  ])('refuses %s with a reason', async (_label, entries, code, reason) => {
    const error = await refusal(await makeCrate([...typicalEntries().slice(0, 2), ...entries]));
    expect(error.code).toBe(code);
    expect(error.crate).toBe('demo-1.0.0');
    expect(error.message).toContain(reason);
  });

  it('refuses a hostile entry even after the manifest was found', async () => {
    const entries = [
      ...typicalEntries(),
      { name: 'demo-1.0.0/zz', type: 'symlink' as const, linkname: '../../x' },
    ];
    expect((await refusal(await makeCrate(entries))).code).toBe('CRATE_ENTRY_TYPE');
  });

  it('refuses a gzip bomb: more than max(floor, 20 x compressed size) unpacked', async () => {
    const zeros = Buffer.alloc(4 * 1024 * 1024);
    const bomb = await makeCrate([
      { name: 'demo-1.0.0/Cargo.toml', content: MANIFEST },
      { name: 'demo-1.0.0/zeros', content: zeros },
    ]);
    expect(bomb.length * 20).toBeLessThan(zeros.length);
    const error = await refusal(bomb, { ...demo, maxUnpackSize: 1024 * 1024 });
    expect(error.code).toBe('CRATE_GZIP_BOMB');
    expect(error.message).toContain(`max(${1024 * 1024}, 20 x compressed size)`);
    // The same archive passes under cargo's real floor of 512 MiB.
    expect((await readCrateArchive(bomb, demo)).files).toContain('zeros');
  });

  it('refuses a manifest over the size cap', async () => {
    const big = `${MANIFEST}# ${'x'.repeat(2000)}\n`;
    const error = await refusal(
      await makeCrate([{ name: 'demo-1.0.0/Cargo.toml', content: big }]),
      { ...demo, maxManifestBytes: 1000 },
    );
    expect(error.code).toBe('CRATE_MANIFEST_TOO_LARGE');
  });

  it.each([
    ['truncated gzip', async () => (await makeCrate(typicalEntries())).subarray(0, 60)],
    ['not gzip at all', async () => Buffer.from('this is not a crate')],
    ['gzip of garbage', async () => gzipSync(Buffer.from('garbage'.repeat(200)))],
    ['empty input', async () => Buffer.alloc(0)],
  ])('refuses %s as corrupt', async (_label, make) => {
    const error = await refusal(await make());
    expect(error.code).toBe('CRATE_CORRUPT');
    expect(error.message).toContain('not a valid gzip tar');
  });

  it('accepts the legacy oddities of old crates, and says so', async () => {
    const lower = await readCrateArchive(
      await makeCrate([{ name: 'demo-1.0.0/cargo.toml', content: MANIFEST }]),
      demo,
    );
    expect(lower.manifestName).toBe('cargo.toml');
    const cased = await readCrateArchive(await makeCrate(typicalEntries('Demo-1.0.0')), demo);
    expect(cased).toMatchObject({ root: 'Demo-1.0.0', rootCaseDiffers: true, manifest: MANIFEST });
  });

  it('refuses two roots that differ in case', async () => {
    const entries = [...typicalEntries('Demo-1.0.0'), { name: 'demo-1.0.0/x', content: '' }];
    expect((await refusal(await makeCrate(entries))).code).toBe('CRATE_PATH_OUTSIDE_ROOT');
  });
});
