import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndexSourceError } from '../errors.js';
import { readCrate, readIndexConfig } from './index-source.js';
import { openIndex } from './open-index.js';
import { SparseIndexSource } from './sparse-index-source.js';
import { FIXTURE_INDEX, tempDir } from '../test-support/git-fixture.js';

/** A static sparse-index server over the fixture, with ETags and a few special statuses. */
describe('sparse index source', () => {
  let server: Server;
  let base: string;
  const log: string[] = [];
  const special: Record<string, number> = {
    '/go/ne/gone': 410,
    '/le/ga/legal': 451,
    '/br/ok/broken': 500,
  };
  let tmp: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    tmp = tempDir();
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const status = special[path];
      if (status) {
        log.push(`${path} ${status}`);
        res.writeHead(status).end();
        return;
      }
      let body: Buffer;
      try {
        body = readFileSync(join(FIXTURE_INDEX, path));
      } catch {
        log.push(`${path} 404`);
        res.writeHead(404).end();
        return;
      }
      // Some servers validate with Last-Modified only: serve one crate that way.
      if (path === '/2/ab') {
        const modified = 'Wed, 01 Jan 2025 00:00:00 GMT';
        const status = req.headers['if-modified-since'] === modified ? 304 : 200;
        log.push(`${path} ${status} lm`);
        res.writeHead(status, { 'last-modified': modified }).end(status === 200 ? body : undefined);
        return;
      }
      const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
      if (req.headers['if-none-match'] === etag) {
        log.push(`${path} 304`);
        res.writeHead(304).end();
        return;
      }
      log.push(`${path} 200 ua=${req.headers['user-agent']}`);
      res.writeHead(200, { etag, 'content-type': 'text/plain' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `sparse+http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    tmp.cleanup();
  });

  it('reads crates and config.json, and revalidates with the cached ETag', async () => {
    const source = await openIndex(base, {
      cacheDir: tmp.path,
      sparse: { headers: { 'user-agent': 'lcs-test (ops@example.com)' } },
    });
    expect(source).toBeInstanceOf(SparseIndexSource);
    log.length = 0;
    const first = await readCrate(source, 'Inflector');
    const again = await readCrate(source, 'inflector');
    expect(first?.entries[0]?.name).toBe('Inflector');
    expect(again).toEqual(first);
    expect(log).toEqual([
      '/in/fl/inflector 200 ua=lcs-test (ops@example.com)',
      '/in/fl/inflector 304',
    ]);
    expect((await readIndexConfig(source))?.dl).toBe('https://crates.io/api/v1/crates');
  });

  it('revalidates with Last-Modified when the server sends no ETag', async () => {
    const source = new SparseIndexSource(base, { cacheDir: tmp.path });
    log.length = 0;
    const first = await readCrate(source, 'ab');
    const again = await readCrate(source, 'ab');
    expect(first?.entries[0]?.name).toBe('ab');
    expect(again).toEqual(first);
    expect(log).toEqual(['/2/ab 200 lm', '/2/ab 304 lm']);
  });

  it('without a cache directory, always fetches in full', async () => {
    const source = new SparseIndexSource(base);
    log.length = 0;
    await readCrate(source, 'ab');
    await readCrate(source, 'ab');
    expect(log).toEqual(['/2/ab 200 lm', '/2/ab 200 lm']);
  });

  it('treats 404, 410 and 451 as "no such crate", as cargo does', async () => {
    const source = new SparseIndexSource(base);
    expect(await readCrate(source, 'nothere')).toBeUndefined();
    expect(await readCrate(source, 'gone')).toBeUndefined();
    expect(await readCrate(source, 'legal')).toBeUndefined();
  });

  it('fails with a typed error naming the URL on other statuses', async () => {
    const source = new SparseIndexSource(base);
    const error = await readCrate(source, 'broken').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IndexSourceError);
    expect((error as IndexSourceError).input).toMatch(/\/br\/ok\/broken$/);
    expect((error as Error).message).toContain('HTTP 500');
  });

  it('fails with a typed error when the server cannot be reached', async () => {
    const source = new SparseIndexSource('sparse+http://127.0.0.1:9/');
    await expect(readCrate(source, 'serde')).rejects.toBeInstanceOf(IndexSourceError);
  });
});
