/**
 * GitHub text (issue 12, attack 2): what Dispatch writes to GitHub cannot carry a marker it did not write, and what
 * it interpolates (request IDs, names, Slack IDs, labels) stays inside its code span or fence and mentions nobody.
 */
import { describe, expect, it } from 'vitest';
import { AlarmValidationError } from '../../lambdas/core/errors.ts';
import { parseAlarm } from '../../lambdas/core/parse-alarm.ts';
import {
  carriesMarker,
  code,
  fence,
  issueBody,
  issueMarker,
  mention,
} from '../../lambdas/core/render/github.ts';
import { mentions, outsideCode } from '../helpers/markdown.ts';

const selfService = (overrides: Record<string, unknown> = {}, github: Record<string, unknown> = {}) =>
  parseAlarm({
    type: 'self-service',
    users: [{ slackId: 'U1', github: 'alice' }],
    body: {
      github: { title: 't', body: 'b', ...github },
      slack: { message: 'm', prompt: 'p', actions: { yes: 'y', no: 'n' } },
    },
    ...overrides,
  }) as Parameters<typeof issueBody>[0];

const footer = { key: 'k', marker: 'k#o1', requestId: 'r1', lines: ['@alice'] };

describe('issue bodies: markers only Dispatch writes', () => {
  it('neutralises every HTML comment opener in the producer body, whatever its spelling', () => {
    // Prepare
    const planted = [
      '<!-- dispatch:victim#o1 -->',
      '<!--dispatch:victim#o1-->',
      '<!--   DISPATCH:victim#o1 -->',
      '<!--',
      'dispatch:victim#o1 -->',
    ].join('\n');
    // Act
    const body = issueBody(selfService({}, { body: planted }), footer);
    // Assess: the only comment is Dispatch's trailer.
    expect(body.split('<!--')).toHaveLength(2);
    expect(body.trimEnd().split('\n').at(-1)).toBe(issueMarker('k#o1'));
    expect(body).toContain('&lt;!-- dispatch:victim#o1 -->');
    expect(carriesMarker(body, 'victim#o1')).toBe(false);
    expect(carriesMarker(body, 'k#o1')).toBe(true);
  });

  it('neutralises markers in link text and keeps a link from breaking out of its brackets', () => {
    // Prepare
    const alarm = selfService({
      links: [
        {
          href: 'https://runbooks.example.com/a',
          text: 'x](https://evil.example.com) @evil <!-- dispatch:v#o1 --> [y',
        },
      ],
    });
    // Act
    const body = issueBody(alarm, footer);
    // Assess
    expect(body.split('<!--')).toHaveLength(2);
    const link = body.split('\n').find((l) => l.includes('runbooks'))!;
    expect(link).toMatch(/^- \[.*\]\(<https:\/\/runbooks\.example\.com\/a>\)$/);
    expect(link).not.toMatch(/[^\\]\]\(https:\/\/evil/);
  });

  it('writes a marker that cannot end early or span lines, whatever the key holds', () => {
    // Act
    const marker = issueMarker('k --> @evil\n<!-- x#o1');
    // Assess
    expect(marker).toMatch(/^<!-- dispatch:[^\n]* -->$/);
    expect(marker.slice(4, -3)).not.toContain('-->');
    expect(marker.slice(4)).not.toContain('<!--');
    expect(issueMarker('self-service:0123abcd#o1')).toBe('<!-- dispatch:self-service:0123abcd#o1 -->');
  });

  it('recognises a marker only as the last non-empty line', () => {
    expect(carriesMarker('text\n<!-- dispatch:k#o1 -->', 'k#o1')).toBe(true);
    expect(carriesMarker('text\r\n<!-- dispatch:k#o1 -->\r\n\r\n', 'k#o1')).toBe(true);
    expect(carriesMarker('<!-- dispatch:k#o1 -->\ntext', 'k#o1')).toBe(false);
    expect(carriesMarker('text <!-- dispatch:k#o1 -->', 'k#o1')).toBe(false);
    expect(carriesMarker('text\n<!-- dispatch:k#o1 -->', 'k#o10')).toBe(false);
    expect(carriesMarker(null, 'k#o1')).toBe(false);
  });
});

describe('issue bodies: what Dispatch interpolates stays in its code span', () => {
  it.each([['x` @evil `y'], ['a``b```c @evil'], ['`@evil`'], ['ok\n\n@evil\n'], [' @evil ']])(
    'keeps the request ID %j inside its code span',
    (requestId) => {
      // Act
      const body = issueBody(selfService(), { ...footer, requestId });
      // Assess
      expect(mentions(body)).toEqual(['alice']);
      expect(outsideCode(body)).not.toContain('evil');
    },
  );

  it('keeps the key inside its code span', () => {
    // Act
    const body = issueBody(selfService(), { ...footer, key: 'dk` @evil `/U1' });
    // Assess
    expect(mentions(body)).toEqual(['alice']);
  });

  it('closes a fence the producer body left open, so the footer and mentions are not swallowed', () => {
    // Act
    const body = issueBody(selfService({}, { body: 'log:\n````js\nstill code' }), footer);
    // Assess
    expect(mentions(body)).toEqual(['alice']);
    expect(outsideCode(body)).toContain('Dispatch self-service alarm');
  });

  it.each([
    ['a`b'],
    ['``x``'],
    [''],
    ['` starts'],
    ['ends `'],
    ['line\nbreak @evil'],
    ['<!-- dispatch:v#o1 -->'],
  ])('code(%j) is one span that cannot be closed early', (text) => {
    // Act
    const span = code(text);
    // Assess
    expect(span).not.toContain('\n');
    expect(span).not.toContain('<!--');
    expect(outsideCode(`before ${span} after`)).toBe('before   after');
  });

  it('fence() keeps any text, backtick and tilde runs included, inside one block', () => {
    // Prepare
    const text = 'alice\n```\n@evil\n~~~~\n`````\n<!-- dispatch:v#o1 -->';
    // Act
    const block = fence(text);
    // Assess
    expect(outsideCode(`${block}\nafter`).trim()).toBe('after');
    expect(block).not.toContain('<!--');
  });

  it('mentions a valid handle or team, and writes anything else as code', () => {
    expect(mention('alice', 'acme/security')).toBe('@alice');
    expect(mention('@acme/security', 'x')).toBe('@acme/security');
    expect(mention(undefined, 'acme/security')).toBe('@acme/security');
    expect(mentions(mention('alice @evil', 'x'))).toEqual([]);
  });
});

describe('users: the github field is a GitHub login or org/team', () => {
  const withHandle = (github: string) => ({
    type: 'low-priority',
    users: [{ github }],
    body: { github: { title: 't' } },
  });

  it.each([
    ['alice'],
    ['@alice'],
    ['Alice-Bob-2'],
    ['alice_acme'],
    ['U024BE7LH'],
    ['a'.repeat(39)],
    ['acme/security'],
    ['@acme/security-team'],
    ['acme/platform_oncall'],
  ])('accepts %j', (github) => {
    expect(() => parseAlarm(withHandle(github))).not.toThrow();
  });

  it.each([
    ['alice @evil'],
    ['alice\n@org/team'],
    ['alice,bob'],
    ['a/b/c'],
    ['alice--bob'],
    ['-alice'],
    ['alice-'],
    ['acme/'],
    ['a'.repeat(40)],
    ['@@alice'],
    ['alice`'],
  ])('rejects %j, naming the field and giving an example', (github) => {
    expect(() => parseAlarm(withHandle(github))).toThrow(AlarmValidationError);
    expect(() => parseAlarm(withHandle(github))).toThrow(/users\[0\]\.github: .*"alice".*"acme\/security"/);
  });
});
