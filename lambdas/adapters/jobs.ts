/**
 * Where triage work goes after Slack is answered.
 * - LambdaJobs: an asynchronous invocation of the triage worker function (Lambda retries it twice, then sends it to
 *   the function's on-failure destination). https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html
 * - InProcessJobs: the same contract in one process (local runner, tests), with retries and a dead-letter list.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { VendorError } from '../core/errors.ts';
import type { Clock, Jobs, TriageJob } from '../core/ports.ts';

export class LambdaJobs implements Jobs {
  constructor(
    private readonly lambda: LambdaClient,
    private readonly functionName: string,
  ) {}

  async enqueue(job: TriageJob): Promise<void> {
    try {
      await this.lambda.send(
        new InvokeCommand({
          FunctionName: this.functionName,
          InvocationType: 'Event',
          Payload: Buffer.from(JSON.stringify(job)),
        }),
      );
    } catch (error) {
      throw new VendorError('lambda', `cannot queue triage work: ${(error as Error).message}`, {
        cause: error,
        retryable: true,
      });
    }
  }
}

export interface InProcessJobsOptions {
  attempts?: number;
  retryDelayMs?: number;
  clock: Clock;
  onDeadLetter?: (job: TriageJob, error: unknown) => void;
}

export class InProcessJobs implements Jobs {
  readonly deadLetters: { job: TriageJob; error: unknown }[] = [];
  private running = new Set<Promise<void>>();

  constructor(
    private readonly run: (job: TriageJob) => Promise<void>,
    private readonly options: InProcessJobsOptions,
  ) {}

  async enqueue(job: TriageJob): Promise<void> {
    const work = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.attempt(job));
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }

  /** Resolves once every queued job has finished (or been dead-lettered). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private async attempt(job: TriageJob): Promise<void> {
    const attempts = this.options.attempts ?? 3;
    for (let i = 1; ; i++) {
      try {
        return await this.run(job);
      } catch (error) {
        if (i >= attempts) {
          this.deadLetters.push({ job, error });
          this.options.onDeadLetter?.(job, error);
          return;
        }
        await this.options.clock.sleep((this.options.retryDelayMs ?? 1_000) * i);
      }
    }
  }
}
