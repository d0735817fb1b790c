/**
 * Responders: the security team's Slack users, who may answer any prompt on its owner's behalf (`prompts.responders`
 * in the stack, `DISPATCH_RESPONDERS` for the functions and the runner). Everyone else may answer only their own
 * prompt. A responder's answer follows the owner's rules (first answer wins, the reason modal) and is recorded as
 * "answered by <responder> on behalf of <owner>" on the issue and in the DM.
 */
import { Mrkdwn, mrkdwn } from '../render/slack.ts';
import { code } from '../render/github.ts';

/** A Slack user ID: U…, or W… for an Enterprise Grid user. https://api.slack.com/changelog/2016-08-11-user-id-format-changes */
export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

export const SLACK_USER_ID_RULE = 'a Slack user ID (U… or W…, in capitals, e.g. U024BE7LH)';

export interface ResponderConfig {
  /** Slack user IDs who may answer any prompt on its owner's behalf; none: only the owner answers. */
  responders?: readonly string[] | undefined;
}

/** Whether `userId` may answer a prompt sent to `ownerId`: the owner, or a responder. */
export function mayAnswer(config: ResponderConfig, ownerId: string, userId: string): boolean {
  return userId === ownerId || (config.responders ?? []).includes(userId);
}

/** The owner an answer is given for, when someone else (a responder) gives it. */
export function onBehalfOf(ownerId: string, userId: string): string | undefined {
  return userId === ownerId ? undefined : ownerId;
}

/**
 * `DISPATCH_RESPONDERS`: comma-separated (`U0AAA,U0BBB`) or a JSON list (`["U0AAA","U0BBB"]`); empty or unset: none.
 * Returns the IDs, or the problems, each naming the entry at fault.
 */
export function parseResponders(raw: string | undefined): { value: string[] } | { problems: string[] } {
  const text = raw?.trim() ?? '';
  if (text === '') return { value: [] };
  let entries: unknown[];
  if (text.startsWith('[') || text.startsWith('{')) {
    try {
      const json: unknown = JSON.parse(text);
      if (!Array.isArray(json))
        return { problems: ['is not a JSON list: expected ["U024BE7LH", …] or U024BE7LH,U0ABCDEFG'] };
      entries = json;
    } catch {
      return { problems: ['is not JSON: expected ["U024BE7LH", …] or U024BE7LH,U0ABCDEFG'] };
    }
  } else {
    entries = text.split(',').map((entry) => entry.trim());
  }
  const problems: string[] = [];
  entries.forEach((entry, i) => {
    if (typeof entry !== 'string' || !SLACK_USER_ID.test(entry)) {
      problems.push(`entry ${i + 1} (${JSON.stringify(entry)}) is not ${SLACK_USER_ID_RULE}`);
    }
  });
  return problems.length ? { problems } : { value: [...new Set(entries as string[])] };
}

/** A Slack mention Dispatch writes itself, from an ID it validated; anything else is shown as text. */
export function slackMention(userId: string): Mrkdwn {
  return SLACK_USER_ID.test(userId) ? new Mrkdwn(`<@${userId}>`) : mrkdwn`${userId}`;
}

/** Who answered, for the issue comment: Slack IDs in code spans, so they can mention nobody on GitHub. */
export function answeredByOnGithub(job: {
  userId: string;
  at: number;
  onBehalfOf?: string | undefined;
}): string {
  const at = new Date(job.at).toISOString();
  return job.onBehalfOf
    ? `at ${at}, answered by ${code(job.userId)} on behalf of ${code(job.onBehalfOf)}`
    : `by Slack user ${code(job.userId)} at ${at}`;
}

/** The DM's line naming the responder, when one answered. */
export function answeredByInSlack(job: {
  userId: string;
  onBehalfOf?: string | undefined;
}): Mrkdwn | undefined {
  if (!job.onBehalfOf) return undefined;
  return mrkdwn`:bust_in_silhouette: This was answered by ${slackMention(job.userId)} on behalf of ${slackMention(job.onBehalfOf)}.`;
}
