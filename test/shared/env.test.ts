/** Environment parsing of the Slack workspace and app binding (issue 12). */
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../lambdas/shared/env.ts';

const BASE = {
  DISPATCH_GITHUB_OWNER: 'acme',
  DISPATCH_GITHUB_DEFAULT_REPO: 'alarms',
  DISPATCH_GITHUB_DEFAULT_USER: 'acme/security',
  DISPATCH_SLACK_DEFAULT_CHANNEL: 'C0DEFAULT',
  DISPATCH_LEDGER_TABLE: 'ledger',
};

describe('DISPATCH_SLACK_TEAM_ID and DISPATCH_SLACK_APP_ID', () => {
  it('are optional: unset, any workspace and app is answered', () => {
    // Act
    const env = parseEnv(BASE);
    // Assess
    expect([env.DISPATCH_SLACK_TEAM_ID, env.DISPATCH_SLACK_APP_ID]).toEqual([undefined, undefined]);
  });

  it.each([
    ['a workspace', 'T024BE7LD'],
    ['an Enterprise Grid org', 'E073D7H7BBE'],
  ])('take %s ID and an app ID', (_what, team) => {
    // Act
    const env = parseEnv({ ...BASE, DISPATCH_SLACK_TEAM_ID: team, DISPATCH_SLACK_APP_ID: 'A0123ABCD' });
    // Assess
    expect([env.DISPATCH_SLACK_TEAM_ID, env.DISPATCH_SLACK_APP_ID]).toEqual([team, 'A0123ABCD']);
  });

  it.each([
    [
      'DISPATCH_SLACK_TEAM_ID',
      't024be7ld',
      /DISPATCH_SLACK_TEAM_ID must be a Slack team ID \(T…\) or Enterprise Grid/,
    ],
    ['DISPATCH_SLACK_TEAM_ID', 'acme.slack.com', /DISPATCH_SLACK_TEAM_ID must be a Slack team ID/],
    ['DISPATCH_SLACK_TEAM_ID', 'A0123ABCD', /DISPATCH_SLACK_TEAM_ID must be a Slack team ID/],
    ['DISPATCH_SLACK_TEAM_ID', '', /DISPATCH_SLACK_TEAM_ID must be a Slack team ID/],
    ['DISPATCH_SLACK_APP_ID', 'T024BE7LD', /DISPATCH_SLACK_APP_ID must be a Slack app ID \(A…\)/],
    ['DISPATCH_SLACK_APP_ID', 'a0123abcd', /DISPATCH_SLACK_APP_ID must be a Slack app ID/],
  ])('refuse %s=%j, naming the variable', (name, value, message) => {
    expect(() => parseEnv({ ...BASE, [name]: value })).toThrow(message);
  });
});

describe('DISPATCH_EVENT_BUS (issue 15)', () => {
  it('is optional: unset, events go to the default bus', () => {
    expect(parseEnv(BASE).DISPATCH_EVENT_BUS).toBeUndefined();
  });

  it.each([
    ['a name', 'security-events'],
    ['the default bus', 'default'],
    ['a partner bus', 'aws.partner/example.com/123/events'],
    ['an ARN', 'arn:aws:events:eu-west-1:444455556666:event-bus/central-security'],
  ])('takes %s', (_what, bus) => {
    expect(parseEnv({ ...BASE, DISPATCH_EVENT_BUS: bus }).DISPATCH_EVENT_BUS).toBe(bus);
  });

  it.each([
    ['security events'],
    ['bus:name'],
    ['arn:aws:sns:eu-west-1:444455556666:topic'],
    ['x'.repeat(257)],
  ])('refuses %j, naming the variable', (bus) => {
    expect(() => parseEnv({ ...BASE, DISPATCH_EVENT_BUS: bus })).toThrow(
      /DISPATCH_EVENT_BUS must be an EventBridge event bus name or ARN/,
    );
  });
});
