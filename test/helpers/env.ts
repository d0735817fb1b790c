/** The environment the handler tests run with: the settings every function requires, plus what a test adds. */
import { parseEnv, type Env } from '../../lambdas/shared/env.ts';

export function testEnv(extra: Record<string, string>): Env {
  return parseEnv({
    DISPATCH_GITHUB_OWNER: 'acme',
    DISPATCH_GITHUB_DEFAULT_REPO: 'alarms',
    DISPATCH_GITHUB_DEFAULT_USER: 'acme/security',
    DISPATCH_SLACK_DEFAULT_CHANNEL: 'C0DEFAULT',
    DISPATCH_VENDOR_TIMEOUT_MS: '1000',
    ...extra,
  });
}
