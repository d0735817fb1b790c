/** What the answered DM says under the producer's response: who answered for whom, and the reason they gave. */
import { Mrkdwn, mrkdwn, type SlackText } from '../render/slack.ts';
import { reasonInSlack } from './reason.ts';
import { answeredByInSlack } from './responders.ts';

export function withAnswerNotes(
  response: SlackText,
  job: { userId: string; onBehalfOf?: string | undefined; reason?: string | undefined },
): SlackText {
  const notes = [answeredByInSlack(job), reasonInSlack(job)].filter((n) => n !== undefined);
  if (notes.length === 0) return response;
  // Each part keeps its own kind: the producer's response is escaped, Dispatch's notes are its markup.
  return new Mrkdwn([response, ...notes].map((part) => mrkdwn`${part}`.text).join('\n'));
}
