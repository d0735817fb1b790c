/**
 * `dispatch slack-manifest --url TRIAGE_URL`: the Slack app manifest Dispatch needs, to paste into
 * https://api.slack.com/apps?new_app=1 ("From an app manifest"). Scopes, and why:
 *   chat:write  post DMs and update them (buttons replaced by the outcome)
 *   im:write    open the DM channel with a user (conversations.open), to find a message after a crash
 *   im:history  read the app's recent DMs (conversations.history), likewise
 * Manifest reference: https://api.slack.com/reference/manifests
 */
import { parseArgs } from './args.ts';
import type { CliIo } from './io.ts';

export const slackManifestHelp = `Usage: dispatch slack-manifest --url TRIAGE_URL [--name NAME]

Prints the Slack app manifest (JSON) with the scopes and the interactivity URL Dispatch needs.
Paste it at https://api.slack.com/apps?new_app=1 > "From an app manifest", then install the app.

Example:
  npx dispatch slack-manifest --url https://abc123.execute-api.eu-west-1.amazonaws.com/slack/interactions`;

export function slackManifest(url: string, name = 'Dispatch'): Record<string, unknown> {
  return {
    display_information: {
      name,
      description: 'Security alarm routing: asks you to confirm activity on your accounts.',
      background_color: '#1d1c1d',
    },
    features: {
      bot_user: { display_name: name, always_online: true },
      app_home: { home_tab_enabled: false, messages_tab_enabled: true, messages_tab_read_only_enabled: true },
    },
    oauth_config: { scopes: { bot: ['chat:write', 'im:write', 'im:history'] } },
    settings: {
      interactivity: { is_enabled: true, request_url: url },
      org_deploy_enabled: false,
      socket_mode_enabled: false,
      token_rotation_enabled: false,
    },
  };
}

export async function slackManifestCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { url: 'string', name: 'string', help: 'boolean' });
  if (args.help) {
    io.out(slackManifestHelp);
    return 0;
  }
  const url = args.url as string | undefined;
  if (!url || !/^https:\/\/[^/]+\/.*slack\/interactions$/.test(url)) {
    io.err(
      `dispatch slack-manifest: --url must be the https TriageUrl output of your stack, ending in /slack/interactions\n\n${slackManifestHelp}`,
    );
    return 2;
  }
  io.out(JSON.stringify(slackManifest(url, (args.name as string | undefined) ?? 'Dispatch'), null, 2));
  return 0;
}
