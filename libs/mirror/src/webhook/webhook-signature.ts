/**
 * GitHub-style webhook signatures: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`
 * (https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries), compared in
 * constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header value a sender computes for `body` with `secret`. */
export function signBody(secret: string, body: Uint8Array | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Whether `header` is the signature of `body` under `secret`; false for a missing or malformed header. */
export function verifySignature(
  secret: string,
  body: Uint8Array | string,
  header: string | undefined,
): boolean {
  if (!header || !/^sha256=[0-9a-f]{64}$/i.test(header)) return false;
  const expected = Buffer.from(signBody(secret, body).slice('sha256='.length), 'hex');
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
