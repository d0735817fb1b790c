/**
 * A function's deps are built during Lambda's init, not on the first invocation: the clients are made and the
 * secrets start loading from SSM while the runtime finishes starting, so the first invocation does not wait for them.
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html#runtimes-lifecycle-ib
 */

/**
 * Builds the deps at once when running in Lambda (`AWS_LAMBDA_FUNCTION_NAME` is set), else at first use. A build
 * that fails during init does not fail the init: it is built again by the invocation, which reports the error.
 * During init the builder is asked to start what can start early: the secrets' fetch.
 */
export function depsAtColdStart<T>(
  build: (platform: { prefetchSecrets: boolean }) => T,
  source: Record<string, string | undefined> = process.env,
): () => T {
  let deps: T | undefined;
  if (source.AWS_LAMBDA_FUNCTION_NAME) {
    try {
      deps = build({ prefetchSecrets: true });
    } catch {
      // Built again, and the error reported, by the first invocation.
    }
  }
  return () => (deps ??= build({ prefetchSecrets: false }));
}
