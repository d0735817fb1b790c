/**
 * Secrets from SSM Parameter Store (SecureString), fetched together at cold start and cached with a TTL, so a
 * rotated token is picked up without a deploy. Values never reach logs or environment variables.
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameters.html (at most 10 names a call)
 */
import { GetParametersCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { DispatchError, VendorError } from '../core/errors.ts';
import type { Clock } from '../core/ports.ts';

export interface Secrets {
  /** The value of a secret by its short name (e.g. `slack/bot-token`). */
  get(name: string): Promise<string>;
}

export class SsmSecrets implements Secrets {
  private cache = new Map<string, { value: string; until: number }>();
  private inflight: Promise<void> | undefined;
  /** Why the prefetch failed; thrown once, by the next `get`, so the invocation reports it. */
  private prefetchFailure: { error: unknown } | undefined;

  constructor(
    private readonly ssm: SSMClient,
    private readonly clock: Clock,
    private readonly options: { prefix: string; names: string[]; ttlMs?: number },
  ) {}

  parameterName(name: string): string {
    return `${this.options.prefix.replace(/\/$/, '')}/${name}`;
  }

  /**
   * Starts loading every secret of the function now (during Lambda's init, beside the rest of the cold start), so
   * the first invocation does not wait for SSM. A failure is not thrown here: the next `get` throws it.
   */
  prefetch(): void {
    this.inflight ??= this.load(this.options.names)
      .catch((error: unknown) => void (this.prefetchFailure = { error }))
      .finally(() => (this.inflight = undefined));
  }

  async get(name: string): Promise<string> {
    const hit = this.cache.get(name);
    if (hit && hit.until > this.clock.now()) return hit.value;
    if (this.inflight) await this.inflight;
    const failure = this.prefetchFailure;
    this.prefetchFailure = undefined;
    if (failure) throw failure.error;
    const ready = this.cache.get(name);
    if (ready && ready.until > this.clock.now()) return ready.value;
    this.inflight ??= this.load([...new Set([...this.options.names, name])]).finally(
      () => (this.inflight = undefined),
    );
    await this.inflight;
    const loaded = this.cache.get(name);
    if (!loaded) {
      const parameter = this.parameterName(name);
      throw new DispatchError(
        'SECRET_MISSING',
        `SSM parameter ${parameter} does not exist: create it with ` +
          `aws ssm put-parameter --type SecureString --name ${parameter} --value '…'`,
      );
    }
    return loaded.value;
  }

  private async load(names: string[]): Promise<void> {
    const until = this.clock.now() + (this.options.ttlMs ?? 300_000);
    for (let i = 0; i < names.length; i += 10) {
      const batch = names.slice(i, i + 10);
      let out;
      try {
        out = await this.ssm.send(
          new GetParametersCommand({ Names: batch.map((n) => this.parameterName(n)), WithDecryption: true }),
        );
      } catch (error) {
        throw new VendorError(
          'ssm',
          `cannot read parameters: ${(error as Error).name}: ${(error as Error).message}`,
          {
            cause: error,
            retryable: true,
          },
        );
      }
      for (const p of out.Parameters ?? []) {
        const short = batch.find((n) => this.parameterName(n) === p.Name);
        if (short && p.Value !== undefined) this.cache.set(short, { value: p.Value, until });
      }
    }
  }
}

/** Secrets from environment variables, for the local runner only (the deployed stack never sets them). */
export class EnvSecrets implements Secrets {
  constructor(private readonly values: Record<string, string | undefined>) {}
  async get(name: string): Promise<string> {
    const value = this.values[name];
    if (!value) throw new DispatchError('SECRET_MISSING', `secret ${name} is not set`);
    return value;
  }
}
