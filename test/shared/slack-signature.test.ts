import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { header, signSlackRequest, verifySlackSignature } from '../../lambdas/shared/slack-signature.ts';

const SECRET = 'test-signing-secret';
const NOW = 1_795_424_400_000;
const ts = String(NOW / 1000);
const body = 'payload=%7B%22type%22%3A%22block_actions%22%7D';

describe('verifySlackSignature', () => {
  it('computes v0 = HMAC-SHA256 of "v0:timestamp:body" as Slack documents', () => {
    // Act
    const signature = signSlackRequest(SECRET, ts, body);
    // Assess
    expect(signature).toBe(`v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`);
  });

  it('accepts a correct signature', () => {
    expect(
      verifySlackSignature(
        SECRET,
        { timestamp: ts, signature: signSlackRequest(SECRET, ts, body), rawBody: body },
        NOW,
      ),
    ).toEqual({ ok: true });
  });

  it.each([
    [300, true],
    [-300, true],
    [301, false],
    [-301, false],
  ])('with the request %i s away from now, accepts: %s', (offset, ok) => {
    // Prepare
    const t = String(NOW / 1000 + offset);
    // Act
    const check = verifySlackSignature(
      SECRET,
      { timestamp: t, signature: signSlackRequest(SECRET, t, body), rawBody: body },
      NOW,
    );
    // Assess
    expect(check.ok).toBe(ok);
  });

  it.each([
    [
      'a signature of another body',
      { signature: signSlackRequest(SECRET, ts, `${body}x`) },
      'signature does not match',
    ],
    [
      'a truncated signature',
      { signature: signSlackRequest(SECRET, ts, body).slice(0, 20) },
      'signature does not match',
    ],
    ['no signature', { signature: undefined }, 'missing X-Slack-Request-Timestamp or X-Slack-Signature'],
    ['a non-numeric timestamp', { timestamp: '12ab' }, 'malformed timestamp'],
  ])('rejects %s with the reason', (_what, change, reason) => {
    // Prepare
    const request = {
      timestamp: ts,
      signature: signSlackRequest(SECRET, ts, body),
      rawBody: body,
      ...change,
    };
    // Act / Assess
    expect(verifySlackSignature(SECRET, request, NOW)).toEqual({ ok: false, reason });
  });
});

describe('header', () => {
  it('finds a header whatever its case', () => {
    expect(header({ 'X-Slack-Signature': 'v0=1' }, 'x-slack-signature')).toBe('v0=1');
    expect(header(undefined, 'x')).toBeUndefined();
  });
});
