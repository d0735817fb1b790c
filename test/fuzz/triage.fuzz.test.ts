/**
 * Property-based tests over triage requests: arbitrary bodies and headers, signed or not, never crash the handler
 * and never produce a 5xx for a client mistake.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InProcessJobs } from '../../lambdas/adapters/jobs.ts';
import { signSlackRequest } from '../../lambdas/shared/slack-signature.ts';
import { createTriageHandler } from '../../lambdas/triage/handler.ts';
import type { SlackBinding } from '../../lambdas/triage/slack-binding.ts';
import { fakeDeps } from '../fakes/route-deps.ts';

const SECRET = 'fuzz-signing-secret';
const RUNS = { numRuns: 300, seed: 20261123 };

function handler(slackBinding?: SlackBinding) {
  const deps = fakeDeps();
  const jobs = new InProcessJobs(async () => {}, { clock: deps.clock });
  return createTriageHandler(() => ({ ...deps, jobs, signingSecret: async () => SECRET, slackBinding }));
}

/** The signing time of the fake clock the handler verifies against. */
const now = () => String(Math.floor(fakeDeps().clock.now() / 1000));

describe('triage under arbitrary requests', () => {
  it('unsigned garbage: 401 or 413, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(fc.string({ maxLength: 2000 })),
        fc.dictionary(fc.string({ maxLength: 30 }), fc.string({ maxLength: 80 })),
        fc.boolean(),
        async (body, headers, isBase64Encoded) => {
          const res = await handler()({ body, headers, isBase64Encoded });
          expect([401, 413]).toContain(res.statusCode);
        },
      ),
      RUNS,
    );
  });

  it('correctly signed garbage: a 4xx with a reason, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 500 }),
          fc.jsonValue().map((v) => `payload=${encodeURIComponent(JSON.stringify(v) ?? '')}`),
        ),
        async (body) => {
          const ts = now();
          const res = await handler()({
            body,
            headers: {
              'x-slack-request-timestamp': ts,
              'x-slack-signature': signSlackRequest(SECRET, ts, body),
            },
          });
          expect(res.statusCode).toBe(400);
          expect(res.body.length).toBeGreaterThan(0);
        },
      ),
      RUNS,
    );
  });

  it('correctly signed block_actions with arbitrary users and values: 200 (refused politely) or 400', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 40 }),
        fc.string({ maxLength: 300 }),
        fc.constantFrom('dispatch_yes', 'dispatch_no', 'other'),
        async (user, value, action) => {
          const payload = {
            type: 'block_actions',
            user: { id: user },
            actions: [{ action_id: action, value }],
          };
          const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
          const ts = now();
          const res = await handler()({
            body,
            headers: {
              'x-slack-request-timestamp': ts,
              'x-slack-signature': signSlackRequest(SECRET, ts, body),
            },
          });
          expect([200, 400]).toContain(res.statusCode);
        },
      ),
      RUNS,
    );
  });

  it('correctly signed clicks from arbitrary workspaces and apps: 401 unless both are the bound ones (issue 12)', async () => {
    const bound = { teamId: 'T0DISPATCH', appId: 'A0DISPATCH' };
    const id = (own: string) => fc.option(fc.oneof(fc.constant(own), fc.string({ maxLength: 12 })));
    await fc.assert(
      fc.asyncProperty(
        id(bound.teamId),
        id(bound.teamId),
        id(bound.teamId),
        id(bound.appId),
        async (team, userTeam, enterprise, app) => {
          const payload = {
            type: 'block_actions',
            team: team === null ? null : { id: team },
            enterprise: enterprise === null ? undefined : { id: enterprise },
            api_app_id: app ?? undefined,
            user: { id: 'U1', team_id: userTeam ?? undefined },
            actions: [{ action_id: 'dispatch_yes', value: 'k' }],
          };
          const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
          const ts = now();
          const res = await handler(bound)({
            body,
            headers: {
              'x-slack-request-timestamp': ts,
              'x-slack-signature': signSlackRequest(SECRET, ts, body),
            },
          });
          const ours = [team, userTeam, enterprise].includes(bound.teamId) && app === bound.appId;
          expect(res.statusCode).toBe(ours ? 200 : 401);
        },
      ),
      RUNS,
    );
  });

  it('correctly signed reason modal submissions and closes with arbitrary users, metadata and reasons: 200 or 400 (issue 15)', async () => {
    const metadata = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue().map((v) => JSON.stringify(v) ?? ''),
      fc
        .record({
          key: fc.string({ maxLength: 80 }),
          occurrence: fc.integer(),
          dm: fc.option(fc.jsonValue()),
        })
        .map((m) => JSON.stringify(m)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('view_submission', 'view_closed'),
        fc.string({ maxLength: 40 }),
        metadata,
        fc.option(fc.string({ maxLength: 4000 })),
        fc.constantFrom('dispatch_reason', 'other'),
        async (type, user, privateMetadata, reason, callbackId) => {
          const payload = {
            type,
            user: { id: user },
            view: {
              callback_id: callbackId,
              private_metadata: privateMetadata,
              state: { values: { dispatch_reason: { reason: { type: 'plain_text_input', value: reason } } } },
            },
          };
          const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
          const ts = now();
          const res = await handler()({
            body,
            headers: {
              'x-slack-request-timestamp': ts,
              'x-slack-signature': signSlackRequest(SECRET, ts, body),
            },
          });
          expect([200, 400]).toContain(res.statusCode);
        },
      ),
      RUNS,
    );
  });
});
