/**
 * The read API through a real HTTP server on a random loopback port, on the moving registry:
 * changes with their kinds, mirrored flags and pages; crates at a commit and at a time; the
 * history; 400 naming the parameter, 404, 304 on a matching ETag, the bearer token, the cap on
 * requests in flight.
 */
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSnapshotApi, type SnapshotApiOptions } from './snapshot-api.js';
import type { SnapshotReader } from '../snapshot-reader.js';
import { movingRegistry, type MovingRegistry } from '../test-support/moving-registry.js';

let fx: MovingRegistry;
let reader: SnapshotReader;
const servers: Server[] = [];
beforeAll(async () => {
  fx = await movingRegistry();
  reader = await fx.openReader();
}, 60_000);
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await reader?.close();
  await fx?.stop();
});

async function serve(options: Partial<SnapshotApiOptions> = {}): Promise<string> {
  const api = createSnapshotApi({ reader, ...options });
  const server = createServer((request, response) => {
    void api(request, response).then((handled) => {
      if (!handled) response.writeHead(404).end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface Change {
  kind: string;
  name: string;
  vers: string;
  mirrored: boolean;
}
interface ChangesPage {
  from: string;
  to: string;
  changes: Change[];
  next: string | null;
}
const get = async (url: string, headers: Record<string, string> = {}) => {
  const response = await fetch(url, { headers });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
  };
};
const errorOf = (body: Record<string, unknown> | undefined) =>
  body?.['error'] as { code: string; parameter?: string };

describe('GET /api/v1/changes', () => {
  it('lists what moved from since to the newest snapshot, with kinds and mirrored flags', async () => {
    const base = await serve();
    const { status, body } = await get(`${base}/api/v1/changes?since=${fx.first.commit}`);
    expect(status).toBe(200);
    const page = body as unknown as ChangesPage;
    expect(page).toMatchObject({ from: fx.first.commit, to: fx.second.commit, next: null });
    const byName = (c: Change) => [c.kind, c.name, c.vers, c.mirrored];
    expect(page.changes.map(byName).sort()).toEqual(
      [
        ['Added', fx.published.name, fx.published.vers, true],
        ['Added', fx.unmirrored.name, fx.unmirrored.vers, false],
        ['Yanked', fx.yanked.name, fx.yanked.vers, true],
      ].sort(),
    );
    const none = (await get(`${base}/api/v1/changes?since=${fx.second.commit}`))
      .body as unknown as ChangesPage;
    expect(none).toMatchObject({
      from: fx.second.commit,
      to: fx.second.commit,
      changes: [],
      next: null,
    });
  });

  it('pages with limit and cursor: every change once, the last page without next', async () => {
    const base = await serve();
    const seen: Change[] = [];
    let url = `${base}/api/v1/changes?since=${fx.first.commit}&limit=1`;
    for (let pages = 0; pages < 10; pages++) {
      const page = (await get(url)).body as unknown as ChangesPage;
      expect(page.changes.length).toBeLessThanOrEqual(1);
      seen.push(...page.changes);
      if (!page.next) break;
      url = `${base}/api/v1/changes?since=${fx.first.commit}&limit=1&cursor=${page.next}`;
    }
    expect(seen.map((c) => c.name).sort()).toEqual(
      [fx.published.name, fx.unmirrored.name, fx.yanked.name].sort(),
    );
  });

  it('refuses bad parameters with 400 naming them, and an unknown commit with 404', async () => {
    const base = await serve({ maxPageSize: 50 });
    const cases: [string, string][] = [
      ['', 'since'],
      ['since=HEAD', 'since'],
      [`since=${fx.first.commit}&limit=0`, 'limit'],
      [`since=${fx.first.commit}&limit=51`, 'limit'],
      [`since=${fx.first.commit}&limit=ten`, 'limit'],
      [`since=${fx.first.commit}&cursor=garbage`, 'cursor'],
      [`since=${fx.first.commit}&sinse=1`, 'sinse'],
      [`since=${fx.first.commit}&since=${fx.first.commit}`, 'since'],
    ];
    for (const [query, parameter] of cases) {
      const { status, body } = await get(`${base}/api/v1/changes?${query}`);
      expect([query, status, errorOf(body)]).toEqual([
        query,
        400,
        { code: 'API_BAD_PARAMETER', message: expect.any(String), parameter },
      ]);
    }
    const unknown = await get(`${base}/api/v1/changes?since=${'e'.repeat(40)}`);
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown.body).code).toBe('SNAPSHOT_COMMIT_UNKNOWN');
  });
});

describe('error answers', () => {
  it('never hold a server path or an internal message, and the server is told the whole error', async () => {
    const told: string[] = [];
    const onError = (error: unknown) => void told.push((error as Error).message);
    const base = await serve({ onError });
    const failing = await serve({
      reader: () => Promise.reject(new Error(`ENOENT: open ${fx.sim.indexPath}/.git/HEAD`)),
      onError,
    });
    const e40 = 'e'.repeat(40);
    const urls = [
      `${base}/api/v1/crates/${fx.published.name}?at=${e40}`,
      `${base}/api/v1/crates/${fx.published.name}?at=refs/heads/nope`,
      `${base}/api/v1/crates/${fx.published.name}?at=1999-01-01T00:00:00Z`,
      `${base}/api/v1/crates/${fx.published.name}?at=not-a-point`,
      `${base}/api/v1/crates/no-such-crate-here`,
      `${base}/api/v1/changes?since=${e40}`,
      `${base}/api/v1/snapshots?at=${e40}`,
      `${base}/api/v1/nothing`,
      `${failing}/api/v1/crates/${fx.published.name}`,
    ];
    const secrets = [fx.dir, fx.sim.root, fx.sim.indexPath, tmpdir(), '/.git', 'ENOENT'];
    for (const url of urls) {
      const response = await fetch(url);
      const text = await response.text();
      expect(response.status, url).toBeGreaterThanOrEqual(400);
      for (const secret of secrets)
        expect([url, text]).not.toEqual([url, expect.stringContaining(secret)]);
    }
    const unknown = await get(urls[0] ?? '');
    // What the client sent is echoed; nothing else.
    expect(errorOf(unknown.body)).toMatchObject({
      code: 'SNAPSHOT_COMMIT_UNKNOWN',
      message: `${e40}: not a commit of the index`,
    });
    expect(told.some((m) => m.includes(fx.sim.indexPath))).toBe(true);
  });
});

describe('GET /api/v1/crates/{name}', () => {
  it('answers at the newest snapshot, at a commit and at a time, with merged and flagged versions', async () => {
    const base = await serve();
    const latest = await get(`${base}/api/v1/crates/${fx.published.name}`);
    expect(latest.status).toBe(200);
    expect(latest.body).toMatchObject({
      name: fx.published.name,
      snapshot: { commit: fx.second.commit, time: new Date(fx.second.time * 1000).toISOString() },
    });
    const versions = latest.body?.['versions'] as {
      vers: string;
      mirrored: boolean;
      augmented: boolean;
      dev_deps?: unknown[];
    }[];
    expect(versions.find((v) => v.vers === fx.published.vers)).toMatchObject({
      mirrored: true,
      augmented: true,
      dev_deps: [expect.objectContaining({ name: fx.yanked.name, kind: 'dev' })],
    });

    const between = new Date((fx.first.time + 1800) * 1000).toISOString();
    for (const at of [fx.first.commit, between]) {
      const old = await get(
        `${base}/api/v1/crates/${fx.published.name}?at=${encodeURIComponent(at)}`,
      );
      expect(old.body).toMatchObject({ snapshot: { commit: fx.first.commit } });
      expect((old.body?.['versions'] as { vers: string }[]).map((v) => v.vers)).not.toContain(
        fx.published.vers,
      );
    }
    const fresh = await get(`${base}/api/v1/crates/${fx.unmirrored.name}`);
    expect(fresh.body?.['versions']).toEqual([
      expect.objectContaining({ vers: fx.unmirrored.vers, mirrored: false, augmented: false }),
    ]);
  });

  it('answers 404 for an unknown crate or time, 400 for a bad name or at, 304 for a matching ETag', async () => {
    const base = await serve();
    const missing = await get(`${base}/api/v1/crates/no-such-crate`);
    expect([missing.status, errorOf(missing.body)]).toEqual([
      404,
      expect.objectContaining({ code: 'API_CRATE_NOT_FOUND', parameter: 'name' }),
    ]);
    expect(
      (await get(`${base}/api/v1/crates/${fx.unmirrored.name}?at=${fx.first.commit}`)).status,
    ).toBe(404);
    const early = await get(`${base}/api/v1/crates/${fx.published.name}?at=2001-01-01T00:00:00Z`);
    expect([early.status, errorOf(early.body).code]).toEqual([404, 'SNAPSHOT_NOT_FOUND']);
    for (const [path, parameter] of [
      ['bad%20name', 'name'],
      ['%E0%A4%A', 'name'],
      [`${fx.published.name}?at=yesterday`, 'at'],
      [`${fx.published.name}?at=2019-11-10`, 'at'],
    ]) {
      const { status, body } = await get(`${base}/api/v1/crates/${path}`);
      expect([path, status, errorOf(body).parameter]).toEqual([path, 400, parameter]);
    }
    const first = await get(`${base}/api/v1/crates/${fx.published.name}?at=${fx.first.commit}`);
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const again = await get(`${base}/api/v1/crates/${fx.published.name}?at=${fx.first.commit}`, {
      'if-none-match': etag,
    });
    expect([again.status, again.body, again.headers.get('etag')]).toEqual([304, undefined, etag]);
    const other = await get(`${base}/api/v1/crates/${fx.published.name}`, {
      'if-none-match': etag,
    });
    expect(other.status).toBe(200);
  });
});

describe('GET /api/v1/snapshots', () => {
  it('lists the history newest first, by pages, and from a time', async () => {
    const base = await serve();
    const all = await get(`${base}/api/v1/snapshots`);
    expect(all.body).toEqual({
      snapshots: [
        {
          commit: fx.second.commit,
          time: new Date(fx.second.time * 1000).toISOString(),
          mirrored_at: expect.any(String),
          missing: 1,
        },
        {
          commit: fx.first.commit,
          time: new Date(fx.first.time * 1000).toISOString(),
          mirrored_at: expect.any(String),
          missing: 0,
        },
      ],
      next: null,
    });
    const page1 = (await get(`${base}/api/v1/snapshots?limit=1`)).body as {
      snapshots: { commit: string }[];
      next: string;
    };
    const page2 = (await get(`${base}/api/v1/snapshots?limit=1&cursor=${page1.next}`)).body as {
      snapshots: { commit: string }[];
      next: string | null;
    };
    expect([page1.snapshots[0]?.commit, page2.snapshots[0]?.commit, page2.next]).toEqual([
      fx.second.commit,
      fx.first.commit,
      null,
    ]);
    const between = new Date((fx.first.time + 1800) * 1000).toISOString();
    const old = (await get(`${base}/api/v1/snapshots?at=${between}`)).body as {
      snapshots: { commit: string }[];
    };
    expect(old.snapshots.map((s) => s.commit)).toEqual([fx.first.commit]);
    const fromCommit = (await get(`${base}/api/v1/snapshots?at=${fx.first.commit}`)).body as {
      snapshots: { commit: string }[];
    };
    expect(fromCommit.snapshots.map((s) => s.commit)).toEqual([fx.first.commit]);
    const never = await get(`${base}/api/v1/snapshots?at=${'d'.repeat(40)}`);
    expect([never.status, errorOf(never.body).code]).toEqual([404, 'SNAPSHOT_NOT_FOUND']);
  });
});

describe('the API as a shared service', () => {
  it('needs the bearer token when one is set', async () => {
    const token = 'api-token-0123456789abcdef';
    const base = await serve({ token });
    const none = await get(`${base}/api/v1/snapshots`);
    expect([none.status, errorOf(none.body).code, none.headers.get('www-authenticate')]).toEqual([
      401,
      'API_UNAUTHORIZED',
      'Bearer realm="lcs"',
    ]);
    expect((await get(`${base}/api/v1/snapshots`, { authorization: 'Bearer wrong' })).status).toBe(
      401,
    );
    expect(
      (await get(`${base}/api/v1/snapshots`, { authorization: `Bearer ${token}` })).status,
    ).toBe(200);
  });

  it('answers 503 with Retry-After beyond the requests in flight, and 405 to a write', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const base = await serve({
      maxConcurrent: 1,
      reader: async () => {
        await held;
        return reader;
      },
    });
    const slow = get(`${base}/api/v1/snapshots`);
    await new Promise((r) => setTimeout(r, 100));
    const busy = await get(`${base}/api/v1/snapshots`);
    expect([busy.status, errorOf(busy.body).code, busy.headers.get('retry-after')]).toEqual([
      503,
      'API_BUSY',
      '1',
    ]);
    release();
    expect((await slow).status).toBe(200);
    expect((await get(`${base}/api/v1/snapshots`)).status).toBe(200);
    const post = await fetch(`${base}/api/v1/snapshots`, { method: 'POST' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });
});
