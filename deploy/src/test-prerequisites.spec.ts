/**
 * `npm test` on a machine that lacks a server or tool stops at once and names each missing one with
 * the command that installs it (as root with apt-get it installs them instead).
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureTestPrerequisites as check } from '../../tools/test-prerequisites.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const bin = mkdtempSync(join(tmpdir(), 'lcs-prereq-'));
afterAll(() => rmSync(bin, { recursive: true, force: true }));

describe('test prerequisites', () => {
  it('name every missing tool with how to install it, installing nothing when not allowed', () => {
    // A PATH with git only: etcd, promtool, the Pushgateway and cargo are missing.
    symlinkSync('/usr/bin/git', join(bin, 'git'));
    const problems = check(ROOT, { env: { PATH: bin }, install: false });
    expect(problems.filter((p) => !p.includes('debian-crates') && !p.includes('.bundle'))).toEqual([
      'etcd: not found; install it with `sudo apt-get install -y etcd-server`',
      'promtool: not found; install it with `sudo apt-get install -y prometheus`',
      'prometheus-pushgateway: not found; install it with `sudo apt-get install -y prometheus-pushgateway`',
      'cargo: not found; the manifest conformance tests compare with `cargo metadata`: install Rust from https://rustup.rs',
    ]);
  });

  it('find nothing missing on this machine, where every test runs', () => {
    expect(check(ROOT, { env: process.env, install: false })).toEqual([]);
  });
});
