/** API Gateway (HTTP API) triage function: raw request -> verify -> triage(deps, click) -> HTTP response. */
import { triage, type TriageDeps } from '../core/triage.ts';
import { toHttpFailure } from '../shared/http-errors.ts';
import { header } from '../shared/slack-signature.ts';
import { buildTriageDeps } from '../shared/wiring-triage.ts';
import { readInteraction, type RawRequest } from './interaction-request.ts';

export interface TriageHttpDeps extends TriageDeps {
  signingSecret: () => Promise<string>;
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export function createTriageHandler(getDeps: () => TriageHttpDeps) {
  return async (event: RawRequest): Promise<HttpResponse> => {
    const deps = getDeps();
    const log = deps.log.with({ slackRetry: header(event.headers, 'x-slack-retry-num') });
    try {
      const click = readInteraction(event, await deps.signingSecret(), deps.clock.now());
      const outcome = await triage({ ...deps, log }, click);
      log.info('interaction acknowledged', { outcome });
      return { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: '' };
    } catch (error) {
      const failure = toHttpFailure(error);
      log[failure.level]('interaction refused', { status: failure.status, error });
      return { statusCode: failure.status, headers: { 'content-type': 'text/plain' }, body: failure.body };
    }
  };
}

let deps: TriageHttpDeps | undefined;
export const handler = createTriageHandler(() => (deps ??= buildTriageDeps(process.env)));
