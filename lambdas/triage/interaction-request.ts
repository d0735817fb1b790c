/**
 * From the raw HTTP request API Gateway hands over to a verified, validated Slack interaction.
 * Order matters: size cap, then signature over the exact bytes, and only then parsing.
 */
import { DispatchError } from '../core/errors.ts';
import { InteractionSchema, type Interaction } from '../core/interaction.ts';
import { header, verifySlackSignature } from '../shared/slack-signature.ts';

/** Slack's block_actions payloads carry the whole message; Dispatch's largest DMs stay well under this. */
export const MAX_BODY_BYTES = 512 * 1024;

export interface RawRequest {
  headers?: Record<string, string | undefined>;
  body?: string | null;
  isBase64Encoded?: boolean;
}

export function readInteraction(request: RawRequest, signingSecret: string, nowMs: number): Interaction {
  const encoded = request.body ?? '';
  if (encoded.length > (request.isBase64Encoded ? (MAX_BODY_BYTES * 4) / 3 + 4 : MAX_BODY_BYTES)) {
    throw new DispatchError('REQUEST_TOO_LARGE', `body over ${MAX_BODY_BYTES} bytes`);
  }
  const rawBody = request.isBase64Encoded ? Buffer.from(encoded, 'base64').toString('utf8') : encoded;
  const check = verifySlackSignature(
    signingSecret,
    {
      timestamp: header(request.headers, 'x-slack-request-timestamp'),
      signature: header(request.headers, 'x-slack-signature'),
      rawBody,
    },
    nowMs,
  );
  if (!check.ok) throw new DispatchError('REQUEST_UNSIGNED', check.reason);

  const payload = new URLSearchParams(rawBody).get('payload');
  if (payload === null) throw new DispatchError('REQUEST_INVALID', 'form field "payload" is missing');
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    throw new DispatchError('REQUEST_INVALID', 'form field "payload" is not JSON');
  }
  const parsed = InteractionSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new DispatchError(
      'REQUEST_INVALID',
      `payload ${first.path.join('.') || '(root)'}: ${first.message}`,
    );
  }
  return parsed.data;
}
