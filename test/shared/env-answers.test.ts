/** Environment parsing of who may answer and whether "yes" needs a reason (issue 15). */
import { describe, expect, it } from 'vitest';
import { parseEnv, routerConfig } from '../../lambdas/shared/env.ts';

const BASE = {
  DISPATCH_GITHUB_OWNER: 'acme',
  DISPATCH_GITHUB_DEFAULT_REPO: 'alarms',
  DISPATCH_GITHUB_DEFAULT_USER: 'acme/security',
  DISPATCH_SLACK_DEFAULT_CHANNEL: 'C0DEFAULT',
  DISPATCH_LEDGER_TABLE: 'ledger',
};

describe('DISPATCH_RESPONDERS', () => {
  it.each([
    ['unset', undefined, []],
    ['empty', '', []],
    ['one ID', 'U024BE7LH', ['U024BE7LH']],
    [
      'a comma-separated list with spaces',
      ' U024BE7LH , W0GRIDUSER,U0ABCDEFG ',
      ['U024BE7LH', 'W0GRIDUSER', 'U0ABCDEFG'],
    ],
    ['a JSON list', '["U024BE7LH", "U0ABCDEFG"]', ['U024BE7LH', 'U0ABCDEFG']],
    ['a list naming someone twice', 'U024BE7LH,U024BE7LH', ['U024BE7LH']],
  ])('takes %s', (_what, value, responders) => {
    // Act
    const config = routerConfig(parseEnv({ ...BASE, DISPATCH_RESPONDERS: value }));
    // Assess
    expect(config.responders).toEqual(responders);
  });

  it.each([
    ['a name', 'alice', /DISPATCH_RESPONDERS entry 1 \("alice"\) is not a Slack user ID \(U… or W…/],
    ['a channel', 'U024BE7LH,C0123456789', /entry 2 \("C0123456789"\) is not a Slack user ID/],
    ['a mention', '<@U024BE7LH>', /entry 1 \("<@U024BE7LH>"\) is not a Slack user ID/],
    ['lower case', 'u024be7lh', /entry 1 \("u024be7lh"\) is not a Slack user ID/],
    ['a JSON list of numbers', '[1]', /entry 1 \(1\) is not a Slack user ID/],
    ['a JSON object', '{"U024BE7LH": true}', /DISPATCH_RESPONDERS is not a JSON list: expected/],
    ['broken JSON', '["U024BE7LH"', /DISPATCH_RESPONDERS is not JSON/],
    ['an empty entry between commas', 'U024BE7LH,,U0ABCDEFG', /entry 2 \(""\) is not a Slack user ID/],
  ])('refuses %s, naming the variable and the entry', (_what, value, message) => {
    expect(() => parseEnv({ ...BASE, DISPATCH_RESPONDERS: value })).toThrow(message);
  });
});

describe('DISPATCH_PROMPT_REQUIRE_REASON', () => {
  it('is off unless set, as before', () => {
    expect(routerConfig(parseEnv(BASE)).promptRequireReason).toBe(false);
  });

  it.each([
    ['true', true],
    ['false', false],
  ])('takes %s', (value, expected) => {
    expect(
      routerConfig(parseEnv({ ...BASE, DISPATCH_PROMPT_REQUIRE_REASON: value })).promptRequireReason,
    ).toBe(expected);
  });

  it('refuses anything else, naming the variable', () => {
    expect(() => parseEnv({ ...BASE, DISPATCH_PROMPT_REQUIRE_REASON: 'yes' })).toThrow(
      /DISPATCH_PROMPT_REQUIRE_REASON must be "true" or "false"/,
    );
  });
});
