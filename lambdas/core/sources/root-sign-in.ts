/**
 * Root console sign-ins: CloudTrail's sign-in record as EventBridge delivers it (`detail-type`
 * `AWS Console Sign In via CloudTrail`, `source` `aws.signin`), when `detail.userIdentity.type` is `Root`.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html
 *
 * Sign-in events are global-service events that CloudTrail records in us-east-1, so the EventBridge rule only sees
 * them in us-east-1 (README). Every root sign-in to one account is the same alarm, keyed `root-sign-in:<account>`:
 * while its incident (or issue) is open, another sign-in joins it and repeats inside the storm window are counted;
 * after it was resolved, the next sign-in alerts again. The CloudTrail `eventID` of each sign-in is in the details.
 * A sign-in by anyone but root, or a sign-in step other than `ConsoleLogin`, is ignored.
 */
import { z } from 'zod';
import type { SourcesConfig } from './config.ts';
import {
  alarmOfType,
  details,
  factList,
  requiredText,
  sourceKey,
  type Fact,
  type SourceResult,
} from './parts.ts';

export const ROOT_SIGN_IN = {
  source: 'aws.signin',
  detailType: 'AWS Console Sign In via CloudTrail',
} as const;

/** The EventBridge rule's pattern: root console logins only. */
export const ROOT_SIGN_IN_PATTERN = {
  source: [ROOT_SIGN_IN.source],
  'detail-type': [ROOT_SIGN_IN.detailType],
  detail: { eventName: ['ConsoleLogin'], userIdentity: { type: ['Root'] } },
};

/**
 * What Dispatch reads of a console sign-in event.
 *
 * @example {"version":"0","id":"…","detail-type":"AWS Console Sign In via CloudTrail","source":"aws.signin",
 *   "account":"123456789012","region":"us-east-1","detail":{"userIdentity":{"type":"Root","accountId":"123456789012"},
 *   "eventName":"ConsoleLogin","sourceIPAddress":"198.51.100.23","responseElements":{"ConsoleLogin":"Success"},
 *   "additionalEventData":{"MFAUsed":"No"},"eventID":"…"}}
 */
export const SignInEventSchema = z.object({
  id: z.string().optional(),
  account: z.string().optional(),
  region: z.string().optional(),
  time: z.string().optional(),
  detail: z.object(
    {
      userIdentity: z.object(
        {
          type: requiredText('the kind of identity that signed in, e.g. "Root"'),
          accountId: z.string().optional(),
          arn: z.string().optional(),
          userName: z.string().optional(),
        },
        { error: 'required: who signed in, {"type": "Root", …}' },
      ),
      eventName: z.string().optional(),
      eventTime: z.string().optional(),
      eventID: z.string().optional(),
      sourceIPAddress: z.string().optional(),
      userAgent: z.string().optional(),
      recipientAccountId: z.string().optional(),
      responseElements: z.object({ ConsoleLogin: z.string().optional() }).nullish(),
      additionalEventData: z.object({ MFAUsed: z.string().optional() }).nullish(),
      errorMessage: z.string().optional(),
    },
    { error: 'required: the CloudTrail record, as EventBridge sends it in "detail"' },
  ),
});
export type SignInEvent = z.infer<typeof SignInEventSchema>;

export function translateRootSignIn(event: SignInEvent, config: SourcesConfig['rootSignIn']): SourceResult {
  const d = event.detail;
  const account = d.recipientAccountId ?? d.userIdentity.accountId ?? event.account ?? 'unknown-account';
  const dedupeKey = sourceKey('root-sign-in', account);
  const who = d.userIdentity.type;
  const what = `console sign-in by ${who} to account ${account}`;
  if (who !== 'Root' || (d.eventName !== undefined && d.eventName !== 'ConsoleLogin')) {
    return {
      what,
      alarms: [],
      skipped: [
        {
          outcome: 'ignored',
          reason:
            who !== 'Root'
              ? `a sign-in by ${who}: only root sign-ins alert`
              : `${d.eventName}: only the ConsoleLogin record of a sign-in alerts`,
        },
      ],
    };
  }
  const result = d.responseElements?.ConsoleLogin;
  const failed = result !== undefined && result !== 'Success';
  const title = failed
    ? `Failed root user sign-in to AWS account ${account}`
    : `Root user signed in to AWS account ${account}`;
  const facts: Fact[] = [
    ['Account', account],
    ['Result', result],
    ['MFA used', d.additionalEventData?.MFAUsed],
    ['Source IP', d.sourceIPAddress],
    ['User agent', d.userAgent],
    ['At', d.eventTime ?? event.time],
    ['Error', d.errorMessage],
    ['CloudTrail event ID', d.eventID],
  ];
  const text = {
    title,
    markdown: [
      `**AWS root user console sign-in**${failed ? ' (failed)' : ''}. Nobody should need the root user: find out who holds its password and what was done.`,
      factList(facts),
    ].join('\n\n'),
    pagerDetails: details(facts),
  };
  const alarm = alarmOfType(
    config.type,
    { dedupeKey, requestId: event.id, severity: 'critical' },
    text,
    config,
    ['root-sign-in'],
  );
  return { what, alarms: [alarm], skipped: [] };
}
