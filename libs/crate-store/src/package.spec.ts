/** The built package works outside the workspace: packed, installed from the tarball, type-checked, imported. */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const TOOL = resolve(import.meta.dirname, '../../../tools/pack-and-import.mjs');

describe('@lcs/crate-store as a published package', () => {
  it('installs from its tarball with its workspace dependencies, type-checks under nodenext and runs', () => {
    const consumer = `
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { openCrateStore, openMetadataStore, crateKey, ChecksumMismatchError, SdkMissingError, type CrateStore, type PutResult } from '@lcs/crate-store';
const store: CrateStore = openCrateStore(mkdtempSync(join(tmpdir(), 'consumer-')));
const body = Buffer.from('crate bytes');
const cksum = createHash('sha256').update(body).digest('hex');
const stored: PutResult = await store.put({ name: 'demo', version: '1.0.0', cksum }, body);
const refused = await store.put({ name: 'demo', version: '2.0.0', cksum }, Buffer.from('other')).catch((e: unknown) => e);
// Without the optional SDKs, the S3 and etcd backends say what to install.
const missing = (f: () => unknown) => { try { f(); return 'loaded'; } catch (e) { return e instanceof SdkMissingError ? e.code + ':' + e.sdk : String(e); } };
console.log([stored.outcome, crateKey({ name: 'demo', version: '1.0.0' }), String(refused instanceof ChecksumMismatchError), missing(() => openCrateStore('s3://bucket')), missing(() => openMetadataStore('etcd://127.0.0.1:2379/x'))].join(' '));
`;
    const { files, output, problems, installed, installedKiB } = JSON.parse(
      execFileSync(process.execPath, [TOOL, resolve(import.meta.dirname, '..')], {
        input: consumer,
        encoding: 'utf8',
      }),
    ) as {
      files: string[];
      output: string;
      problems: string[];
      installed: string[];
      installedKiB: number;
    };
    expect(output.trim()).toBe(
      'stored crates/demo/demo-1.0.0.crate true STORE_SDK_MISSING:@aws-sdk/client-s3 STORE_SDK_MISSING:etcd3',
    );
    // README and LICENSE shipped; no export condition, main, types or source map names a file that is not.
    expect(problems).toEqual([]);
    expect(files).toContain('dist/index.js');
    // A consumer of the filesystem store gets neither the AWS SDK nor etcd3 (optional peers), and
    // still compiles with skipLibCheck: false.
    expect(
      installed.filter((n) => n.startsWith('@aws-sdk/') || n === 'etcd3' || n === '@grpc/grpc-js'),
    ).toEqual([]);
    expect(installed).toContain('@lcs/index-reader');
    console.log(
      `filesystem-only consumer of @lcs/crate-store: ${installed.length} packages, ${(installedKiB / 1024).toFixed(1)} MiB installed`,
    );
    expect(files.filter((f) => f.includes('.spec.') || f.includes('test-support'))).toEqual([]);
  }, 180_000);
});
