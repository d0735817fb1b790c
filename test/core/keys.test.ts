import { describe, expect, it } from 'vitest';
import { alarmKey } from '../../lambdas/core/keys.ts';
import { LIMITS } from '../../lambdas/core/message.ts';
import { parseAlarm } from '../../lambdas/core/parse-alarm.ts';
import { testConfig } from '../fakes/route-deps.ts';

const selfService = (fields: Record<string, unknown>) =>
  parseAlarm({
    type: 'self-service',
    users: [{ slackId: 'U1' }],
    body: { github: { title: 'T' }, slack: { message: 'm' } },
    ...fields,
  });

describe('alarm keys', () => {
  it('keeps the keys of the default producer as they were, so an upgrade re-opens nothing', () => {
    // Prepare
    const ss = selfService({});
    const lp = parseAlarm({
      type: 'low-priority',
      githubRepo: 'acme/alarms',
      body: { github: { title: 'T' } },
    });
    const hp = parseAlarm({ type: 'high-priority', body: { pagerduty: { title: 'T', service: 'PABC' } } });
    const bc = parseAlarm({
      type: 'broadcast',
      users: [],
      body: { github: { title: 'T' }, slack: { message: 'm' } },
    });
    // Act
    const keys = [
      alarmKey(ss, testConfig, { user: ss.type === 'self-service' ? ss.users[0] : undefined }),
      alarmKey(lp, testConfig, { user: {} }),
      alarmKey(hp, testConfig),
      alarmKey(bc, testConfig),
      alarmKey(selfService({ dedupeKey: 'login:alice' }), testConfig, { user: { slackId: 'U1' } }),
      alarmKey(selfService({ dedupeKey: 'login:alice' }), testConfig),
    ];
    // Assess: the values main computed before producers existed
    expect(keys).toEqual([
      'self-service:2812a2c70997736563c066860c7c0f2c',
      'low-priority:a8308bc6bffaf0917b6074ce20ce03d7',
      'high-priority:ff9b14420182360c94dd922a9d18b32b',
      'broadcast:a0314f278d19d1a808132001a717a1d6',
      'login:alice/U1',
      'login:alice',
    ]);
  });

  it('never joins a dedupeKey and a user ambiguously (issue 12, attack 3)', () => {
    // Prepare
    const a = selfService({ dedupeKey: 'k/U1', users: [] });
    const b = selfService({ dedupeKey: 'k' });
    const c = selfService({ dedupeKey: 'k/U1/U2' });
    const d = selfService({ dedupeKey: 'k/U1' });
    // Act
    const keys = [
      alarmKey(a, testConfig),
      alarmKey(b, testConfig, { user: { slackId: 'U1' } }),
      alarmKey(c, testConfig),
      alarmKey(d, testConfig, { user: { slackId: 'U2' } }),
      alarmKey(b, testConfig, { user: { slackId: 'U1/U2' } }),
    ];
    // Assess
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('cannot be forged by a dedupeKey that looks like a derived key', () => {
    // Prepare
    const derived = alarmKey(selfService({}), testConfig, { user: { slackId: 'U1' } });
    // Act
    const forged = alarmKey(selfService({ dedupeKey: derived, users: [] }), testConfig);
    // Assess
    expect(forged).not.toBe(derived);
  });

  it('scopes every key of a named producer by its name; two producers never share a key', () => {
    // Prepare
    const alarm = selfService({});
    const forgedName = selfService({
      dedupeKey: 'idp|self-service:2812a2c70997736563c066860c7c0f2c',
      users: [],
    });
    // Act
    const byDefault = alarmKey(alarm, testConfig, { user: { slackId: 'U1' } });
    const byIdp = alarmKey(alarm, testConfig, { user: { slackId: 'U1' }, producer: 'idp' });
    const byOther = alarmKey(alarm, testConfig, { user: { slackId: 'U1' }, producer: 'other' });
    const forged = alarmKey(forgedName, testConfig);
    // Assess
    expect(byIdp).toBe(`idp|${byDefault}`);
    expect(new Set([byDefault, byIdp, byOther, forged]).size).toBe(4);
  });

  it('fits PagerDuty’s dedup_key limit with a stable short form when the key is too long (issue 13, item 1)', () => {
    // Prepare
    const alarm = selfService({ dedupeKey: 'd'.repeat(250) });
    // Act
    const key = alarmKey(alarm, testConfig, { user: { slackId: 'U0123456789' }, producer: 'idp' });
    const again = alarmKey(alarm, testConfig, { user: { slackId: 'U0123456789' }, producer: 'idp' });
    const other = alarmKey(alarm, testConfig, { user: { slackId: 'U0123456780' }, producer: 'idp' });
    // Assess
    expect(key.length).toBeLessThanOrEqual(LIMITS.dedupeKey);
    expect(key).toBe(again);
    expect(key).not.toBe(other);
    expect(key.startsWith('idp|')).toBe(true);
  });
});
