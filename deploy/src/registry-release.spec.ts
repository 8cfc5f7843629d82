/**
 * The libraries as another team gets them: `nx release publish` puts every lib on a real npm
 * registry on loopback (verdaccio), then a fresh project outside the workspace, whose only registry
 * is that one, installs **one** lib by name, compiles a usage with `tsc` (nodenext, strict,
 * `skipLibCheck: false`) and runs it. Its `@lcs/*` dependencies come from the registry with caret
 * ranges (no `*`, so nothing is taken from the public registry), and nothing else of the workspace
 * is needed. Then the libs install beside the newest published versions of their third-party
 * peers (the registry proxies the public one for all but `@lcs`): ranges, not pins.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileAndRun } from '../../tools/pack-and-import.mjs';
import { cleanNpmEnv, startVerdaccio, type Verdaccio } from '../../tools/test-servers/index.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
let registry: Verdaccio;
let work: string;
/** Set by the publishing test, which the install tests need. */
let libsPublished = false;
beforeAll(async () => {
  registry = await startVerdaccio();
  work = mkdtempSync(join(tmpdir(), 'lcs-release-'));
}, 60_000);
afterAll(async () => {
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    env: cleanNpmEnv({ npm_config_userconfig: join(cwd, '.npmrc') }),
  });

describe('the libraries on an npm registry', () => {
  it('publish with nx release, and one lib installs by name from that registry alone, compiles and runs', () => {
    const publisher = join(work, 'publisher');
    mkdirSync(publisher);
    registry.npmrc(publisher);
    const published = execFileSync(
      'npx',
      ['nx', 'release', 'publish', `--registry=${registry.url}`, '--output-style=static'],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: cleanNpmEnv({ NX_DAEMON: 'false', npm_config_userconfig: join(publisher, '.npmrc') }),
      },
    );
    // Every lib of libs/ (the release group is libs/*) is on the registry at its version: asked
    // of the registry itself, not counted in nx's output (a count of its "Published to" lines came
    // out one short in one CI pass, with nx exiting 0).
    const libs = readdirSync(join(ROOT, 'libs'))
      .filter((d) => existsSync(join(ROOT, 'libs', d, 'package.json')))
      .map(
        (d) =>
          JSON.parse(readFileSync(join(ROOT, 'libs', d, 'package.json'), 'utf8')) as {
            name: string;
            version: string;
          },
      );
    expect(libs.length).toBeGreaterThan(5);
    for (const lib of libs) {
      const version = JSON.parse(
        npm(['view', `${lib.name}@${lib.version}`, 'version', '--json'], publisher),
      ) as string;
      expect(version, `${lib.name}; nx release said:\n${published}`).toBe(lib.version);
    }

    const consumer = join(work, 'consumer');
    mkdirSync(consumer);
    registry.npmrc(consumer);
    writeFileSync(
      join(consumer, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    );
    npm(
      ['install', '--no-audit', '--no-fund', '--ignore-scripts', '@lcs/augmented-index'],
      consumer,
    );
    const lock = JSON.parse(readFileSync(join(consumer, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version: string; integrity: string }>;
    };
    const lcs = Object.entries(lock.packages).filter(([path]) =>
      path.includes('node_modules/@lcs/'),
    );
    // The lib and the @lcs libs it depends on, every one from the internal registry.
    expect(lcs.map(([path]) => path.replace(/^.*node_modules\//, '')).sort()).toEqual([
      '@lcs/augmented-index',
      '@lcs/cargo-manifest',
      '@lcs/index-reader',
      '@lcs/internal',
    ]);
    // Each is the very tarball the internal registry holds (the scope is never proxied upstream).
    for (const [path, entry] of lcs) {
      const name = path.replace(/^.*node_modules\//, '');
      const integrity = JSON.parse(
        npm(['view', `${name}@${entry.version}`, 'dist.integrity', '--json'], consumer),
      ) as string;
      expect(entry.integrity, name).toBe(integrity);
    }

    const output = compileAndRun(
      consumer,
      `import { AUGMENTED_SCHEMA, formatEntry, PENDING_PATH } from '@lcs/augmented-index';
import { indexPath } from '@lcs/index-reader';
console.log([AUGMENTED_SCHEMA > 0, PENDING_PATH, indexPath('Serde'), typeof formatEntry].join(' '));
`,
    );
    expect(output.trim()).toBe('true .ais/pending se/rd/serde function');
    libsPublished = true;
  }, 300_000);

  /** The lowest version a range of the libs' manifests allows (`^3.1173.0` gives 3.1173.0). */
  const lowest = (pkg: string, dep: string) => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'libs', pkg, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
    };
    const range = manifest.peerDependencies?.[dep] ?? manifest.dependencies?.[dep] ?? '';
    expect(range, `${pkg}: ${dep}`).toMatch(/^\^\d+\.\d+\.\d+$/);
    return range.slice(1);
  };

  it.each(['newest', 'oldest'] as const)(
    'install beside the %s versions of their peers that the ranges allow, with one zod in the tree',
    (which) => {
      expect(libsPublished, 'published by the test above').toBe(true);
      const consumer = join(work, `${which}-peers`);
      mkdirSync(consumer);
      registry.npmrc(consumer);
      writeFileSync(
        join(consumer, 'package.json'),
        JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
      );
      // Newest: what the registry (a proxy of the public one for all but @lcs) says, which a pinned
      // peer made an ERESOLVE. Oldest: the floor of each range, so the ranges claim no more than
      // what is tested.
      const peers = ['@aws-sdk/client-s3', 'etcd3', 'zod'];
      const versions = Object.fromEntries(
        peers.map((p) => [
          p,
          which === 'newest'
            ? (JSON.parse(npm(['view', p, 'version', '--json'], consumer)) as string)
            : lowest(p === 'zod' ? 'snapshot' : 'crate-store', p),
        ]),
      );
      npm(
        [
          'install',
          '--no-audit',
          '--no-fund',
          '--ignore-scripts',
          '@lcs/crate-store',
          '@lcs/snapshot',
          ...peers.map((p) => `${p}@${versions[p]}`),
        ],
        consumer,
      );
      const lock = JSON.parse(readFileSync(join(consumer, 'package-lock.json'), 'utf8')) as {
        packages: Record<string, { version: string }>;
      };
      for (const p of peers)
        expect(lock.packages[`node_modules/${p}`]?.version, p).toBe(versions[p]);
      // One zod: the libs' range dedupes with the consumer's.
      const zods = Object.keys(lock.packages).filter((path) =>
        /(^|\/)node_modules\/zod$/.test(path),
      );
      expect(zods).toEqual(['node_modules/zod']);
      // The consumer's own S3 client and zod types are the ones the libs' types name.
      const output = compileAndRun(
        consumer,
        `import { S3Client } from '@aws-sdk/client-s3';
import { EtcdMetadataStore } from '@lcs/crate-store';
import { S3CrateStore } from '@lcs/crate-store/s3';
const client = new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', forcePathStyle: true });
const store = new S3CrateStore({ client, bucket: 'crates', prefix: 'p/' });
const meta = new EtcdMetadataStore({ hosts: ['127.0.0.1:9'], prefix: 'lcs/' });
console.log([store.location, meta.location].join(' '));
await meta.close();
client.destroy();
`,
      );
      expect(output.trim()).toBe('s3://crates/p/ etcd://127.0.0.1:9lcs/');
    },
    300_000,
  );
});
