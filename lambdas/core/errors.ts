/**
 * Typed errors shared by both Lambdas, the local runner and the CLI.
 *
 * Every error carries a stable `code`, says where the fault is, and keeps the underlying error as `cause`.
 * `retryable` tells the handler whether throwing (so Lambda retries, then dead-letters) can help.
 */
export type ErrorCode =
  | 'ALARM_NOT_JSON'
  | 'ALARM_TOO_LARGE'
  | 'ALARM_INVALID'
  | 'ALARM_TYPE_NOT_ALLOWED'
  | 'EVENT_INVALID'
  | 'CONFIG_INVALID'
  | 'SECRET_MISSING'
  | 'VENDOR_FAILED'
  | 'VENDOR_REJECTED'
  | 'LEDGER_FAILED'
  | 'STEP_IN_PROGRESS'
  | 'REQUEST_TOO_LARGE'
  | 'REQUEST_UNSIGNED'
  /** Signed by Slack, but for another workspace or app than the one this Dispatch answers. */
  | 'REQUEST_FOREIGN'
  | 'REQUEST_INVALID';

export class DispatchError extends Error {
  override name = 'DispatchError';
  readonly code: ErrorCode;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** One problem in an alarm: where (a JSON path such as `body.slack.actions.no`) and what is wrong. */
export interface AlarmIssue {
  path: string;
  message: string;
}

/** Problems named in an AlarmValidationError's message (its reason in logs and the dead-letter queue); all are in `issues`. */
export const ISSUES_IN_MESSAGE = 20;

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

/** An alarm that does not meet MESSAGE-SPEC.md; lists every problem at once. Never retryable. */
export class AlarmValidationError extends DispatchError {
  override name = 'AlarmValidationError';
  readonly issues: AlarmIssue[];

  constructor(issues: AlarmIssue[], code: ErrorCode = 'ALARM_INVALID') {
    const shown = issues.slice(0, ISSUES_IN_MESSAGE);
    const lines = shown.map((i) => cut(i.path ? `${i.path}: ${i.message}` : i.message, 500));
    if (issues.length > shown.length) lines.push(`and ${issues.length - shown.length} more`);
    const head = issues.length === 1 ? 'alarm rejected' : `alarm rejected (${issues.length} problems)`;
    super(code, `${head}: ${lines.join('; ')}`);
    this.issues = issues;
  }
}

/** A configuration value is missing or malformed; names the variable and the fix. */
export class ConfigError extends DispatchError {
  override name = 'ConfigError';
  constructor(message: string) {
    super('CONFIG_INVALID', message);
  }
}

/** A vendor (Slack, GitHub, PagerDuty) call failed. `retryable` is false for rejections a retry cannot fix. */
export class VendorError extends DispatchError {
  override name = 'VendorError';
  readonly vendor:
    'slack' | 'github' | 'pagerduty' | 'ssm' | 'dynamodb' | 'lambda' | 'scheduler' | 'eventbridge' | 'sqs';
  readonly status: number | undefined;
  /** How long the vendor asked us to wait (Retry-After), when it did. */
  readonly retryAfterMs: number | undefined;

  constructor(
    vendor: VendorError['vendor'],
    message: string,
    options: {
      cause?: unknown;
      retryable: boolean;
      status?: number | undefined;
      retryAfterMs?: number | undefined;
    },
  ) {
    super(options.retryable ? 'VENDOR_FAILED' : 'VENDOR_REJECTED', `${vendor}: ${message}`, options);
    this.vendor = vendor;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}
