/** API Gateway (HTTP API) triage function: raw request -> verify -> answerInteraction(deps, payload) -> HTTP response. */
import { answerInteraction } from '../core/answer/interactions.ts';
import type { TriageDeps } from '../core/triage.ts';
import { depsAtColdStart } from '../shared/cold-start.ts';
import { toHttpFailure } from '../shared/http-errors.ts';
import { header } from '../shared/slack-signature.ts';
import { buildTriageDeps } from '../shared/wiring-triage.ts';
import { readInteraction, type RawRequest } from './interaction-request.ts';
import { checkSlackBinding, type SlackBinding } from './slack-binding.ts';

export interface TriageHttpDeps extends TriageDeps {
  signingSecret: () => Promise<string>;
  /** The workspace and app clicks must come from (slack.teamId, slack.appId); none: any Slack signed. */
  slackBinding?: SlackBinding;
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
      const payload = readInteraction(event, await deps.signingSecret(), deps.clock.now());
      checkSlackBinding(payload, deps.slackBinding ?? {});
      const { outcome, response } = await answerInteraction({ ...deps, log }, payload);
      log.info('interaction acknowledged', { outcome });
      // A view_submission is answered in the body (https://api.slack.com/surfaces/modals#close_views).
      if (response)
        return {
          statusCode: 200,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(response),
        };
      return { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: '' };
    } catch (error) {
      const failure = toHttpFailure(error);
      log[failure.level]('interaction refused', { status: failure.status, error });
      return { statusCode: failure.status, headers: { 'content-type': 'text/plain' }, body: failure.body };
    }
  };
}

export const handler = createTriageHandler(depsAtColdStart((p) => buildTriageDeps(process.env, p)));
