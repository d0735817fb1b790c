/**
 * The AWS settings the local runner reads from its own settings (`source`), never by the SDK from process.env, for the
 * stores it can be pointed at: the ledger (AWS_ENDPOINT_URL_DYNAMODB) and the event bus (AWS_ENDPOINT_URL_EVENTBRIDGE).
 */

/** What a local store (dynalite, DynamoDB Local, a loopback EventBridge) takes: it checks no credentials. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** The endpoint in `variable`, or undefined when it is unset or blank; anything but an http(s) URL is refused. */
export function endpointFrom(
  source: Record<string, string | undefined>,
  variable: string,
  example: string,
): string | undefined {
  const endpoint = source[variable]?.trim() || undefined;
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(endpoint))
    throw new Error(`${variable} must be an http(s) URL, e.g. ${example}`);
  return endpoint;
}

/** AWS_REGION, else AWS_DEFAULT_REGION, else `fallback`. */
export function regionFrom(source: Record<string, string | undefined>, fallback: string): string {
  return source.AWS_REGION || source.AWS_DEFAULT_REGION || fallback;
}

/** The credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN), when both are given. */
export function credentialsFrom(source: Record<string, string | undefined>) {
  return source.AWS_ACCESS_KEY_ID && source.AWS_SECRET_ACCESS_KEY
    ? {
        accessKeyId: source.AWS_ACCESS_KEY_ID,
        secretAccessKey: source.AWS_SECRET_ACCESS_KEY,
        sessionToken: source.AWS_SESSION_TOKEN || undefined,
      }
    : undefined;
}
