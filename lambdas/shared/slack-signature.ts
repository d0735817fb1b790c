/**
 * Slack request signing, v0: https://api.slack.com/authentication/verifying-requests-from-slack
 * signature = "v0=" + hex(HMAC-SHA256(signing secret, "v0:" + timestamp + ":" + raw body)),
 * rejected when the timestamp is more than five minutes from now (either way), compared in constant time.
 * A pure function: the clock and the secret are arguments.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const MAX_SKEW_S = 5 * 60;

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export interface SignedRequest {
  /** X-Slack-Request-Timestamp */
  timestamp: string | undefined;
  /** X-Slack-Signature */
  signature: string | undefined;
  /** The body exactly as Slack sent it (base64-decoded if API Gateway encoded it). */
  rawBody: string;
}

export function signSlackRequest(secret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

export function verifySlackSignature(secret: string, request: SignedRequest, nowMs: number): SignatureCheck {
  const { timestamp, signature, rawBody } = request;
  if (!timestamp || !signature)
    return { ok: false, reason: 'missing X-Slack-Request-Timestamp or X-Slack-Signature' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed timestamp' };
  const skew = Math.abs(Math.floor(nowMs / 1000) - Number(timestamp));
  if (skew > MAX_SKEW_S)
    return { ok: false, reason: `timestamp is ${skew} s away from now (limit ${MAX_SKEW_S} s)` };
  const expected = Buffer.from(signSlackRequest(secret, timestamp, rawBody), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'signature does not match' };
  }
  return { ok: true };
}

/** Header lookup that ignores case, as HTTP requires and API Gateway does not guarantee. */
export function header(
  headers: Record<string, string | undefined> | undefined,
  name: string,
): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}
