/**
 * Recording an answer, whether a click gives it or a submitted reason modal: one conditional write (the first
 * answer wins), then its work queued for the worker (triage-work.ts). A repeat of the first answer queues that
 * first answer's work again (the worker's steps are idempotent), so a queueing lost after the write is recovered.
 */
import { randomUUID } from 'node:crypto';
import type { Answer } from '../interaction.ts';
import type { Clock, Jobs, Ledger, Log, PostedMessage, TriageJob } from '../ports.ts';

export interface AnswerToRecord {
  key: string;
  occurrence: number;
  answer: Answer;
  /** Who answered: the prompt's owner, or a responder. */
  userId: string;
  /** The owner, when a responder answered for them. */
  onBehalfOf?: string | undefined;
  /** Why it was them, when the prompt asked for a reason. */
  reason?: string | undefined;
  dm?: PostedMessage | undefined;
}

/** The first answer as the ledger keeps it (the deadline's too: `timedOut`). */
export interface FirstAnswer {
  answer: Answer;
  userId?: string;
  at: number;
  onBehalfOf?: string;
  reason?: string;
  timedOut?: boolean;
}

export type Recorded =
  /** This answer is recorded and its work queued. */
  | { status: 'accepted' }
  /** The same answer again (double click, Slack retry, a responder agreeing): the first one's work is queued again. */
  | { status: 'duplicate' }
  /** A different answer came first; nothing changed. */
  | { status: 'already-answered'; first: FirstAnswer };

/** Only the fields that are set, so a job and a ledger result carry no `undefined`. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export async function recordAnswer(
  deps: { ledger: Ledger; jobs: Jobs; clock: Clock; log: Log },
  given: AnswerToRecord,
): Promise<Recorded> {
  const { key, occurrence, answer, userId, onBehalfOf, reason } = given;
  const at = deps.clock.now();
  const claim = await deps.ledger.settle(
    key,
    `o${occurrence}:answer`,
    defined({ answer, userId, at, onBehalfOf, reason }),
    randomUUID(),
  );
  const job = defined<TriageJob & { kind: 'answer' }>({
    kind: 'answer',
    key,
    occurrence,
    answer,
    userId,
    at,
    onBehalfOf,
    reason,
    dm: given.dm,
  });
  if (claim.status === 'won') {
    await deps.jobs.enqueue(job);
    deps.log.info('answer recorded', onBehalfOf ? { onBehalfOf } : {});
    return { status: 'accepted' };
  }
  if (claim.status === 'held') return { status: 'duplicate' };
  const first = claim.result as FirstAnswer;
  if (first.answer === answer) {
    // Queue the first answer again, as it was given: who gave it, for whom, and why.
    await deps.jobs.enqueue(
      defined({
        ...job,
        userId: first.userId ?? userId,
        at: first.at,
        onBehalfOf: first.onBehalfOf,
        reason: first.reason,
      }),
    );
    return { status: 'duplicate' };
  }
  deps.log.warn('second, different answer refused', { first: first.answer });
  return { status: 'already-answered', first };
}

/** What a late click is told: the first answer, or the resolve or timeout that settled the prompt before it. */
export function alreadySettled(first: { answer: string; at: number }): string {
  const at = new Date(first.at).toISOString();
  if (first.answer === 'resolved')
    return `This alarm was resolved at the source at ${at}; no answer is needed.`;
  if (first.answer === 'closed')
    return `This prompt was closed unanswered at its deadline (${at}); nothing was changed.`;
  return `This prompt was already answered "${first.answer}" at ${at}; nothing was changed.`;
}
