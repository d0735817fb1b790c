/**
 * What happened to each alarm sent to the sandbox, in words: the timeline the sandbox page shows, the `summary` of a
 * POST /alarms answer and what `npm start -- --send` prints.
 *
 * Alarms are grouped by key (an alarm and its repeats share one), so a timeline reads: received, issue #1 opened,
 * DM sent to U…, received again, suppressed as a repeat of #1, answered "no" by U…, PagerDuty paged. Events come from
 * the route report of each alarm, the page's clicks and the triage work that carries answers out. Everything here is
 * plain text: the page shows it with textContent.
 */
import type { Delivery, DmOutcome } from '../../lambdas/core/route-types.ts';
import { translateNative, type NativeSummary } from '../../lambdas/core/sources/translate.ts';
import type { TriageJob } from '../../lambdas/core/ports.ts';

export type EventKind =
  | 'received'
  | 'rejected'
  | 'failed'
  | 'issue'
  | 'dm'
  | 'suppressed'
  | 'page'
  | 'answer'
  | 'closed'
  | 'escalated'
  | 'note';

export interface ActivityEvent {
  at: string;
  kind: EventKind;
  text: string;
}

export interface AlarmActivity {
  id: string;
  type: string;
  title: string;
  keys: string[];
  issue?: { owner: string; repo: string; number: number } | undefined;
  events: ActivityEvent[];
}

export interface ActivityCounts {
  alarms: number;
  rejected: number;
  issues: number;
  dms: number;
  suppressed: number;
  yes: number;
  no: number;
  pages: number;
}

/** The body POST /alarms answers with (see sandbox-server.ts). */
export interface RouteReply {
  messageId?: string;
  deliveries?: Delivery[];
  native?: NativeSummary;
  error?: string;
  issues?: { path: string; message: string }[];
}

/** An incident of the fake PagerDuty, when there is one, to name it ("incident #2"). */
export type IncidentLookup = (dedupKey: string) => { number: number; title: string } | undefined;

/** Timelines kept: the page shows the newest. */
const KEEP = 200;
/** More DMs of one kind than this are told as one line with a count. */
const LIST_DMS = 5;

const quote = (s: string) => `“${s}”`;

/** " on behalf of U…" when a responder answered for the prompt's owner. */
const behalf = (job: { onBehalfOf?: string | undefined }) =>
  job.onBehalfOf ? ` on behalf of ${job.onBehalfOf}` : '';

function describe(raw: string): { type: string; title: string; users: string[] } {
  let alarm: unknown;
  try {
    alarm = JSON.parse(raw);
  } catch {
    return { type: 'invalid', title: 'not JSON', users: [] };
  }
  // A native AWS event is told as the first alarm it became (lambdas/core/sources/).
  const native = nativeAlarm(alarm);
  if (native) return native;
  const a = (alarm ?? {}) as {
    type?: unknown;
    users?: { slackId?: unknown }[];
    body?: { github?: { title?: unknown }; pagerduty?: { title?: unknown }; slack?: { message?: unknown } };
  };
  const title = [a.body?.github?.title, a.body?.pagerduty?.title, a.body?.slack?.message].find(
    (t): t is string => typeof t === 'string' && t !== '',
  );
  return {
    type: typeof a.type === 'string' ? a.type : 'alarm',
    title: (title ?? '(no title)').slice(0, 200),
    users: Array.isArray(a.users) ? a.users.map((u) => String(u?.slackId ?? '')) : [],
  };
}

function nativeAlarm(input: unknown): { type: string; title: string; users: string[] } | undefined {
  try {
    const native = translateNative(input);
    if (!native) return undefined;
    const first = native.alarms[0];
    if (!first) return { type: native.source, title: native.what.slice(0, 200), users: [] };
    const title = first.type === 'high-priority' ? first.body.pagerduty.title : first.body.github.title;
    return { type: first.type, title: title.slice(0, 200), users: [] };
  } catch {
    return undefined;
  }
}

export class Activity {
  private alarms = new Map<string, AlarmActivity>();
  private byKey = new Map<string, AlarmActivity>();
  private seenDms = new Set<string>();
  /** Answers recorded and carried out, by key and occurrence: a repeated click changes nothing. */
  private answers = new Set<string>();
  private outcomes = new Set<string>();
  /** What the triage told the clicker instead of taking the answer, during the current click. */
  private notice: string | undefined;
  /** The answer the triage took during the current click or form submission. */
  private taken: Extract<TriageJob, { kind: 'answer' }> | undefined;
  private counts: ActivityCounts = Activity.zero();
  private seq = 0;

  constructor(
    private readonly incident: IncidentLookup = () => undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private static zero(): ActivityCounts {
    return { alarms: 0, rejected: 0, issues: 0, dms: 0, suppressed: 0, yes: 0, no: 0, pages: 0 };
  }

  /** Forgets everything (the page's Reset). */
  clear(): void {
    this.alarms.clear();
    this.byKey.clear();
    this.seenDms.clear();
    this.answers.clear();
    this.outcomes.clear();
    this.counts = Activity.zero();
  }

  private entry(id: string, type: string, title: string): AlarmActivity {
    let entry = this.alarms.get(id);
    if (!entry) {
      entry = { id, type, title, keys: [], events: [] };
      this.alarms.set(id, entry);
      while (this.alarms.size > KEEP) {
        const oldest = this.alarms.values().next().value!;
        this.alarms.delete(oldest.id);
        for (const k of oldest.keys) if (this.byKey.get(k) === oldest) this.byKey.delete(k);
      }
    } else {
      // Most recent activity last in the map, so the page lists it first.
      this.alarms.delete(id);
      this.alarms.set(id, entry);
    }
    return entry;
  }

  private add(entry: AlarmActivity, kind: EventKind, text: string): string {
    entry.events.push({ at: this.now().toISOString(), kind, text });
    return text;
  }

  /**
   * An alarm went through POST /alarms (`source` says how it came: "example …", "POST /alarms"). Returns what
   * happened, in words, one line per step.
   */
  received(raw: string, source: string, status: number, reply: RouteReply): string[] {
    const alarm = describe(raw);
    this.counts.alarms++;
    if (status === 400 || !reply.deliveries) {
      const id = `message-${++this.seq}`;
      const entry = this.entry(id, alarm.type, alarm.title);
      this.add(entry, 'received', `received (${source})`);
      if (status === 400) {
        this.counts.rejected++;
        const problems = (reply.issues ?? []).map((i) => `${i.path || '(alarm)'}: ${i.message}`);
        return [this.add(entry, 'rejected', `rejected, nothing sent: ${problems.join('; ') || reply.error}`)];
      }
      return [
        this.add(
          entry,
          'failed',
          `${reply.error ?? `failed (HTTP ${status})`}; in AWS the alarm would be retried, then dead-lettered`,
        ),
      ];
    }
    const said: string[] = [];
    reply.deliveries.forEach((delivery, i) => {
      const user = alarm.users[i];
      const title = reply.deliveries!.length > 1 && user ? `${alarm.title} (${user})` : alarm.title;
      const entry = this.byKey.get(delivery.key) ?? this.entry(`key-${++this.seq}`, alarm.type, title);
      this.entry(entry.id, entry.type, entry.title);
      if (!entry.keys.includes(delivery.key)) entry.keys.push(delivery.key);
      this.byKey.set(delivery.key, entry);
      this.add(entry, 'received', `received (${source})`);
      if (delivery.issue) {
        const { owner, repo, number } = delivery.issue;
        entry.issue = { owner, repo, number };
      }
      said.push(...this.delivered(entry, delivery));
      if (said.length === 0) said.push('received; nothing new to send');
    });
    // A native event that became no alarm (dropped by its severity, or ignored): say so.
    for (const skip of reply.native?.skipped ?? [])
      said.push(`${reply.native!.what}: ${skip.outcome}, ${skip.reason}`);
    return said;
  }

  private delivered(entry: AlarmActivity, d: Delivery): string[] {
    const said: string[] = [];
    if (d.suppressed) {
      this.counts.suppressed++;
      const of = d.issue ? ` of #${d.issue.number}` : '';
      const seen = d.seen ? `, seen ${d.seen} times` : '';
      said.push(this.add(entry, 'suppressed', `suppressed as a repeat${of} (${d.suppressed}${seen})`));
    } else if (d.issue) {
      this.counts.issues++;
      said.push(
        this.add(entry, 'issue', `issue #${d.issue.number} opened in ${d.issue.owner}/${d.issue.repo}`),
      );
    }
    said.push(...this.dms(entry, d.dms));
    if (d.page) {
      const incident = this.incident(d.page.dedupKey);
      const named = incident ? `incident #${incident.number} ${quote(incident.title)}` : 'an incident';
      const note = d.page.note ? ` (${d.page.note})` : '';
      if (d.page.deduplicated) {
        said.push(this.add(entry, 'page', `PagerDuty already had ${named} open for this alarm${note}`));
      } else {
        this.counts.pages++;
        said.push(this.add(entry, 'page', `PagerDuty paged: ${named}${note}`));
      }
    }
    return said;
  }

  private dms(entry: AlarmActivity, dms: DmOutcome[]): string[] {
    const fresh = dms.filter((dm) => {
      if (!dm.ts) return true;
      const id = `${dm.channel}|${dm.ts}`;
      if (this.seenDms.has(id)) return false;
      this.seenDms.add(id);
      return true;
    });
    const groups = new Map<string, string[]>();
    const lines: string[] = [];
    for (const dm of fresh) {
      if (dm.failed !== undefined)
        lines.push(`DM to ${dm.to} refused by Slack (${dm.failed}); the default channel was told`);
      else if (dm.held) groups.set('held', [...(groups.get('held') ?? []), dm.to]);
      else if (dm.fallback !== undefined) {
        this.counts.dms++;
        lines.push(`posted in ${dm.channel ?? dm.to} instead of a DM: ${dm.fallback}`);
      } else {
        this.counts.dms++;
        groups.set('sent', [...(groups.get('sent') ?? []), dm.to]);
      }
    }
    const list = (to: string[]) =>
      to.length > LIST_DMS ? `${to.length} users (${to.slice(0, 3).join(', ')}, …)` : to.join(', ');
    const sent = groups.get('sent');
    const held = groups.get('held');
    const said = [
      ...(sent ? [`DM sent to ${list(sent)}`] : []),
      ...(held ? [`DM to ${list(held)} held back by the per-person cap; it goes out in a digest`] : []),
      ...lines,
    ];
    return said.map((text) => this.add(entry, 'dm', text));
  }

  /** The triage queued work: an answer it took, or a notice for the clicker (an answer it did not take). */
  queued(job: TriageJob): void {
    if (job.kind === 'notice') {
      // Slack markup in Dispatch's own notices: <@U…> is a mention.
      this.notice = job.text.replace(/<@([A-Z0-9]+)>/g, '$1');
      return;
    }
    if (job.kind !== 'answer') return;
    this.taken = job;
    const entry = this.byKey.get(job.key);
    const id = `${job.key}#${job.occurrence}`;
    if (this.answers.has(id)) {
      if (entry) this.add(entry, 'answer', `${quote(job.answer)} clicked again: the first answer stands`);
      return;
    }
    this.answers.add(id);
    const reason = job.reason ? `, with the reason ${quote(job.reason.slice(0, 200))}` : '';
    if (entry)
      this.add(
        entry,
        'answer',
        `answered ${quote(job.answer)} by Slack user ${job.userId}${behalf(job)}${reason}`,
      );
  }

  /** The answer taken since the last call, when it was `userId`'s. */
  private takenBy(userId: string) {
    const taken = this.taken;
    this.taken = undefined;
    return taken?.userId === userId ? taken : undefined;
  }

  /**
   * The page clicked a button of the prompt for `key` and the triage endpoint answered `status`. Returns what that
   * did, for the person who clicked.
   */
  clicked(key: string, answer: string, user: string, status: number, seen: { form?: boolean } = {}): string {
    const entry = this.byKey.get(key);
    const notice = this.notice;
    this.notice = undefined;
    const taken = this.takenBy(user);
    if (status !== 200) {
      const text = `Dispatch refused the click on ${quote(answer)} (HTTP ${status})`;
      if (entry) this.add(entry, 'rejected', text);
      return `${text}.`;
    }
    if (notice) {
      const text = `a click on ${quote(answer)} by ${user} changed nothing: ${notice}`;
      if (entry) this.add(entry, 'note', text);
      return `Dispatch did not take this click: ${notice}`;
    }
    if (seen.form) {
      if (entry)
        this.add(
          entry,
          'note',
          `${quote(answer)} clicked by ${user}: Dispatch opened a form asking why; nothing counts until it is submitted`,
        );
      return (
        `Dispatch needs a reason with ${quote(answer)}: it opened a form for ${user} (a Slack modal, shown in the ` +
        'Slack panel). Nothing is recorded until you submit it; Cancel leaves the prompt open.'
      );
    }
    return (
      `You answered ${quote(answer)} as Slack user ${user}${taken ? behalf(taken) : ''}. Dispatch acknowledged the ` +
      'click at once, as Slack requires, and carries it out in the background: see What happened.'
    );
  }

  /**
   * The page's form was submitted as `user` and the triage endpoint answered `status`: closed (taken), or kept open
   * with `errors`. Returns what that did, for the person who submitted it.
   */
  formSubmitted(
    key: string,
    user: string,
    status: number,
    result: { errors?: string[]; closed: boolean },
  ): string {
    const entry = this.byKey.get(key);
    const taken = this.takenBy(user);
    if (status !== 200) {
      const text = `Dispatch refused the form (HTTP ${status})`;
      if (entry) this.add(entry, 'rejected', text);
      return `${text}; it stays open.`;
    }
    if (!result.closed) {
      const why = (result.errors ?? []).join(' ');
      if (entry) this.add(entry, 'note', `the form sent by ${user} was refused: ${why}`);
      return `Dispatch kept the form open: ${why}`;
    }
    if (!taken) return 'The form was sent and closed.';
    return (
      `You answered ${quote(taken.answer)} as Slack user ${user}${behalf(taken)}, with your reason. Dispatch carries ` +
      'it out in the background: see What happened.'
    );
  }

  /** The page's form was closed without submitting it (`viewClosed`: the status of the view_closed sent, if any). */
  formClosed(key: string, user: string, viewClosed?: number): string {
    const entry = this.byKey.get(key);
    if (entry) this.add(entry, 'note', `${user} closed the form without an answer; the prompt stays open`);
    const told =
      viewClosed === undefined
        ? 'Slack tells Dispatch nothing (the view did not ask for view_closed)'
        : `Slack sent view_closed (HTTP ${viewClosed})`;
    return `Form closed without an answer: nothing was recorded and the prompt stays open. ${told}.`;
  }

  /** The triage worker finished a job (an answer carried out, a deadline, a reminder). */
  jobDone(job: TriageJob): void {
    if (!('key' in job)) return;
    const entry = this.byKey.get(job.key);
    if (!entry) return;
    if (job.kind === 'answer' || job.kind === 'deadline') {
      // A repeated answer is queued again and runs again, changing nothing: told once.
      const id = `${job.key}#${job.occurrence}`;
      if (this.outcomes.has(id)) return;
      if (job.kind === 'answer' || this.incident(job.key)) this.outcomes.add(id);
    }
    const issue = entry.issue ? `issue #${entry.issue.number}` : 'the issue';
    const incident = this.incident(job.key);
    const paged = incident
      ? `PagerDuty paged: incident #${incident.number} ${quote(incident.title)}`
      : 'PagerDuty paged';
    if (job.kind === 'answer' && job.answer === 'yes') {
      this.counts.yes++;
      const reason = job.reason ? ', quoting the reason' : '';
      this.add(entry, 'closed', `${issue} closed with a comment saying who answered, when and what${reason}`);
      this.add(entry, 'dm', 'the DM shows the answer instead of the buttons');
    } else if (job.kind === 'answer') {
      this.counts.no++;
      this.counts.pages++;
      this.add(entry, 'escalated', paged);
      this.add(
        entry,
        'escalated',
        `${issue} labelled escalated and kept open, with a comment saying who answered`,
      );
      this.add(entry, 'dm', 'the DM shows the answer instead of the buttons');
    } else if (job.kind === 'deadline' && incident) {
      this.counts.pages++;
      this.add(entry, 'escalated', `no answer by the deadline, so escalated as if answered “no”: ${paged}`);
    } else if (job.kind === 'reminder') {
      this.add(entry, 'note', 'reminder sent under the prompt');
    }
  }

  /** A job failed; `final` when it will not be tried again (it is dead-lettered). */
  jobFailed(job: TriageJob, error: unknown, final: boolean): void {
    if (!('key' in job)) return;
    const entry = this.byKey.get(job.key);
    if (!entry) return;
    const why = error instanceof Error ? error.message : String(error);
    this.add(
      entry,
      'failed',
      final
        ? `could not finish the ${job.kind} (${why}); given up, as the worker's dead-letter queue would`
        : `could not finish the ${job.kind} yet (${why}); retrying`,
    );
  }

  /** Newest first. */
  snapshot(): { counts: ActivityCounts; alarms: AlarmActivity[] } {
    return { counts: { ...this.counts }, alarms: [...this.alarms.values()].reverse() };
  }
}
