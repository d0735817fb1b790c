/**
 * Checks on secret values whose errors name the secret and the fault, never the value.
 *
 * The platform's own errors quote their input: `JSON.parse` puts the text around a syntax error in its message
 * ("Unexpected token 'R', ..."default": R0q7…"... is not valid JSON"), and fetch rejects a header with a line break
 * by quoting the whole header ("Headers.append: "Bearer xoxb-…" is an invalid header value"). Such a message would
 * carry a secret into the log, the HTTP answer, the dead-letter reason and a user's DM, so secrets are checked here
 * first and the platform's error is dropped, not kept as a `cause`.
 */
import { ConfigError, DispatchError } from '../core/errors.ts';

export function secretError(name: string, fault: string): ConfigError {
  return new ConfigError(`secret ${name} ${fault} (the value is not shown)`);
}

/** Visible ASCII: what a token sent in an HTTP header may be made of (surrounding whitespace is trimmed by fetch). */
const HEADER_TOKEN = /^[\x21-\x7e]+$/;

/** A secret sent in an HTTP header (a bearer token, an API token): one line of visible ASCII. */
export function headerSecret(name: string, value: string): string {
  if (!HEADER_TOKEN.test(value.trim())) {
    throw secretError(
      name,
      'contains a line break, a space or a character that is not ASCII, so it cannot be sent in an HTTP ' +
        'header: store the token alone, on one line',
    );
  }
  return value;
}

/** Reads a secret meant for an HTTP header and checks it. */
export function headerToken(
  secrets: { get(name: string): Promise<string> },
  name: string,
): () => Promise<string> {
  return async () => headerSecret(name, await secrets.get(name));
}

/**
 * Reads an optional secret meant for an HTTP header: undefined when it is not stored (SECRET_MISSING). A miss is
 * remembered for `missMs` (as long as SsmSecrets keeps a value), so a secret that is not stored costs one SSM call
 * per instance in that time, not one per use; adding it takes effect within that time, without a deploy.
 */
export function optionalHeaderToken(
  secrets: { get(name: string): Promise<string> },
  name: string,
  clock: { now(): number },
  missMs = 300_000,
): () => Promise<string | undefined> {
  let missingUntil = 0;
  return async () => {
    if (clock.now() < missingUntil) return undefined;
    try {
      const value = await secrets.get(name);
      if (value.trim() !== '') return headerSecret(name, value);
      missingUntil = clock.now() + missMs;
      return undefined;
    } catch (error) {
      if (!(error instanceof DispatchError) || error.code !== 'SECRET_MISSING') throw error;
      missingUntil = clock.now() + missMs;
      return undefined;
    }
  };
}

/** Parses a secret stored as JSON. On a syntax error only the position is kept from JSON.parse's message. */
export function parseJsonSecret(name: string, value: string, expected: string): unknown {
  try {
    return JSON.parse(value);
  } catch (error) {
    const at = /\bat position (\d+)\b/.exec((error as Error).message)?.[1];
    throw secretError(name, `is not valid JSON${at ? ` (at character ${at})` : ''}: expected ${expected}`);
  }
}
