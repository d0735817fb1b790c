/**
 * Which Slack workspace and app a signed click must come from. The signing secret proves Slack sent the request;
 * these checks prove it was sent for this Dispatch's app in this Dispatch's workspace, so a second app sharing the
 * secret's deployment, or a payload signed for another workspace, cannot answer a prompt.
 * Payload fields: https://api.slack.com/reference/interaction-payloads/block-actions (the view payloads of the reason
 * modal carry the same `team`, `enterprise`, `user.team_id` and `api_app_id`:
 * https://api.slack.com/reference/interaction-payloads/views)
 */
import { DispatchError } from '../core/errors.ts';
import type { Interaction } from '../core/interaction.ts';

export interface SlackBinding {
  /** Workspace (T…) or Enterprise Grid org (E…); unset: any. */
  teamId?: string | undefined;
  /** App (A…); unset: any. */
  appId?: string | undefined;
}

/** Throws REQUEST_FOREIGN (401) when a set binding is not met; a payload lacking the field does not meet it. */
export function checkSlackBinding(payload: Interaction, binding: SlackBinding): void {
  if (binding.teamId) {
    // `team.id` is the workspace. An app deployed to a whole Enterprise Grid org gets `team: null`, the user's
    // workspace in `user.team_id` and the org in `enterprise.id`, so any of the three may carry the bound ID.
    // https://api.slack.com/enterprise/apps/reference
    const seen = [payload.team?.id, payload.user.team_id, payload.enterprise?.id].filter((id): id is string =>
      Boolean(id),
    );
    if (!seen.includes(binding.teamId)) {
      throw new DispatchError(
        'REQUEST_FOREIGN',
        seen.length
          ? `click from team ${seen.join('/')}, but this Dispatch answers ${binding.teamId} (slack.teamId)`
          : `click names no team, but this Dispatch answers only ${binding.teamId} (slack.teamId)`,
      );
    }
  }
  if (binding.appId && payload.api_app_id !== binding.appId) {
    throw new DispatchError(
      'REQUEST_FOREIGN',
      payload.api_app_id
        ? `click for app ${payload.api_app_id}, but this Dispatch is app ${binding.appId} (slack.appId)`
        : `click has no api_app_id, but this Dispatch answers only app ${binding.appId} (slack.appId)`,
    );
  }
}
