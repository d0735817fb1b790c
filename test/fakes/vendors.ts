/** In-memory Slack, GitHub and PagerDuty for use-case tests: they record every call and can be told to fail. */
import { VendorError } from '../../lambdas/core/errors.ts';
import { carriesMarker } from '../../lambdas/core/render/github.ts';
import type {
  Chat,
  ChatMessage,
  DispatchEvent,
  Events,
  IssueRef,
  IssueTracker,
  Log,
  Metrics,
  NewIssue,
  PageRequest,
  PageResult,
  Pager,
  PostedMessage,
  Repo,
  Timers,
  TriageJob,
} from '../../lambdas/core/ports.ts';

type Failure = () => Error | undefined;

export class FakeChat implements Chat {
  readonly posts: { to: string; message: ChatMessage; channel: string; ts: string }[] = [];
  readonly updates: { at: PostedMessage; message: ChatMessage }[] = [];
  readonly lookups: { to: string; key: string }[] = [];
  /** Return an error to make the next post to `to` fail. */
  failPost: (to: string) => Error | undefined = () => undefined;
  failUpdate: Failure = () => undefined;
  private seq = 0;

  async post(to: string, message: ChatMessage): Promise<PostedMessage> {
    const error = this.failPost(to);
    if (error) throw error;
    enforceSlackLimits(message);
    const posted = {
      to,
      message,
      channel: to.startsWith('U') ? `D${to.slice(1)}` : to,
      ts: `1700000000.${++this.seq}`,
    };
    this.posts.push(posted);
    return { channel: posted.channel, ts: posted.ts };
  }
  async update(at: PostedMessage, message: ChatMessage): Promise<void> {
    const error = this.failUpdate();
    if (error) throw error;
    enforceSlackLimits(message);
    this.updates.push({ at, message });
  }
  async findByKey(to: string, key: string): Promise<PostedMessage | undefined> {
    this.lookups.push({ to, key });
    const found = this.posts.find(
      (p) => p.to === to && p.message.metadata?.event_payload.dispatch_key === key,
    );
    return found && { channel: found.channel, ts: found.ts };
  }
  postsTo(to: string) {
    return this.posts.filter((p) => p.to === to);
  }
  /** The workspace's people by lower-cased email, as users.lookupByEmail finds them; anyone else is not found. */
  readonly directory = new Map<string, string>();
  /** Every users.lookupByEmail, in order. */
  readonly emailLookups: string[] = [];
  /** Return an error to make the lookup of `email` fail. */
  failLookup: (email: string) => Error | undefined = () => undefined;
  async lookupByEmail(email: string): Promise<string | undefined> {
    this.emailLookups.push(email);
    const error = this.failLookup(email);
    if (error) throw error;
    return this.directory.get(email.toLowerCase());
  }
}

export interface FakeIssue extends IssueRef, NewIssue {
  state: 'open' | 'closed';
  comments: string[];
  /** Who wrote each comment (same order as `comments`). */
  commentAuthors: string[];
  /** The GitHub login that created the issue. */
  author: string;
}

export class FakeTracker implements IssueTracker {
  /** The account Dispatch's token authenticates as: the author of everything it creates. */
  readonly login = 'dispatch-bot';
  readonly issues: FakeIssue[] = [];
  readonly calls: string[] = [];
  failCreate: Failure = () => undefined;
  failComment: Failure = () => undefined;
  /** Creates the issue, then fails as if the answer was lost (the crash window). */
  loseCreateAnswer = false;

  async create(repo: Repo, issue: NewIssue): Promise<IssueRef> {
    this.calls.push(`create ${repo.owner}/${repo.repo}`);
    const error = this.failCreate();
    if (error) throw error;
    enforceGitHubLimits(issue.body, issue.title);
    const number = this.issues.length + 1;
    const made: FakeIssue = {
      ...repo,
      ...issue,
      number,
      url: `https://github.com/${repo.owner}/${repo.repo}/issues/${number}`,
      state: 'open',
      comments: [],
      commentAuthors: [],
      author: this.login,
    };
    this.issues.push(made);
    if (this.loseCreateAnswer) {
      this.loseCreateAnswer = false;
      throw new VendorError('github', 'create issue did not complete: socket hang up', { retryable: true });
    }
    return ref(made);
  }
  async state(issue: IssueRef): Promise<'open' | 'closed'> {
    this.calls.push(`state #${issue.number}`);
    return this.find(issue).state;
  }
  async comment(issue: IssueRef, body: string): Promise<number> {
    this.calls.push(`comment #${issue.number}`);
    const error = this.failComment();
    if (error) throw error;
    enforceGitHubLimits(body);
    return this.addComment(issue, body, this.login);
  }
  /** Someone other than Dispatch opens an issue (tests: a planted marker). */
  plant(repo: Repo, issue: { title?: string; body: string; author: string }): IssueRef {
    const number = this.issues.length + 1;
    const made: FakeIssue = {
      ...repo,
      title: issue.title ?? 'unrelated',
      body: issue.body,
      labels: [],
      number,
      url: `https://github.com/${repo.owner}/${repo.repo}/issues/${number}`,
      state: 'open',
      comments: [],
      commentAuthors: [],
      author: issue.author,
    };
    this.issues.push(made);
    return ref(made);
  }
  /** A comment by `author` (tests: someone other than Dispatch comments). */
  addComment(issue: IssueRef, body: string, author: string): number {
    const found = this.find(issue);
    found.commentAuthors.push(author);
    return found.comments.push(body) - 1;
  }
  async editComment(issue: IssueRef, commentId: number, body: string): Promise<void> {
    this.calls.push(`edit comment #${issue.number}`);
    enforceGitHubLimits(body);
    this.find(issue).comments[commentId] = body;
  }
  async findComment(issue: IssueRef, key: string): Promise<number | undefined> {
    this.calls.push(`comments #${issue.number}`);
    // As the real adapter: only what Dispatch's account wrote, with the marker as its last line.
    const found = this.find(issue);
    const index = found.comments.findIndex(
      (c, i) => found.commentAuthors[i] === this.login && carriesMarker(c, key),
    );
    return index < 0 ? undefined : index;
  }
  async close(issue: IssueRef): Promise<void> {
    this.calls.push(`close #${issue.number}`);
    this.find(issue).state = 'closed';
  }
  async addLabels(issue: IssueRef, labels: string[]): Promise<void> {
    this.calls.push(`label #${issue.number}`);
    this.find(issue).labels.push(...labels);
  }
  async findByKey(repo: Repo, key: string): Promise<IssueRef | undefined> {
    this.calls.push(`find ${repo.owner}/${repo.repo}`);
    const found = this.issues.find(
      (i) =>
        i.owner === repo.owner &&
        i.repo === repo.repo &&
        i.author === this.login &&
        carriesMarker(i.body, key),
    );
    return found && ref(found);
  }
  private find(issue: IssueRef): FakeIssue {
    const found = this.issues.find(
      (i) => i.owner === issue.owner && i.repo === issue.repo && i.number === issue.number,
    );
    if (!found) throw new VendorError('github', 'HTTP 404', { retryable: false, status: 404 });
    return found;
  }
}

function ref(i: FakeIssue): IssueRef {
  return { owner: i.owner, repo: i.repo, number: i.number, url: i.url };
}

/**
 * Slack answers invalid_blocks for more than 50 blocks or a text object over 3,000 characters, and refuses a
 * button value over 2,000: https://api.slack.com/reference/block-kit/blocks
 */
function enforceSlackLimits(message: ChatMessage): void {
  const texts = JSON.stringify(message.blocks ?? []).match(/"text":"(?:[^"\\]|\\.)*"/g) ?? [];
  const values = JSON.stringify(message.blocks ?? []).match(/"value":"(?:[^"\\]|\\.)*"/g) ?? [];
  const tooLong = texts.some((t) => (JSON.parse(t.slice(7)) as string).length > 3_000);
  const valueTooLong = values.some((v) => (JSON.parse(v.slice(8)) as string).length > 2_000);
  // A block_id holds 255 characters (https://api.slack.com/reference/block-kit/blocks), a select option's value 150
  // (https://api.slack.com/reference/block-kit/composition-objects#option).
  const idTooLong = (message.blocks ?? []).some((b) => String(b.block_id ?? '').length > 255);
  const optionTooLong = (message.blocks ?? []).some((b) =>
    ((b.elements as { options?: { value: string }[] }[] | undefined) ?? []).some((e) =>
      (e.options ?? []).some((o) => o.value.length > 150),
    ),
  );
  if ((message.blocks ?? []).length > 50 || tooLong || valueTooLong || idTooLong || optionTooLong) {
    throw new VendorError('slack', 'chat.postMessage failed: invalid_blocks', { retryable: false });
  }
}

/** GitHub answers 422 for a title over 256 or a body over 65,536 characters (issues and comments alike). */
function enforceGitHubLimits(body: string | undefined, title?: string): void {
  if ((body ?? '').length > 65_536 || (title ?? '').length > 256) {
    throw new VendorError('github', 'answered HTTP 422: body or title is too long', {
      retryable: false,
      status: 422,
    });
  }
}

export class FakeEvents implements Events {
  readonly published: DispatchEvent[] = [];
  failPublish: Failure = () => undefined;
  async publish(event: DispatchEvent): Promise<void> {
    const error = this.failPublish();
    if (error) throw error;
    this.published.push(structuredClone(event));
  }
  of(type: DispatchEvent['detailType']) {
    return this.published.filter((e) => e.detailType === type);
  }
}

export class FakePager implements Pager {
  readonly resolved: { dedupKey: string; service?: string | undefined }[] = [];
  async resolve(request: { dedupKey: string; service?: string | undefined }): Promise<void> {
    const error = this.failTrigger();
    if (error) throw error;
    this.resolved.push(request);
  }
  readonly pages: PageRequest[] = [];
  failTrigger: Failure = () => undefined;
  async trigger(page: PageRequest): Promise<PageResult> {
    const error = this.failTrigger();
    if (error) throw error;
    // As Events API v2 answers: https://developer.pagerduty.com/docs/events-api-v2/trigger-events/
    if (page.dedupKey.length > 255 || page.summary.length > 1024) {
      throw new VendorError('pagerduty', 'enqueue answered HTTP 400 (Invalid Event)', {
        retryable: false,
        status: 400,
      });
    }
    const deduplicated = this.pages.some((p) => p.dedupKey === page.dedupKey);
    this.pages.push(page);
    return { dedupKey: page.dedupKey, deduplicated };
  }
}

export class MemoryLog implements Log {
  constructor(
    readonly lines: { level: string; message: string; fields: Record<string, unknown> }[] = [],
    private readonly base: Record<string, unknown> = {},
  ) {}
  info(message: string, fields?: Record<string, unknown>) {
    this.lines.push({ level: 'info', message, fields: { ...this.base, ...fields } });
  }
  warn(message: string, fields?: Record<string, unknown>) {
    this.lines.push({ level: 'warn', message, fields: { ...this.base, ...fields } });
  }
  error(message: string, fields?: Record<string, unknown>) {
    this.lines.push({ level: 'error', message, fields: { ...this.base, ...fields } });
  }
  with(fields: Record<string, unknown>): Log {
    return new MemoryLog(this.lines, { ...this.base, ...fields });
  }
}

export class MemoryMetrics implements Metrics {
  readonly counts: { name: string; dimensions: Record<string, string>; value: number }[] = [];
  count(name: string, dimensions: Record<string, string>, value = 1) {
    this.counts.push({ name, dimensions, value });
  }
}

export const slackRefused = (reason: string) =>
  new VendorError('slack', `chat.postMessage failed: ${reason}`, { retryable: false });
export const transient = (vendor: 'slack' | 'github' | 'pagerduty') =>
  new VendorError(vendor, 'answered HTTP 503', { retryable: true, status: 503 });

export class FakeTimers implements Timers {
  readonly set_: Map<string, { at: number; job: TriageJob }> = new Map();
  readonly cancelled: string[] = [];
  async set(name: string, at: number, job: TriageJob): Promise<void> {
    if (!this.set_.has(name)) this.set_.set(name, { at, job });
  }
  async cancel(name: string): Promise<void> {
    this.cancelled.push(name);
    this.set_.delete(name);
  }
  /** The job of the timer of this kind, as the scheduler would deliver it. */
  job(kind: 'deadline' | 'reminder' | 'digest'): TriageJob | undefined {
    return [...this.set_.entries()].find(([n]) => n.startsWith(`${kind}-`))?.[1].job;
  }
}
