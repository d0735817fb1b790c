/**
 * The ports the use cases call. Adapters in lambdas/adapters implement them over Slack, GitHub, PagerDuty,
 * DynamoDB and SSM; tests pass in-memory fakes. Nothing in lambdas/core imports a vendor SDK.
 */

// ---------------------------------------------------------------- Slack

/** A Block Kit block; kept loose so core does not depend on the Slack SDK's types. */
export type Block = Record<string, unknown>;

export interface ChatMessage {
  /** Plain-text fallback for notifications and screen readers. */
  text: string;
  /** Posts as a reply in the thread of this message (e.g. a reminder under its prompt). */
  threadTs?: string | undefined;
  blocks: Block[];
  /** Slack message metadata; carries the Dispatch key so a message can be found again after a crash. */
  metadata?: { event_type: string; event_payload: Record<string, string | number | boolean> };
}

export interface PostedMessage {
  channel: string;
  ts: string;
}

export interface Chat {
  /** Posts to a user ID (a DM from the app) or a channel. Throws VendorError. */
  post(to: string, message: ChatMessage): Promise<PostedMessage>;
  update(at: PostedMessage, message: ChatMessage): Promise<void>;
  /** One bounded read of the recent messages the app posted to `to`, looking for one carrying `key`. */
  findByKey(to: string, key: string): Promise<PostedMessage | undefined>;
  /** An ephemeral reply through an interaction's response_url. */
  respond?(responseUrl: string, body: Record<string, unknown>): Promise<void>;
  /**
   * users.lookupByEmail: the Slack user ID of the person with this email; undefined when Slack knows no active
   * person by it (`users_not_found`, a deactivated account). Throws VendorError for anything else.
   */
  lookupByEmail(email: string): Promise<string | undefined>;
}

/** Slack views (modals), opened with an interaction's trigger_id. */
export interface Views {
  /** views.open; throws when Slack does not open it (an expired trigger, a refused view). */
  open(triggerId: string, view: Block): Promise<void>;
}

// ---------------------------------------------------------------- GitHub

export interface Repo {
  owner: string;
  repo: string;
}

export interface IssueRef extends Repo {
  number: number;
  url: string;
}

export interface NewIssue {
  title: string;
  body: string;
  labels: string[];
}

export interface IssueTracker {
  create(repo: Repo, issue: NewIssue): Promise<IssueRef>;
  /** `open` or `closed` as GitHub sees it now (one request). */
  state(issue: IssueRef): Promise<'open' | 'closed'>;
  /** Comments; returns the comment's ID. */
  comment(issue: IssueRef, body: string): Promise<number>;
  editComment(issue: IssueRef, commentId: number, body: string): Promise<void>;
  /** One bounded read of the issue's recent comments, looking for the hidden marker of `key`; its ID if found. */
  findComment(issue: IssueRef, key: string, sinceMs: number): Promise<number | undefined>;
  close(issue: IssueRef): Promise<void>;
  addLabels(issue: IssueRef, labels: string[]): Promise<void>;
  /** One bounded read of the repository's most recent issues, looking for the hidden marker of `key`. */
  findByKey(repo: Repo, key: string): Promise<IssueRef | undefined>;
}

// ---------------------------------------------------------------- PagerDuty

export interface PageRequest {
  /** Makes the trigger idempotent: PagerDuty folds a repeat into the open incident. */
  dedupKey: string;
  summary: string;
  severity: 'critical' | 'error' | 'warning' | 'info';
  /** PagerDuty service ID asked for by the alarm, if any. */
  service?: string | undefined;
  details?: Record<string, unknown>;
  links?: { href: string; text?: string | undefined }[];
}

export interface PageResult {
  dedupKey: string;
  /** True when PagerDuty folded this page into an incident that was already open. */
  deduplicated: boolean;
  incidentUrl?: string | undefined;
  /** Set when the requested service could not be used and the default one was paged instead. */
  note?: string | undefined;
}

export interface Pager {
  trigger(page: PageRequest): Promise<PageResult>;
  /**
   * Resolves the incident of `dedupKey` (Events API v2 `resolve` with the same key, through the routing key of
   * `service` as for the trigger; REST mode: the open incident with that `incident_key`). Resolving what is already
   * resolved, or was never triggered, is not an error.
   */
  resolve(request: { dedupKey: string; service?: string | undefined }): Promise<void>;
}

// ---------------------------------------------------------------- events

/** What Dispatch tells Amazon EventBridge (`source` `dispatch`), so teams can attach containment. */
export type DispatchEventType = 'Prompt Answered' | 'Alarm Escalated' | 'Alarm Resolved' | 'Prompt Timed Out';

export interface DispatchEvent {
  detailType: DispatchEventType;
  detail: {
    /** Stable for one happening (alarm key, occurrence, kind): a consumer can drop a repeat by it. */
    eventId: string;
    alarmKey: string;
    alarmType: string;
    /** The named producer that sent the alarm; absent for the default producer. */
    producer?: string | undefined;
    answer?: 'yes' | 'no' | undefined;
    /** The Slack user who answered (a responder, when `onBehalfOf` is set). */
    answeredBy?: string | undefined;
    /** The prompt's owner, when a responder answered for them. */
    onBehalfOf?: string | undefined;
    reason?: string | undefined;
    issueUrl?: string | undefined;
    pagerDutyDedupKey?: string | undefined;
    /** ISO 8601. */
    at: string;
  };
}

export interface Events {
  /** Publishes one event (EventBridge PutEvents); throws VendorError when it was not accepted. */
  publish(event: DispatchEvent): Promise<void>;
}

// ---------------------------------------------------------------- dead letters

/**
 * The alarm path's dead-letter queue, written by the incoming function itself for an alarm no retry can help (an
 * invalid one, a delivery a vendor refused for good): it goes there at once, not after Lambda's retries.
 */
export interface DeadLetters {
  /** Sends one message (a JSON text within the queue's size limit); resolves with its ID. Throws if not taken. */
  send(body: string): Promise<string | undefined>;
}

// ---------------------------------------------------------------- ledger

export type StepClaim =
  /** This worker owns the step. `reconcile` is true when an earlier attempt may have reached the vendor. */
  | { status: 'won'; reconcile: boolean }
  | { status: 'done'; result: object }
  /** Another worker holds an unexpired lease. */
  | { status: 'held'; until: number };

export interface AlarmRecord {
  key: string;
  /** Increases when a closed alarm fires again with `retrigger` true. */
  occurrence: number;
  /** The SNS message that started the current occurrence; any other one is a repeat. */
  firstMessageId: string;
  /** Set once the occurrence's issue exists. */
  issue?: IssueRef | undefined;
  /** What the triage needs to answer a prompt: who may answer, where to escalate. */
  prompt?: PromptRecord | undefined;
  /** Every step of the occurrence is done: a repeat only counts, and touches no step. */
  finished?: boolean | undefined;
  /** The prompt's answer was carried out in full (closed or escalated): a replayed job does nothing. */
  carriedOut?: boolean | undefined;
  /** When the producer resolved this occurrence at the source (epoch ms), and by which SNS message. */
  resolved?: number | undefined;
  resolvedBy?: string | undefined;
  /** The key's snooze, if it was ever snoozed (lambdas/core/snooze/): active while `until` is ahead and not ended. */
  snooze?: SnoozeRecord | undefined;
  updatedAt: number;
}

/** One snooze period of an alarm key: its repeats are counted, not sent, until `until`. */
export interface SnoozeRecord {
  /** Names this period: its repeat counter, its issue comment, its expiry timer. */
  id: string;
  /** Who snoozed: a Slack user ID (a click), or the operator's name (`dispatch snooze`). */
  by: string;
  via: 'slack' | 'cli';
  /** When it was snoozed, and until when (epoch ms). */
  at: number;
  until: number;
  reason?: string | undefined;
  /** Who moved `until` later with a second snooze. */
  extendedBy?: string | undefined;
  /** Ended early by `dispatch unsnooze` (epoch ms), and by whom. */
  endedAt?: number | undefined;
  endedBy?: string | undefined;
}

/** What `Ledger.snooze` did: a new period, a later end for the running one, or nothing (see lambdas/core/snooze/). */
export type SnoozeOutcome =
  | { status: 'snoozed' | 'extended' | 'kept'; snooze: SnoozeRecord }
  /** No alarm with this key has been seen. */
  | { status: 'unknown' };

export interface AlarmLookup {
  record: AlarmRecord | undefined;
  /** The occurrence this SNS message already joined; undefined for a message never seen. */
  seenIn: number | undefined;
}

export interface PromptRecord {
  /** The Slack user the prompt was sent to; only they may answer. */
  slackUserId: string;
  service?: string | undefined;
  severity: PageRequest['severity'];
  summary: string;
  /** The DM's message, shown again above the outcome once the prompt is answered. */
  message: string;
  /** The button labels, quoted in the audit trail. */
  yesLabel: string;
  noLabel: string;
  yesResponse?: string | undefined;
  noResponse?: string | undefined;
  dm?: PostedMessage | undefined;
  /**
   * The responder copy: the same prompt posted to the default channel for the responders (`prompts.responders`),
   * who may answer there on the owner's behalf; none when no responders are configured.
   */
  copy?: PostedMessage | undefined;
  /** When an unanswered prompt is escalated as if answered "no" (epoch ms); none when deadlines are off. */
  deadline?: number | undefined;
  /** "Yes" counts only with a reason, asked in a modal (the alarm's `requireReason`, else the environment's). */
  requireReason?: boolean | undefined;
  /** What the prompt becomes at its deadline: escalated as "no" (the default) or closed. */
  onTimeout?: 'escalate' | 'close' | undefined;
}

/** A step done, as its completion is written (`Ledger.completeAll`, a step's `collect`). */
export interface StepDone {
  key: string;
  step: string;
  result: object;
}

export interface Ledger {
  /** Reads the alarm record and whether this SNS message was seen before (one round trip). */
  lookup(key: string, messageId: string): Promise<AlarmLookup>;
  /** Reads the alarm record; undefined when the key was never seen. */
  get(key: string): Promise<AlarmRecord | undefined>;
  /**
   * Joins `messageId` to the current occurrence or starts the first one. Starting occurrence `n + 1` happens only
   * when `startNext` is set and the stored occurrence is still `n` (conditional write). Returns the record after.
   */
  join(key: string, messageId: string, startNext?: { from: number }): Promise<AlarmRecord>;
  /**
   * Starts occurrence 1 of a key never seen, with its first facts, and remembers the message: one round trip (a
   * conditional create and a put, in parallel). `exists` when another attempt created the record first.
   */
  begin(
    key: string,
    messageId: string,
    fields: Partial<Pick<AlarmRecord, 'prompt'>>,
  ): Promise<'created' | 'exists'>;
  /** Remembers that `messageId` joined `occurrence` of a known alarm (one write; the record is not touched). */
  remember(key: string, messageId: string, occurrence: number): Promise<void>;
  /**
   * Marks `occurrence` resolved at the source by `messageId` (conditional): `won` for the first resolve and for a
   * redelivery of that same message; `already` when another message resolved it, or the occurrence moved on.
   */
  markResolved(key: string, occurrence: number, messageId: string): Promise<'won' | 'already'>;
  /**
   * A high-priority alarm fired: its record exists and is no longer resolved (one unconditional write, made beside
   * the page's claim; such alarms keep occurrence 1, their pages are named by the SNS message).
   */
  fired(key: string, messageId: string): Promise<void>;
  /** Frees a storm slot, so the next message may notify at once (after a resolve). */
  freeSlot(key: string, slot: string): Promise<void>;
  /**
   * Records facts about the current occurrence (issue, prompt, finished). `posted` sets where the recorded prompt's
   * messages went (its DM, its responder copy) inside the prompt, each on its own, so annotations made in parallel
   * keep each other's; it does nothing while no prompt is recorded, and is never given with `prompt`.
   */
  annotate(
    key: string,
    occurrence: number,
    fields: Partial<Pick<AlarmRecord, 'issue' | 'prompt' | 'finished' | 'carriedOut'>> & {
      posted?: Partial<Pick<PromptRecord, 'dm' | 'copy'>>;
    },
  ): Promise<void>;
  /**
   * Conditional claim of one step of one occurrence. `owner` identifies the attempt: a claim repeated by the same
   * owner (an SDK retry of a write that was applied but whose answer was lost) still wins.
   */
  claim(key: string, step: string, leaseMs: number, owner: string): Promise<StepClaim>;
  complete(key: string, step: string, result: object): Promise<void>;
  /** Records up to 25 steps done in one write (a broadcast's DMs), each as `complete` would. */
  completeAll(steps: StepDone[]): Promise<void>;
  /**
   * Gives back a claim taken ahead (beside another write) and never used: the next claim wins without reconciling,
   * since nothing reached the vendor. Only the owner's own claim is given back.
   */
  unclaim(key: string, step: string, owner: string): Promise<void>;
  /**
   * Claims and completes a step in one conditional write, for a step whose work is the record itself (an answer).
   * `won` when this call recorded `result`; `done` with the first result otherwise; `held` while a claim runs.
   */
  settle(key: string, step: string, result: object, owner: string): Promise<StepClaim>;
  /**
   * Storm control. Takes the time slot `slot` of `key` for `owner`: true when it was free (never taken, or taken
   * more than `windowMs` ago) or is already this owner's; false while another owner holds it.
   */
  takeSlot(key: string, slot: string, windowMs: number, owner: string): Promise<boolean>;
  /** Adds `by` (default 1; -1 undoes a count) to a counter and returns its new value. */
  increment(key: string, counter: string, by?: number): Promise<number>;
  /** Adds one to a counter only while it is below `limit`; false once the limit is reached. */
  incrementBelow(key: string, counter: string, limit: number): Promise<boolean>;
  /** Appends to a list (kept to its first `max` entries) and returns how many were appended in all. */
  append(key: string, list: string, entry: string, max: number): Promise<number>;
  readList(key: string, list: string): Promise<string[]>;
  /** Whether a step is done (a read; claims nothing). */
  isDone(key: string, step: string): Promise<boolean>;
  /** Gives a claimed step back after a failure; the next claim must reconcile. */
  release(key: string, step: string, reason: string): Promise<void>;
  /** The result of a done step; undefined while it is not done (a read; claims nothing). */
  stepResult(key: string, step: string): Promise<object | undefined>;
  /**
   * Snoozes a known alarm key (conditional writes on its record; the snooze is listed for operators too): a new
   * period when none is running, a later `until` for the running one, else it is kept as it is.
   */
  snooze(
    key: string,
    request: Omit<SnoozeRecord, 'extendedBy' | 'endedAt' | 'endedBy'>,
  ): Promise<SnoozeOutcome>;
  /** The Slack user remembered for `email` (lower-cased); undefined when none was, or it expired (one read). */
  person(email: string): Promise<PersonRecord | undefined>;
  /** Remembers the Slack user found for `email` (lower-cased) until `untilMs` (one write). */
  rememberPerson(email: string, slackId: string, untilMs: number): Promise<void>;
}

/** A person Slack found by email (users.lookupByEmail), remembered so the next alarm need not ask. */
export interface PersonRecord {
  slackId: string;
  /** Epoch ms after which the record no longer counts. */
  until: number;
}

// ---------------------------------------------------------------- triage work queue

export type TriageJob =
  /** Carry out a recorded answer: close (yes) or escalate (no), then show the outcome in the DM. */
  | {
      kind: 'answer';
      key: string;
      occurrence: number;
      answer: 'yes' | 'no';
      userId: string;
      at: number;
      /** The prompt's owner, when a responder answered on their behalf (`userId` is the responder). */
      onBehalfOf?: string | undefined;
      /** Why it was them, when the prompt asked for a reason. */
      reason?: string | undefined;
      /** The clicked message, used when the ledger has not recorded the DM. */
      dm?: PostedMessage | undefined;
    }
  /** Tell one person something only they see (a stranger's click, a second answer). */
  | { kind: 'notice'; responseUrl: string; text: string }
  /** The prompt's deadline passed: escalate as if answered "no", unless it was answered. */
  | { kind: 'deadline'; key: string; occurrence: number }
  /** Halfway to the deadline: remind the user, unless they answered. */
  | { kind: 'reminder'; key: string; occurrence: number }
  /** The end of a user's DM window: one digest of what the cap held back. */
  | { kind: 'digest'; user: string; window: number }
  /** A key was snoozed (or its snooze extended): comment on the issue, set the expiry timer, update the DM. */
  | SnoozedJob
  /** A snooze ended (its timer, or `dispatch unsnooze`): the issue's running note says how many repeats arrived. */
  | { kind: 'snooze-ended'; key: string; id: string; until: number; by: string; via: 'slack' | 'cli' };

export interface SnoozedJob {
  kind: 'snoozed';
  key: string;
  id: string;
  until: number;
  by: string;
  via: 'slack' | 'cli';
  reason?: string | undefined;
  /** A second snooze moved `until` later. */
  extended?: boolean | undefined;
  /** The clicked message, and its blocks without the snooze choice (from the click), to show "Snoozed until …". */
  dm?: (PostedMessage & { text: string; blocks: Block[] }) | undefined;
}

/** One-time timers that run a triage job later (EventBridge Scheduler in AWS). */
export interface Timers {
  /** Sets the timer `name` (idempotent: setting it again changes nothing). */
  set(name: string, at: number, job: TriageJob): Promise<void>;
  /** Cancels it; a timer that already fired or never existed is fine. */
  cancel(name: string): Promise<void>;
}

export interface Jobs {
  /** Hands work to run after Slack has been answered; resolves once the work is safely queued. */
  enqueue(job: TriageJob): Promise<void>;
}

// ---------------------------------------------------------------- platform

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface Log {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose every line also carries `fields` (e.g. the alarm id). */
  with(fields: Record<string, unknown>): Log;
}

export interface Metrics {
  count(name: string, dimensions: Record<string, string>, value?: number): void;
}
