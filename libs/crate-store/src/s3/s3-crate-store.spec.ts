/**
 * Behaviours s3rver does not have, checked against a small fake S3 over real HTTP: conditional
 * puts (`If-None-Match: *` answered with 412), the sha256 header the server verifies, no aws-chunked
 * CRC trailers, bucket paths without a trailing slash, and retries on 503 SlowDown and 500.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StoreFailedError } from '../errors.js';
import { createS3Client } from './s3-client.js';
import { S3CrateStore, type S3CrateStoreOptions } from './s3-crate-store.js';
import { SpooledBody } from './spooled-body.js';
import { all, chunked, crateWithBody } from '../test-support/crates.js';

interface Seen {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

const objects = new Map<string, Buffer>();
const seen: Seen[] = [];
let failures: Array<{ status: number; code: string }> = [];
let server: Server;
let endpoint: string;

function xmlError(code: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      seen.push({ method: req.method ?? '', path: url.pathname, headers: req.headers });
      const failure = failures.shift();
      if (failure) {
        res
          .writeHead(failure.status, { 'content-type': 'application/xml' })
          .end(xmlError(failure.code));
        return;
      }
      const key = decodeURIComponent(url.pathname);
      const body = Buffer.concat(chunks);
      if (req.method === 'PUT') {
        if (req.headers['if-none-match'] === '*' && objects.has(key)) {
          res
            .writeHead(412, { 'content-type': 'application/xml' })
            .end(xmlError('PreconditionFailed'));
          return;
        }
        const sha = req.headers['x-amz-checksum-sha256'];
        if (sha !== undefined && sha !== createHash('sha256').update(body).digest('base64')) {
          res.writeHead(400, { 'content-type': 'application/xml' }).end(xmlError('BadDigest'));
          return;
        }
        objects.set(key, body);
        res.writeHead(200, { etag: '"x"' }).end();
        return;
      }
      if (req.method === 'GET' && url.searchParams.get('list-type') === '2') {
        res
          .writeHead(200, { 'content-type': 'application/xml' })
          .end(
            `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><IsTruncated>false</IsTruncated>${[
              ...objects.keys(),
            ]
              .map(
                (k) =>
                  `<Contents><Key>${k.split('/').slice(2).join('/')}</Key><Size>${objects.get(k)?.length}</Size></Contents>`,
              )
              .join('')}</ListBucketResult>`,
          );
        return;
      }
      res.writeHead(404, { 'content-type': 'application/xml' }).end(xmlError('NoSuchKey'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  objects.clear();
  seen.length = 0;
  failures = [];
});

function store(options: Partial<S3CrateStoreOptions> = {}): S3CrateStore {
  const client = createS3Client({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'k', secretAccessKey: 's' },
    maxAttempts: 3,
  });
  return new S3CrateStore({ client, bucket: 'crates', ...options });
}

describe('S3CrateStore against a fake S3', () => {
  it('sends one PUT with If-None-Match and the sha256 of the body, without aws-chunked trailers', async () => {
    const { crate, body } = crateWithBody('serde', '1.0.0', 3000);
    expect(await store().put(crate, body)).toMatchObject({ outcome: 'stored', bytes: 3000 });
    const puts = seen.filter((s) => s.method === 'PUT');
    expect(puts).toHaveLength(1);
    const headers = puts[0]?.headers ?? {};
    expect(puts[0]?.path).toBe('/crates/crates/serde/serde-1.0.0.crate');
    expect(headers['if-none-match']).toBe('*');
    expect(headers['x-amz-checksum-sha256']).toBe(
      Buffer.from(crate.cksum, 'hex').toString('base64'),
    );
    expect(headers['content-encoding']).toBeUndefined();
    expect(headers['x-amz-trailer']).toBeUndefined();
    expect(headers['x-amz-checksum-crc32']).toBeUndefined();
  });

  it('treats 412 Precondition Failed as already stored and keeps the first object', async () => {
    const { crate, body } = crateWithBody('serde', '1.0.1');
    await store().put(crate, body);
    expect(await store().put(crate, body)).toMatchObject({ outcome: 'exists', bytes: 0 });
    expect(objects.get('/crates/crates/serde/serde-1.0.1.crate')?.equals(body)).toBe(true);
  });

  it('retries 503 SlowDown and 500 with backoff, then stores', async () => {
    failures = [
      { status: 503, code: 'SlowDown' },
      { status: 500, code: 'InternalError' },
    ];
    const { crate, body } = crateWithBody('retry', '1.0.0');
    expect(await store().put(crate, body)).toMatchObject({ outcome: 'stored' });
    expect(seen.filter((s) => s.method === 'PUT')).toHaveLength(3);
  });

  it('gives up after maxAttempts with STORE_FAILED naming the key, storing nothing', async () => {
    failures = Array.from({ length: 3 }, () => ({ status: 503, code: 'SlowDown' }));
    const { crate, body } = crateWithBody('down', '1.0.0');
    const error = await store()
      .put(crate, body)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreFailedError);
    expect((error as StoreFailedError).code).toBe('STORE_FAILED');
    expect((error as StoreFailedError).input).toBe('s3://crates/crates/down/down-1.0.0.crate');
    expect(objects.size).toBe(0);
  });

  it('spools a large body to a file, sends it streamed, retries with a fresh stream, and removes the file', async () => {
    const spoolDir = mkdtempSync(join(tmpdir(), 'lcs-spool-'));
    try {
      failures = [{ status: 503, code: 'SlowDown' }];
      const { crate, body } = crateWithBody('big', '1.0.0', 300_000);
      const big = store({ spoolThresholdBytes: 64 * 1024, spoolDir });
      expect(await big.put(crate, chunked(body, 16 * 1024))).toMatchObject({
        outcome: 'stored',
        bytes: 300_000,
      });
      const puts = seen.filter((s) => s.method === 'PUT');
      expect(puts).toHaveLength(2);
      expect(puts[1]?.headers['content-length']).toBe('300000');
      expect(objects.get('/crates/crates/big/big-1.0.0.crate')?.equals(body)).toBe(true);
      expect(readdirSync(spoolDir)).toEqual([]);
    } finally {
      rmSync(spoolDir, { recursive: true, force: true });
    }
  });

  it('sweeps the spool file of a put killed mid-body, and keeps a live one', async () => {
    const spoolDir = mkdtempSync(join(tmpdir(), 'lcs-spool-'));
    try {
      // The child spools half a body through the store's own spool code, says so, and waits.
      const writer = `
        const { SpooledBody } = await import(process.argv[1]);
        const spool = new SpooledBody(0, process.argv[2]);
        await spool.add(Buffer.alloc(64 * 1024, 1));
        process.stdout.write('spooling\\n');
        await new Promise(() => {});
      `;
      const dist = resolve(import.meta.dirname, '../../dist/s3/spooled-body.js');
      const child = spawn(process.execPath, ['--input-type=module', '-e', writer, dist, spoolDir], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((res, rej) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('spooling') && res());
        child.once('exit', (code) => rej(new Error(`writer exited early with ${code}`)));
      });
      child.kill('SIGKILL');
      await new Promise((res) => child.once('exit', res));
      const live = new SpooledBody(0, spoolDir);
      await live.add(Buffer.alloc(1024));
      expect(readdirSync(spoolDir)).toHaveLength(2);
      expect(await store({ spoolDir }).sweepTemporary({ olderThanMs: 3_600_000 })).toEqual({
        removed: 1,
        kept: 1,
      });
      await live.dispose();
      expect(readdirSync(spoolDir)).toEqual([]);
    } finally {
      rmSync(spoolDir, { recursive: true, force: true });
    }
  });

  it('lists with the bucket path /crates, not /crates/', async () => {
    const { crate, body } = crateWithBody('listed', '1.0.0');
    await store().put(crate, body);
    const listed = await all(store().list());
    expect(listed.map((c) => c.key)).toEqual(['crates/listed/listed-1.0.0.crate']);
    const list = seen.find((s) => s.method === 'GET');
    expect(list?.path).toBe('/crates');
  });
});
