/**
 * The HTTP plumbing of the read API: JSON bodies with an ETag, `If-None-Match` (RFC 9110 §13.1.2),
 * errors as `{"error": {"code", "message", "parameter"}}`, the bearer token (RFC 6750), and the
 * security headers the webhook server also sends.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

/** A refusal of the API: status, a stable code, and the parameter at fault. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly parameter?: string,
    readonly headers: Record<string, string> = {},
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ApiProblem';
  }
}

/** A 400 naming the query parameter (or path segment) at fault. */
export function badParameter(parameter: string, message: string): ApiProblem {
  return new ApiProblem(400, 'API_BAD_PARAMETER', message, parameter);
}

/** `true` when `If-None-Match` lists `etag` (weak comparison, as RFC 9110 asks for it). */
function matches(request: IncomingMessage, etag: string): boolean {
  const header = request.headers['if-none-match'];
  if (!header) return false;
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}

/** Sends `body` as JSON; `tagged` adds an ETag (a hash of the body) and answers 304 on a match. */
export function sendJson(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  body: unknown,
  options: { tagged?: boolean; headers?: Record<string, string> } = {},
): void {
  const text = `${JSON.stringify(body)}\n`;
  const headers: Record<string, string> = {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    ...options.headers,
  };
  if (options.tagged) {
    const etag = `"${createHash('sha256').update(text).digest('hex').slice(0, 32)}"`;
    Object.assign(headers, { etag, 'cache-control': 'no-cache' });
    if (matches(request, etag)) {
      response.writeHead(304, headers);
      response.end();
      return;
    }
  } else headers['cache-control'] = 'no-store';
  headers['content-length'] = String(Buffer.byteLength(text));
  response.writeHead(status, headers);
  response.end(request.method === 'HEAD' ? undefined : text);
}

/** Sends a problem as the API's error body. */
export function sendProblem(
  request: IncomingMessage,
  response: ServerResponse,
  problem: ApiProblem,
): void {
  sendJson(
    request,
    response,
    problem.status,
    {
      error: {
        code: problem.code,
        message: problem.message,
        ...(problem.parameter ? { parameter: problem.parameter } : {}),
      },
    },
    { headers: problem.headers },
  );
}

/** Checks `Authorization: Bearer <token>` in constant time; throws a 401 otherwise. */
export function checkBearer(request: IncomingMessage, token: string): void {
  const header = request.headers.authorization ?? '';
  const given = /^Bearer (.+)$/i.exec(header)?.[1] ?? '';
  const digest = (text: string) => createHash('sha256').update(text).digest();
  if (!given || !timingSafeEqual(digest(given), digest(token)))
    throw new ApiProblem(
      401,
      'API_UNAUTHORIZED',
      given ? 'the bearer token is not valid' : 'an Authorization: Bearer token is required',
      undefined,
      { 'www-authenticate': 'Bearer realm="lcs"' },
    );
}

/** The query of `url`, refusing parameters the route does not know and repeated ones. */
export function queryOf(url: URL, known: readonly string[]): Map<string, string> {
  const query = new Map<string, string>();
  for (const [key, value] of url.searchParams) {
    if (!known.includes(key))
      throw badParameter(
        key,
        `unknown parameter ${key} (this route takes ${known.join(', ') || 'none'})`,
      );
    if (query.has(key)) throw badParameter(key, `parameter ${key} is given twice`);
    query.set(key, value);
  }
  return query;
}

/** Reads `limit`: an integer from 1 to `max`, `fallback` when absent. */
export function limitOf(query: Map<string, string>, fallback: number, max: number): number {
  const text = query.get('limit');
  if (text === undefined) return Math.min(fallback, max);
  const value = /^\d{1,7}$/.test(text) ? Number(text) : NaN;
  if (!(value >= 1 && value <= max))
    throw badParameter(
      'limit',
      `limit must be an integer from 1 to ${max}, got ${JSON.stringify(text)}`,
    );
  return value;
}

/** A page cursor: base64url of a small JSON object. */
export function encodeCursor(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Decodes a page cursor; a 400 naming `cursor` when it is not one this API wrote. */
export function decodeCursor<T>(text: string, check: (value: unknown) => value is T): T {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (check(value)) return value;
  } catch {
    // Fall through to the 400.
  }
  throw badParameter('cursor', 'cursor is not one this API returned');
}
