import { describe, expect, it } from 'vitest';
import { AlarmValidationError } from '../../lambdas/core/errors.ts';
import { parseAlarm, parseAlarmJson } from '../../lambdas/core/parse-alarm.ts';
import { originalExamples } from '../fixtures/alarms/original-readme.ts';

const selfService = () => ({
  type: 'self-service',
  users: [{ slackId: 'U1', github: 'alice' }],
  body: {
    github: { title: 't', body: 'b' },
    slack: { message: 'm', prompt: 'p', actions: { yes: 'Yes', no: 'No' } },
  },
});

/** Runs the parser and returns the error's lines, failing the test when nothing is thrown. */
function problems(input: unknown): string[] {
  const parse = () => (typeof input === 'string' ? parseAlarmJson(input) : parseAlarm(input));
  expect(parse).toThrow(AlarmValidationError);
  try {
    parse();
  } catch (error) {
    return (error as AlarmValidationError).issues.map((i) =>
      i.path ? `${i.path}: ${i.message}` : i.message,
    );
  }
  return [];
}

describe('the original README examples', () => {
  it.each(Object.entries(originalExamples))('%s validates unchanged', (type, raw) => {
    // Act
    const alarm = parseAlarmJson(raw);
    // Assess
    expect(alarm.type).toBe(type);
    expect(alarm.retrigger).toBe(true);
  });

  it('keeps the repository, labels and PagerDuty service the producer gave', () => {
    // Act
    const low = parseAlarmJson(originalExamples['low-priority']!);
    const high = parseAlarmJson(originalExamples['high-priority']!);
    // Assess
    expect(low).toMatchObject({ githubRepo: 'alarms', body: { github: { labels: ['low_priority'] } } });
    expect(high).toMatchObject({ body: { pagerduty: { service: 'PABC123', title: 'testAlert' } } });
  });
});

describe('what the original code tolerated', () => {
  it('ignores unknown keys, on users and on the alarm', () => {
    // Prepare
    const input = { ...selfService(), extra: 1, users: [{ slackId: 'U1', github: 'a', google: 'g@x' }] };
    // Act
    const alarm = parseAlarm(input);
    // Assess
    expect(alarm).not.toHaveProperty('extra');
    expect(alarm.type === 'self-service' && alarm.users[0]).toEqual({ slackId: 'U1', github: 'a' });
  });

  it('reads the misspelt gitHubRepo the original code read', () => {
    expect(parseAlarm({ ...selfService(), gitHubRepo: 'acme/other' }).githubRepo).toBe('acme/other');
  });

  it('prefers githubRepo when both spellings are present', () => {
    expect(parseAlarm({ ...selfService(), githubRepo: 'one', gitHubRepo: 'two' }).githubRepo).toBe('one');
  });

  it('turns a single body.github.label into labels', () => {
    // Prepare
    const input = { type: 'low-priority', body: { github: { title: 't', label: 'security' } } };
    // Act
    const alarm = parseAlarm(input);
    // Assess
    expect(alarm.type === 'low-priority' && alarm.body.github).toEqual({ title: 't', labels: ['security'] });
  });

  it('treats null and empty optional fields as absent', () => {
    // Prepare
    const input = {
      ...selfService(),
      requestId: null,
      githubRepo: '',
      users: [{ slackId: null, github: '' }],
    };
    // Act
    const alarm = parseAlarm(input);
    // Assess
    expect(alarm.requestId).toBeUndefined();
    expect(alarm.githubRepo).toBeUndefined();
    expect(alarm.type === 'self-service' && alarm.users[0]).toEqual({});
  });

  it.each([
    [undefined, true],
    [true, true],
    [false, false],
    ['false', false],
    ['true', true],
  ])('retrigger %j means %j', (retrigger, expected) => {
    expect(parseAlarm({ ...selfService(), retrigger }).retrigger).toBe(expected);
  });

  it('accepts a numeric requestId as a string', () => {
    expect(parseAlarm({ ...selfService(), requestId: 42 }).requestId).toBe('42');
  });

  it('accepts self-service without users to fall back on (the default channel is used)', () => {
    expect(parseAlarm({ ...selfService(), users: [] }).type).toBe('self-service');
  });

  it('accepts self-service without a prompt or buttons (defaults are shown)', () => {
    // Prepare
    const input = selfService();
    input.body.slack = { message: 'm' } as typeof input.body.slack;
    // Act / Assess
    expect(parseAlarm(input).type).toBe('self-service');
  });

  it('accepts high-priority without a service (the configured default is used)', () => {
    expect(parseAlarm({ type: 'high-priority', body: { pagerduty: { title: 'x' } } }).type).toBe(
      'high-priority',
    );
  });

  it('accepts a low-priority issue without a body', () => {
    expect(parseAlarm({ type: 'low-priority', body: { github: { title: 'x' } } }).type).toBe('low-priority');
  });
});

describe('what a modern producer may add', () => {
  it('accepts dedupeKey, severity, links and owner/repo', () => {
    // Prepare
    const input = {
      ...selfService(),
      githubRepo: 'acme/security-alarms',
      dedupeKey: 'guardduty:123',
      severity: 'warning',
      links: [{ href: 'https://runbooks.example.com/2fa', text: 'Runbook' }],
    };
    // Act
    const alarm = parseAlarm(input);
    // Assess
    expect(alarm).toMatchObject({
      githubRepo: 'acme/security-alarms',
      dedupeKey: 'guardduty:123',
      severity: 'warning',
    });
    expect(alarm.links).toEqual([{ href: 'https://runbooks.example.com/2fa', text: 'Runbook' }]);
  });

  it('accepts a link with a query string, percent-encoding and exactly 2,000 characters, unchanged', () => {
    // Prepare
    const dashboard =
      'https://grafana.example.com/d/abc?orgId=1&from=now-1h&var-host=web%201%7Cweb%202#panel-4';
    const long = `https://x.example/${'a'.repeat(2000 - 'https://x.example/'.length)}`;
    // Act
    const alarm = parseAlarm({
      ...selfService(),
      links: [{ href: dashboard }, { href: long, text: 'Long' }],
    });
    // Assess
    expect(alarm.links?.map((l) => l.href)).toEqual([dashboard, long]);
  });
});

describe('broken alarms get precise errors', () => {
  const ss = selfService;
  const cases: [string, unknown, string[]][] = [
    ['not JSON', '{"type":', ['is not valid JSON']],
    ['not an object', '[1,2]', ['expected a JSON object with a "type", got an array']],
    [
      'no type',
      { body: {} },
      ['type: required: one of self-service, broadcast, nag, low-priority, high-priority'],
    ],
    [
      'unknown type',
      { type: 'critical' },
      [
        'type: unknown type "critical": expected one of self-service, broadcast, nag, low-priority, high-priority',
      ],
    ],
    [
      'self-service without the no button',
      { ...ss(), body: { ...ss().body, slack: { message: 'm', prompt: 'p', actions: { yes: 'Yes' } } } },
      ['body.slack.actions.no: required for self-service'],
    ],
    [
      'self-service prompt without buttons',
      { ...ss(), body: { ...ss().body, slack: { message: 'm', prompt: 'p' } } },
      ['body.slack.actions: required for self-service when body.slack.prompt is set'],
    ],
    ['self-service without users', { ...ss(), users: undefined }, ['users: required for self-service']],
    [
      'broadcast with users as a string and an empty title',
      { type: 'broadcast', users: 'U1', body: { github: { title: '' }, slack: { message: 'm' } } },
      [
        'users: expected a list of users, got string "U1"',
        'body.github.title: must not be empty (broadcast)',
      ],
    ],
    [
      'broadcast without body.slack',
      { type: 'broadcast', users: [], body: { github: { title: 't' } } },
      ['body.slack: required for broadcast'],
    ],
    ['low-priority without body', { type: 'low-priority' }, ['body: required for low-priority']],
    [
      'high-priority without title',
      { type: 'high-priority', body: { pagerduty: { body: 'b' } } },
      ['body.pagerduty.title: required for high-priority'],
    ],
    [
      'title over GitHub limit',
      { type: 'low-priority', body: { github: { title: 'x'.repeat(257) } } },
      [
        'body.github.title: is longer than 256 characters: GitHub accepts at most 256 characters in an issue title',
      ],
    ],
    [
      'button label over Slack limit',
      {
        ...ss(),
        body: {
          ...ss().body,
          slack: { message: 'm', prompt: 'p', actions: { yes: 'y'.repeat(76), no: 'n' } },
        },
      },
      ['body.slack.actions.yes: is longer than 75 characters: Slack button labels allow 75 characters'],
    ],
    [
      'label name over GitHub limit',
      { type: 'low-priority', body: { github: { title: 't', labels: ['l'.repeat(51)] } } },
      ['body.github.labels[0]: is longer than 50 characters: GitHub label names allow 50'],
    ],
    [
      'bad user entries',
      {
        type: 'broadcast',
        users: ['U1', { slackId: 7 }],
        body: { github: { title: 't' }, slack: { message: 'm' } },
      },
      [
        'users[0]: expected a user object such as {"slackId":"U024BE7LH"}, got string "U1"',
        'users[1].slackId: expected a Slack user ID',
      ],
    ],
    [
      'bad repository, retrigger and severity',
      {
        type: 'low-priority',
        githubRepo: 'a/b/c',
        retrigger: 'no',
        severity: 'high',
        body: { github: { title: 't' } },
      },
      [
        'githubRepo: expected a repository name such as "alarms" or "acme/alarms"',
        'retrigger: expected true or false, got string "no"',
        'severity: expected one of: critical, error, warning, info',
      ],
    ],
    [
      'pagerduty summary too long',
      { type: 'high-priority', body: { pagerduty: { title: 'x'.repeat(1025) } } },
      ['body.pagerduty.title: is longer than 1024 characters: PagerDuty summaries allow 1024 characters'],
    ],
    [
      'link not http',
      { ...ss(), links: [{ href: 'javascript:alert(1)' }] },
      ['links[0].href: expected an http(s) URL'],
    ],
    [
      'link over ftp',
      { ...ss(), links: [{ href: 'ftp://files.example.com/runbook.pdf' }] },
      ['links[0].href: expected an http(s) URL'],
    ],
    [
      'link href breaking out of its Slack link (issue 12)',
      { ...ss(), links: [{ href: 'https://x/a|Fake><!channel', text: 'Runbook' }] },
      [
        'links[0].href: must not contain "|", "<", ">", whitespace or control characters; percent-encode them (%7C, %3C, %3E, %20)',
      ],
    ],
    [
      'link href with whitespace',
      { ...ss(), links: [{ href: 'https://x.example/a b' }, { href: 'https://x.example/a\nb' }] },
      ['links[0].href: must not contain', 'links[1].href: must not contain'],
    ],
    [
      'link href over 2,000 characters',
      { ...ss(), links: [{ href: `https://x.example/${'a'.repeat(2001 - 'https://x.example/'.length)}` }] },
      ['links[0].href: is longer than 2000 characters'],
    ],
  ];

  it.each(cases)('%s', (_name, input, expected) => {
    // Act
    const lines = problems(input);
    // Assess
    expect(lines).toHaveLength(expected.length);
    expected.forEach((line, i) => expect(lines[i]).toContain(line));
  });

  it('rejects a message over the SNS size limit, naming the limit', () => {
    // Prepare
    const raw = JSON.stringify({
      type: 'low-priority',
      body: { github: { title: 't', body: 'x'.repeat(270_000) } },
    });
    // Act / Assess
    expect(() => parseAlarmJson(raw)).toThrow(/SNS accepts at most 262144 bytes/);
  });

  it('lists every problem in one error message', () => {
    // Act / Assess
    expect(() => parseAlarm({ type: 'broadcast', body: { github: {} } })).toThrow(
      /alarm rejected \(3 problems\): users: required for broadcast.*; body\.github\.title: required for broadcast; body\.slack: required for broadcast/,
    );
  });
});

describe('how many users an alarm may name (issue 13, items 2 and 8)', () => {
  const people = (n: number) => Array.from({ length: n }, (_, i) => ({ slackId: `U${i}` }));

  it('takes a broadcast to 10,000 users and names the limit beyond it', () => {
    // Prepare
    const broadcast = (n: number) => ({
      type: 'broadcast',
      users: people(n),
      body: { github: { title: 't' }, slack: { message: 'm' } },
    });
    // Act / Assess
    expect(parseAlarm(broadcast(10_000)).type).toBe('broadcast');
    expect(problems(broadcast(10_001))).toEqual([
      'users: has more than 10000 users: Dispatch accepts at most 10000 users per alarm',
    ]);
  });

  it('caps self-service at 50 users, because each one opens an issue, and says what to do instead', () => {
    // Act / Assess
    expect(parseAlarm({ ...selfService(), users: people(50) }).type).toBe('self-service');
    expect(problems({ ...selfService(), users: people(51) })[0]).toMatch(
      /^users: has more than 50 users: self-service opens one issue and one prompt per user.*send a broadcast/,
    );
  });
});
