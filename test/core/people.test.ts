/** People by email (issue 16): users named by `email` are found in Slack, remembered for a day, tagged on GitHub. */
import { describe, expect, it } from 'vitest';
import { alarmKey } from '../../lambdas/core/keys.ts';
import { parseAlarm } from '../../lambdas/core/parse-alarm.ts';
import { PERSON_TTL_MS } from '../../lambdas/core/people/resolve-users.ts';
import type { TriageJob } from '../../lambdas/core/ports.ts';
import { ACTION_YES } from '../../lambdas/core/render/slack.ts';
import { route } from '../../lambdas/core/route.ts';
import { triage } from '../../lambdas/core/triage.ts';
import { routerConfig } from '../../lambdas/shared/env.ts';
import { testEnv } from '../helpers/env.ts';
import { fakeDeps } from '../fakes/route-deps.ts';
import { transient } from '../fakes/vendors.ts';

const ALICE = 'U0ALICE01';

/** Fakes with a Slack directory (alice) and a `people` map giving alice's GitHub login. */
function world() {
  const deps = fakeDeps();
  Object.assign(deps, {
    config: { ...deps.config, people: { 'alice@example.com': { github: 'alice-gh' } } },
  });
  deps.chat.directory.set('alice@example.com', ALICE);
  return deps;
}

const selfService = (users: unknown[], extra: Record<string, unknown> = {}) =>
  parseAlarm({
    type: 'self-service',
    users,
    body: {
      github: { title: 'Console sign-in from a new country' },
      slack: {
        message: 'A console sign-in from Peru',
        prompt: 'Was this you?',
        actions: { yes: 'Yes', no: 'No' },
      },
    },
    ...extra,
  });

const broadcast = (users: unknown[]) =>
  parseAlarm({
    type: 'broadcast',
    users,
    body: { github: { title: 'Phishing campaign' }, slack: { message: 'Do not open the VPN email' } },
  });

const nag = (users: unknown[]) =>
  parseAlarm({
    type: 'nag',
    users,
    body: { github: { title: 'Disk encryption is off' }, slack: { message: 'Turn on FileVault' } },
  });

const hasButtons = (message: { blocks: Record<string, unknown>[] }) =>
  message.blocks.some((b) => b.type === 'actions');

describe('users named by email (issue 16)', () => {
  it('sends the prompt to the Slack user the email names, and tags the people map’s GitHub login', async () => {
    // Prepare
    const deps = world();
    // Act
    const report = await route(deps, selfService([{ email: 'Alice@Example.com' }]), { messageId: 'm1' });
    // Assess
    expect(deps.chat.emailLookups).toEqual(['alice@example.com']);
    expect(deps.chat.posts.map((p) => p.to)).toEqual([ALICE]);
    expect(hasButtons(deps.chat.posts[0]!.message)).toBe(true);
    expect(deps.tracker.issues[0]!.body).toContain('@alice-gh');
    const record = await deps.ledger.get(report.deliveries[0]!.key);
    expect(record?.prompt?.slackUserId).toBe(ALICE);
    expect(deps.ledger.people.get('alice@example.com')).toEqual({
      slackId: ALICE,
      until: deps.clock.now() + PERSON_TTL_MS,
    });
  });

  it('DMs nag and broadcast users named by email, and tags their GitHub logins on the nag’s issue', async () => {
    // Prepare
    const deps = world();
    deps.chat.directory.set('bob@example.com', 'U0BOB0001');
    // Act
    await route(deps, nag([{ email: 'alice@example.com' }]), { messageId: 'm1' });
    await route(deps, broadcast([{ email: 'alice@example.com' }, { email: 'bob@example.com' }]), {
      messageId: 'm2',
    });
    // Assess
    expect(deps.chat.posts.map((p) => p.to)).toEqual([ALICE, ALICE, 'U0BOB0001']);
    expect(deps.tracker.issues[0]!.body).toContain('@alice-gh');
    expect(deps.tracker.issues[1]!.body).toContain('alice@example.com, bob@example.com');
    // alice was remembered by the nag: the broadcast asked Slack about bob only.
    expect(deps.chat.emailLookups).toEqual(['alice@example.com', 'bob@example.com']);
  });

  it('asks Slack nothing for an email it remembers, until the day is over', async () => {
    // Prepare
    const deps = world();
    await deps.ledger.rememberPerson('alice@example.com', 'U0CACHED1', deps.clock.now() + PERSON_TTL_MS);
    // Act
    await route(deps, nag([{ email: 'alice@example.com' }]), { messageId: 'm1' });
    const cachedLookups = [...deps.chat.emailLookups];
    deps.clock.advance(PERSON_TTL_MS + 1);
    await route(deps, nag([{ email: 'alice@example.com' }]), { messageId: 'm2' });
    // Assess
    expect(cachedLookups).toEqual([]);
    expect(deps.chat.emailLookups).toEqual(['alice@example.com']);
    expect(deps.chat.posts.map((p) => p.to)).toEqual(['U0CACHED1', ALICE]);
  });

  it('tells the default channel about an email Slack does not know, naming it, and DMs the others', async () => {
    // Prepare
    const deps = world();
    // Act
    const report = await route(deps, broadcast([{ email: 'ghost@example.com' }, { slackId: 'U2' }]), {
      messageId: 'm1',
    });
    // Assess
    expect(deps.chat.posts.map((p) => p.to)).toEqual(['C0DEFAULT', 'U2']);
    const note = JSON.stringify(deps.chat.posts[0]!.message.blocks);
    expect(note).toContain('No Slack user has the email ghost@example.com');
    expect(report.deliveries[0]!.dms[0]!.fallback).toMatch(/ghost@example\.com/);
    expect(deps.tracker.issues[0]!.body).toContain('ghost@example.com (no Slack user)');
    expect(deps.ledger.people.size).toBe(0);
  });

  it('posts a self-service alarm for an unknown email to the default channel without buttons, the email as code on the issue', async () => {
    // Prepare
    const deps = world();
    // Act
    const report = await route(deps, selfService([{ email: 'ghost@example.com' }]), { messageId: 'm1' });
    // Assess
    expect(deps.chat.posts.map((p) => p.to)).toEqual(['C0DEFAULT']);
    expect(hasButtons(deps.chat.posts[0]!.message)).toBe(false);
    expect(JSON.stringify(deps.chat.posts[0]!.message.blocks)).toContain(
      'No Slack user has the email ghost@example.com, so this alarm came to C0DEFAULT without the prompt.',
    );
    expect(deps.tracker.issues[0]!.body).toContain('No Slack user has the email `ghost@example.com`');
    expect((await deps.ledger.get(report.deliveries[0]!.key))?.prompt).toBeUndefined();
  });

  it('lets only the person the email resolved to answer the prompt', async () => {
    // Prepare
    const deps = world();
    const report = await route(deps, selfService([{ email: 'alice@example.com' }]), { messageId: 'm1' });
    const { key, dms } = report.deliveries[0]!;
    const queued: TriageJob[] = [];
    const click = (userId: string) =>
      triage(
        { ...deps, jobs: { enqueue: async (job) => void queued.push(job) } },
        {
          type: 'block_actions',
          user: { id: userId },
          actions: [{ action_id: ACTION_YES, value: key }],
          container: { channel_id: dms[0]!.channel, message_ts: dms[0]!.ts },
        },
      );
    // Act
    const stranger = await click('U0MALLORY');
    const owner = await click(ALICE);
    // Assess
    expect(stranger).toBe('not-yours');
    expect(owner).toBe('accepted');
    expect(queued.find((j) => j.kind === 'answer')).toMatchObject({ userId: ALICE, answer: 'yes' });
  });

  it('keys a user by their email whether Slack knows it or not, so a repeat and a resolve find the alarm', async () => {
    // Prepare
    const known = world();
    const unknown = fakeDeps();
    const alarm = selfService([{ email: 'alice@example.com' }]);
    // Act
    const found = await route(known, alarm, { messageId: 'm1' });
    const notFound = await route(unknown, alarm, { messageId: 'm1' });
    const lookupsBefore = known.chat.emailLookups.length;
    const resolved = await route(
      known,
      selfService([{ email: 'ALICE@example.com' }], { status: 'resolved' }),
      {
        messageId: 'm2',
      },
    );
    const bob = await route(unknown, selfService([{ email: 'bob@example.com' }]), { messageId: 'm3' });
    // Assess
    expect(found.deliveries[0]!.key).toBe(notFound.deliveries[0]!.key);
    expect(bob.deliveries[0]!.key).not.toBe(notFound.deliveries[0]!.key);
    expect(found.deliveries[0]!.key).toBe(
      alarmKey(alarm, known.config, { user: alarm.type === 'self-service' ? alarm.users[0] : undefined }),
    );
    expect(resolved.deliveries[0]!.key).toBe(found.deliveries[0]!.key);
    expect((await known.ledger.get(found.deliveries[0]!.key))?.resolved).toBeDefined();
    expect(known.chat.emailLookups).toHaveLength(lookupsBefore);
  });

  it('costs nothing for users with a Slack ID, even with an email: no ledger read, no lookup, the key of the Slack ID', async () => {
    // Prepare
    const deps = world();
    let reads = 0;
    const person = deps.ledger.person.bind(deps.ledger);
    deps.ledger.person = (email) => {
      reads += 1;
      return person(email);
    };
    const withEmail = selfService([{ slackId: 'U1', email: 'alice@example.com' }]);
    // Act
    const report = await route(deps, withEmail, { messageId: 'm1' });
    await route(deps, selfService([{ slackId: 'U2' }]), { messageId: 'm2' });
    // Assess
    expect(reads).toBe(0);
    expect(deps.chat.emailLookups).toEqual([]);
    expect(deps.chat.posts.map((p) => p.to)).toEqual(['U1', 'U2']);
    expect(report.deliveries[0]!.key).toBe(
      alarmKey(selfService([{ slackId: 'U1' }]), deps.config, { user: { slackId: 'U1' } }),
    );
    // The GitHub login still comes from the people map.
    expect(deps.tracker.issues[0]!.body).toContain('@alice-gh');
  });

  it('sends the DM without waiting for the person to be remembered, and returns only once they are', async () => {
    // Prepare
    const deps = world();
    let release!: () => void;
    const written = new Promise<void>((resolve) => (release = resolve));
    const remember = deps.ledger.rememberPerson.bind(deps.ledger);
    deps.ledger.rememberPerson = async (...args) => {
      await written;
      await remember(...args);
    };
    let settled = false;
    // Act
    const routed = route(deps, nag([{ email: 'alice@example.com' }]), { messageId: 'm1' }).finally(
      () => (settled = true),
    );
    for (let i = 0; i < 50 && deps.chat.posts.length === 0; i++) await new Promise(setImmediate);
    const postedBeforeWrite = deps.chat.posts.map((p) => p.to);
    const settledBeforeWrite = settled;
    release();
    await routed;
    // Assess
    expect(postedBeforeWrite).toEqual([ALICE]);
    expect(settledBeforeWrite).toBe(false);
    expect(deps.ledger.people.get('alice@example.com')?.slackId).toBe(ALICE);
  });

  it('fails the alarm for a retry when Slack cannot answer a lookup, after remembering whom it found', async () => {
    // Prepare
    const deps = world();
    deps.chat.directory.set('bob@example.com', 'U0BOB0001');
    deps.chat.failLookup = (email) => (email === 'alice@example.com' ? transient('slack') : undefined);
    // Act / Assess
    await expect(
      route(deps, broadcast([{ email: 'alice@example.com' }, { email: 'bob@example.com' }]), {
        messageId: 'm1',
      }),
    ).rejects.toMatchObject({ retryable: true });
    expect(deps.chat.posts).toEqual([]);
    expect(deps.ledger.people.get('bob@example.com')?.slackId).toBe('U0BOB0001');
  });

  it('tags the people map’s login on a low-priority issue without asking Slack', async () => {
    // Prepare
    const deps = world();
    const alarm = parseAlarm({
      type: 'low-priority',
      users: [{ email: 'alice@example.com' }],
      body: { github: { title: 'Access key unused for 90 days' } },
    });
    // Act
    await route(deps, alarm, { messageId: 'm1' });
    // Assess
    expect(deps.chat.emailLookups).toEqual([]);
    expect(deps.tracker.issues[0]!.body).toContain('@alice-gh');
  });
});

describe('the people map in the environment (issue 16)', () => {
  it('reads DISPATCH_PEOPLE with its emails lower-cased', () => {
    // Act
    const config = routerConfig(
      testEnv({
        DISPATCH_LEDGER_TABLE: 'ledger',
        DISPATCH_PEOPLE: '{"Alice@Example.com":{"github":"alice","iamUsers":["alice"]}}',
      }),
    );
    // Assess
    expect(config.people).toEqual({ 'alice@example.com': { github: 'alice', iamUsers: ['alice'] } });
  });

  it.each([
    ['{"alice@example.com":', /DISPATCH_PEOPLE is not JSON/],
    ['{"alice":{"github":"alice"}}', /DISPATCH_PEOPLE alice: keys must be email addresses/],
    [
      '{"alice@example.com":{"github":"alice smith"}}',
      /DISPATCH_PEOPLE alice@example\.com\.github: expected a GitHub login/,
    ],
  ])('names what is wrong in DISPATCH_PEOPLE=%s', (value, message) => {
    // Act / Assess
    expect(() => testEnv({ DISPATCH_LEDGER_TABLE: 'ledger', DISPATCH_PEOPLE: value })).toThrow(message);
  });
});
