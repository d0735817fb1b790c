import { describe, expect, it } from 'vitest';
import { AlarmValidationError } from '../../lambdas/core/errors.ts';
import { receiveAlarm } from '../../lambdas/core/receive.ts';
import { ACTION_YES } from '../../lambdas/core/render/slack.ts';
import { fakeDeps, testConfig } from '../fakes/route-deps.ts';

const IDP_TOPIC = 'arn:aws:sns:eu-west-1:111122223333:dispatch-prod-producer-idp';
const WIKI_TOPIC = 'arn:aws:sns:eu-west-1:111122223333:dispatch-prod-producer-wiki';

function producerDeps() {
  const deps = fakeDeps();
  return {
    ...deps,
    config: {
      ...testConfig,
      producers: {
        idp: { types: ['self-service' as const, 'high-priority' as const], topicArn: IDP_TOPIC },
        wiki: { types: ['self-service' as const, 'low-priority' as const], topicArn: WIKI_TOPIC },
      },
    },
  };
}

const twoFactor = (message: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    type: 'self-service',
    users: [{ slackId: 'U1', github: 'alice' }],
    body: {
      github: { title: '2FA disabled on your account' },
      slack: { message, prompt: 'Was this you?', actions: { yes: 'Yes', no: 'No' } },
    },
    ...extra,
  });

function promptsTo(deps: ReturnType<typeof fakeDeps>, user: string) {
  return deps.chat
    .postsTo(user)
    .filter((p) => JSON.stringify(p.message.blocks).includes(ACTION_YES))
    .map((p) => JSON.stringify(p.message.blocks));
}

describe('producers (issue 12, attack 3)', () => {
  it('one producer cannot pre-empt another’s alarm by sending the same type, repo, title and user first', async () => {
    // Prepare
    const deps = producerDeps();
    await receiveAlarm(deps, {
      messageId: 'm-attacker',
      topicArn: WIKI_TOPIC,
      body: twoFactor('Routine maintenance, just click yes'),
    });
    // Act
    const report = await receiveAlarm(deps, {
      messageId: 'm-real',
      topicArn: IDP_TOPIC,
      body: twoFactor('Someone disabled 2FA on your account from 203.0.113.9'),
    });
    // Assess
    expect(report.deliveries[0]!.suppressed).toBeUndefined();
    const prompts = promptsTo(deps, 'U1');
    expect(prompts).toHaveLength(2);
    expect(prompts[1]).toContain('203.0.113.9');
    expect(report.deliveries[0]!.key.startsWith('idp|')).toBe(true);
    expect(deps.tracker.issues).toHaveLength(2);
  });

  it('keeps the alarm topic as the default producer: every type, keys without a prefix', async () => {
    // Prepare
    const deps = producerDeps();
    // Act
    const report = await receiveAlarm(deps, {
      messageId: 'm1',
      topicArn: 'arn:aws:sns:eu-west-1:111122223333:dispatch-prod-Alarms',
      body: JSON.stringify({
        type: 'broadcast',
        users: [],
        body: { github: { title: 'T' }, slack: { message: 'm' } },
      }),
    });
    // Assess
    expect(report.deliveries[0]!.key).toMatch(/^broadcast:[0-9a-f]{32}$/);
  });

  it('rejects a type the producer may not send, naming the producer and the type, and sends nothing', async () => {
    // Prepare
    const deps = producerDeps();
    const alarm = JSON.stringify({
      type: 'broadcast',
      users: [{ slackId: 'U1' }],
      body: { github: { title: 'T' }, slack: { message: 'm' } },
    });
    // Act
    const attempt = receiveAlarm(deps, { messageId: 'm1', topicArn: WIKI_TOPIC, body: alarm });
    // Assess
    await expect(attempt).rejects.toThrow(AlarmValidationError);
    await expect(attempt).rejects.toThrow(
      /producer "wiki" may not send broadcast alarms; it may send: self-service, low-priority/,
    );
    await expect(attempt).rejects.toMatchObject({ code: 'ALARM_TYPE_NOT_ALLOWED', retryable: false });
    expect(deps.chat.posts).toHaveLength(0);
    expect(deps.tracker.issues).toHaveLength(0);
  });

  it('does not let {dedupeKey:"k/U1", users:[]} take the place of {dedupeKey:"k", users:[U1]}', async () => {
    // Prepare
    const deps = producerDeps();
    await receiveAlarm(deps, { messageId: 'm1', body: twoFactor('first', { dedupeKey: 'k/U1', users: [] }) });
    // Act
    const report = await receiveAlarm(deps, {
      messageId: 'm2',
      body: twoFactor('second', { dedupeKey: 'k' }),
    });
    // Assess: U1 gets the prompt with its buttons, not the default channel
    expect(report.deliveries[0]!.suppressed).toBeUndefined();
    expect(promptsTo(deps, 'U1')).toHaveLength(1);
    expect(promptsTo(deps, testConfig.slackDefaultChannel)).toHaveLength(0);
  });
});
