/**
 * `dispatch slack-manifest --url TRIAGE_URL`: the Slack app manifest Dispatch needs, to paste into
 * https://api.slack.com/apps?new_app=1 ("From an app manifest"). The bot scopes, each with the methods that need it,
 * are SLACK_SCOPES (slack-scopes.ts); no `chat:write.public`: the bot is invited to the default channel.
 * Manifest reference: https://api.slack.com/reference/manifests
 */
import { parseArgs } from './args.ts';
import type { CliIo } from './io.ts';
import { SLACK_SCOPES } from './slack-scopes.ts';

export const slackManifestHelp = `Usage: dispatch slack-manifest --url TRIAGE_URL [--name NAME]

Prints the Slack app manifest (JSON) with the scopes and the interactivity URL Dispatch needs.
Paste it at https://api.slack.com/apps?new_app=1 > "From an app manifest", then install the app
and invite the bot to slack.defaultChannel (/invite @NAME in the channel).

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
    oauth_config: { scopes: { bot: SLACK_SCOPES.map((s) => s.scope) } },
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
