/**
 * Timers as EventBridge Scheduler one-time schedules that invoke the triage worker with the job, then delete
 * themselves. https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#one-time
 */
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { ConfigError, VendorError } from '../core/errors.ts';
import type { Log, Timers, TriageJob } from '../core/ports.ts';

export interface SchedulerTimersOptions {
  group: string;
  /** The role EventBridge Scheduler assumes to invoke the worker (needed to set timers, not to cancel them). */
  roleArn?: string | undefined;
  workerArn?: string | undefined;
}

/** `at(yyyy-mm-ddThh:mm:ss)` in UTC, to the second; a time in the past fires at once. */
export function atExpression(ms: number): string {
  return `at(${new Date(Math.ceil(ms / 1000) * 1000).toISOString().slice(0, 19)})`;
}

export class SchedulerTimers implements Timers {
  constructor(
    private readonly scheduler: SchedulerClient,
    private readonly options: SchedulerTimersOptions,
  ) {}

  /** The same timers, invoking `workerArn` when none was configured. */
  withTarget(workerArn: string): SchedulerTimers {
    if (this.options.workerArn) return this;
    return new SchedulerTimers(this.scheduler, { ...this.options, workerArn });
  }

  async set(name: string, at: number, job: TriageJob): Promise<void> {
    if (!this.options.roleArn || !this.options.workerArn) {
      throw new ConfigError(
        'DISPATCH_SCHEDULER_ROLE_ARN and DISPATCH_TRIAGE_WORKER_ARN are needed to set prompt timers',
      );
    }
    try {
      await this.scheduler.send(
        new CreateScheduleCommand({
          Name: name,
          GroupName: this.options.group,
          ScheduleExpression: atExpression(at),
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: {
            Arn: this.options.workerArn,
            RoleArn: this.options.roleArn,
            Input: JSON.stringify(job),
            RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 86_400 },
          },
        }),
      );
    } catch (error) {
      if (error instanceof ConflictException) return; // already set by an earlier attempt
      throw schedulerError('set timer', error);
    }
  }

  async cancel(name: string): Promise<void> {
    try {
      await this.scheduler.send(new DeleteScheduleCommand({ Name: name, GroupName: this.options.group }));
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return; // fired already, or never set
      throw schedulerError('cancel timer', error);
    }
  }
}

function schedulerError(what: string, error: unknown): VendorError {
  return new VendorError('scheduler', `${what}: ${(error as Error).name}: ${(error as Error).message}`, {
    cause: error,
    retryable: true,
  });
}

/**
 * The worker's timers (a snooze's expiry) target the worker itself, whose ARN its own environment cannot name (a
 * cycle in the template): it comes from the invocation, without a qualifier.
 */
export function targetingSelf(timers: Timers, invokedArn: string | undefined): Timers {
  if (!(timers instanceof SchedulerTimers) || !invokedArn) return timers;
  return timers.withTarget(invokedArn.split(':').slice(0, 7).join(':'));
}

/** Timers in this process (the local runner): they fire by handing the job to `run`. */
export class InProcessTimers implements Timers {
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly run: (job: TriageJob) => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {}

  async set(name: string, at: number, job: TriageJob): Promise<void> {
    if (this.pending.has(name)) return;
    const timer = setTimeout(
      () => {
        this.pending.delete(name);
        void this.run(job);
      },
      Math.max(0, at - this.now()),
    );
    timer.unref();
    this.pending.set(name, timer);
  }

  async cancel(name: string): Promise<void> {
    clearTimeout(this.pending.get(name));
    this.pending.delete(name);
  }
}

/** No scheduler configured: prompts have no deadline, and the log says so once. */
export class NoTimers implements Timers {
  private warned = false;
  constructor(private readonly log: Log) {}
  async set(): Promise<void> {
    if (!this.warned) {
      this.warned = true;
      this.log.warn('prompt deadlines are off: DISPATCH_SCHEDULE_GROUP is not set');
    }
  }
  async cancel(): Promise<void> {}
}
