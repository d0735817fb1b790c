/**
 * `dispatch doctor --env NAME`: checks that an environment's secrets exist in SSM and that each token works,
 * printing what to fix. Read-only: it sends no message, opens no issue and triggers no page.
 *   Slack:      auth.test with the bot token (https://api.slack.com/methods/auth.test), which reports the team ID
 *               (and enterprise_id in an Enterprise Grid org). Slack documents no app_id in its answer for bot
 *               tokens, so the app ID comes from bots.info with the bot_id auth.test reports
 *               (https://api.slack.com/methods/bots.info, which needs users:read; when that scope is missing the
 *               operator is told where to copy the App ID instead). Both are compared with slack.teamId/appId.
 *               The token's scopes (auth.test's X-OAuth-Scopes response header) are compared with SLACK_SCOPES, the
 *               ones the manifest asks for. conversations.history with limit=1 on slack.defaultChannel checks the bot
 *               is a member there (a bot token reads only conversations it is in, and needs no further scope).
 *   GitHub:     GET /user, then GET /repos/{owner}/{defaultRepo} (can the token see the default repository?)
 *   PagerDuty:  REST mode, GET /services/{id} with the API token; Events mode, the routing key's shape
 *               (the Events API has no read-only check), and whether the service an alarm names can be paged:
 *               the routing-key map's services, and any other when the optional API token is stored
 *               (GET /services?limit=1 proves it works; read-only is enough,
 *               https://developer.pagerduty.com/api-reference/e960cca205c0f-list-services)
 */
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { readFile } from 'node:fs/promises';
import { GitHubAppToken } from '../../lambdas/adapters/github-app-token.ts';
import { parseRoutingKeys } from '../../lambdas/adapters/pagerduty-pager.ts';
import { headerSecret } from '../../lambdas/adapters/secret-values.ts';
import { PAGERDUTY_SECRETS, SECRET } from '../../lambdas/shared/env.ts';
import type { EnvironmentConfig } from '../../lib/config.ts';
import { parseArgs } from './args.ts';
import { explainAwsError } from './aws-errors.ts';
import { environmentIn } from './environment-choice.ts';
import type { CliIo } from './io.ts';
import { SLACK_SCOPES } from './slack-scopes.ts';

export const doctorHelp = `Usage: dispatch doctor --env NAME [--region REGION]

Checks the environment NAME from cdk.json: each SSM parameter exists, the Slack bot token,
the GitHub token (and its access to the default repository) and the PagerDuty credentials work.
Prints the Slack team and app IDs the bot token belongs to, and says when slack.teamId or
slack.appId differ from them. Names each Slack scope the token lacks, and says when the bot
is not a member of slack.defaultChannel.
Sends nothing to anyone. Exits 1 and says what to fix when a check fails.

Example:
  AWS_PROFILE=security npx dispatch doctor --env prod`;

interface Check {
  ok: boolean;
  line: string;
  /** Information under the check before it: printed indented, never a problem. */
  note?: boolean;
}

const TIMEOUT = 5_000;

async function getJson(url: string, headers: Record<string, string>, init: RequestInit = {}) {
  const res = await fetch(url, { ...init, headers, signal: AbortSignal.timeout(TIMEOUT) });
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: res.status, body, headers: res.headers };
}

/** A token fetch would refuse with an error that quotes it: reported by name, without the value. */
function headerFault(name: string, token: string): Check | undefined {
  try {
    headerSecret(name, token);
    return undefined;
  } catch (error) {
    return { ok: false, line: (error as Error).message };
  }
}

export async function checkSlack(token: string, config: EnvironmentConfig): Promise<Check[]> {
  const base = (config.slack.apiUrl ?? 'https://slack.com/api/').replace(/\/?$/, '/');
  const unusable = headerFault(SECRET.slackBotToken, token);
  if (unusable) return [unusable];
  const auth = { authorization: `Bearer ${token}` };
  let body: Record<string, unknown>;
  let scopes: string | null;
  try {
    const answer = await getJson(`${base}auth.test`, auth, { method: 'POST' });
    body = answer.body;
    scopes = answer.headers.get('x-oauth-scopes');
  } catch (error) {
    return [{ ok: false, line: `Slack unreachable at ${base}: ${(error as Error).message}` }];
  }
  if (body.ok !== true)
    return [
      {
        ok: false,
        line: `Slack bot token refused (${String(body.error)}): reinstall the app and store its Bot User OAuth Token`,
      },
    ];
  const teamIds = [body.team_id, body.enterprise_id].filter((v): v is string => typeof v === 'string');
  const app = await slackAppId(base, auth, body);
  const ids = [
    teamIds[0] && `team ID ${teamIds[0]}`,
    teamIds[1] && `Enterprise Grid org ID ${teamIds[1]}`,
    app.id && `app ID ${app.id}`,
  ].filter(Boolean);
  const checks: Check[] = [
    {
      ok: true,
      line: `Slack bot token works (workspace ${String(body.team)}${ids.map((i) => `, ${i}`).join('')}, bot ${String(body.user_id)})`,
    },
  ];
  if (app.note) checks.push({ ok: true, note: true, line: app.note });
  checks.push(...checkSlackScopes(scopes));
  const bot = typeof body.user === 'string' ? body.user : 'Dispatch';
  checks.push(await checkDefaultChannel(base, auth, config.slack.defaultChannel, bot));
  const { teamId, appId } = config.slack;
  const problems: Check[] = [];
  // The triage refuses a click whose team.id / user.team_id / enterprise.id or api_app_id differ from these.
  // https://api.slack.com/reference/interaction-payloads/block-actions
  if (teamId && teamIds.length && !teamIds.includes(teamId))
    problems.push({
      ok: false,
      line: `slack.teamId is "${teamId}" but the bot token belongs to ${teamIds.join(' / ')}: the triage would refuse every click; set slack.teamId to "${teamIds[0]}"`,
    });
  if (appId && app.id && app.id !== appId)
    problems.push({
      ok: false,
      line: `slack.appId is "${appId}" but the bot token belongs to app ${app.id}: the triage would refuse every click; set slack.appId to "${app.id}"`,
    });
  if (problems.length) return [...checks, ...problems];
  if ((teamId || appId) && (!teamId || teamIds.length) && (!appId || app.id)) {
    const bound = [teamId && `slack.teamId "${teamId}"`, appId && `slack.appId "${appId}"`].filter(Boolean);
    checks.push({ ok: true, line: `${bound.join(' and ')} match the bot token` });
  }
  if ((!teamId && teamIds[0]) || (!appId && app.id)) {
    const hint = [
      !teamId && teamIds[0] && `slack.teamId "${teamIds[0]}"`,
      !appId && app.id && `slack.appId "${app.id}"`,
    ].filter(Boolean);
    checks.push({
      ok: true,
      note: true,
      line: `to answer clicks from this workspace and app only, set ${hint.join(' and ')} in cdk.json`,
    });
  }
  return checks;
}

const SCOPE_FIX =
  'add it under OAuth & Permissions > Bot Token Scopes (or paste the output of `dispatch slack-manifest` into the app’s manifest), then reinstall the app to the workspace, and store its Bot User OAuth Token again if it changed';

/** The token's scopes (the X-OAuth-Scopes header) against the ones Dispatch asks for; a missing one fails. */
export function checkSlackScopes(header: string | null): Check[] {
  if (header === null)
    return [
      {
        ok: true,
        note: true,
        line: 'Slack did not list the token’s scopes (no X-OAuth-Scopes header): not checked',
      },
    ];
  const granted = new Set(
    header
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  const missing = SLACK_SCOPES.filter((s) => !granted.has(s.scope));
  const checks: Check[] = missing.length
    ? missing.map((s) => ({
        ok: false,
        line: `Slack bot token lacks the ${s.scope} scope (${s.methods.join(', ')}: ${s.why}): ${SCOPE_FIX}`,
      }))
    : [
        {
          ok: true,
          line: `Slack bot token has the scopes Dispatch asks for (${SLACK_SCOPES.map((s) => s.scope).join(', ')})`,
        },
      ];
  const known = new Set(SLACK_SCOPES.map((s) => s.scope));
  const extra = [...granted].filter((s) => !known.has(s));
  if (extra.length)
    checks.push({
      ok: true,
      note: true,
      line: `the token also has ${extra.join(', ')}, which Dispatch does not use: remove ${extra.length > 1 ? 'them' : 'it'} from the app and reinstall it`,
    });
  return checks;
}

/**
 * Whether the bot is a member of slack.defaultChannel, where fallbacks and failed-DM notices go: Dispatch does not ask
 * for chat:write.public, and a bot token reads the history of a conversation it is a member of only
 * (https://api.slack.com/methods/conversations.history), so a one-message read answers `not_in_channel` otherwise.
 */
export async function checkDefaultChannel(
  base: string,
  auth: Record<string, string>,
  channel: string,
  bot: string,
): Promise<Check> {
  const name = `slack.defaultChannel ${channel}`;
  const invite = `invite the bot there (/invite @${bot} in the channel)`;
  try {
    const { body } = await getJson(
      `${base}conversations.history?channel=${encodeURIComponent(channel)}&limit=1`,
      auth,
    );
    if (body.ok === true) return { ok: true, line: `Slack bot is a member of ${name}` };
    switch (body.error) {
      case 'not_in_channel':
        return {
          ok: false,
          line: `Slack bot is not a member of ${name}, so fallbacks and failed-DM notices cannot go there: ${invite}`,
        };
      case 'channel_not_found':
        return {
          ok: false,
          line: `${name} was not found: check the channel ID; a private channel is found only once you ${invite}`,
        };
      case 'missing_scope':
        return {
          ok: true,
          note: true,
          line: `membership of ${name} not checked: conversations.history needs ${String(body.needed ?? 'channels:history or groups:history')}`,
        };
      default:
        return {
          ok: false,
          line: `Slack could not read ${name} (conversations.history: ${String(body.error)})`,
        };
    }
  } catch (error) {
    return { ok: false, line: `Slack unreachable while checking ${name}: ${(error as Error).message}` };
  }
}

/** The app's ID: auth.test's `app_id` when it gives one, else bots.info's `bot.app_id` for auth.test's `bot_id`. */
async function slackAppId(
  base: string,
  auth: Record<string, string>,
  authTest: Record<string, unknown>,
): Promise<{ id?: string; note?: string }> {
  if (typeof authTest.app_id === 'string') return { id: authTest.app_id };
  if (typeof authTest.bot_id !== 'string') return {};
  const where = "copy the App ID from the app's Basic Information page (https://api.slack.com/apps)";
  try {
    const { body } = await getJson(`${base}bots.info?bot=${encodeURIComponent(authTest.bot_id)}`, auth);
    const bot = body.bot as { app_id?: unknown } | undefined;
    if (body.ok === true && typeof bot?.app_id === 'string') return { id: bot.app_id };
    const why =
      body.error === 'missing_scope'
        ? 'bots.info needs the users:read scope'
        : `bots.info: ${String(body.error)}`;
    return { note: `app ID not checked (${why}); ${where}` };
  } catch (error) {
    return { note: `app ID not checked (bots.info: ${(error as Error).message}); ${where}` };
  }
}

/** The token to check: the stored one, or an installation token the GitHub App obtains with its key. */
async function githubTokenFrom(
  secret: string,
  config: EnvironmentConfig,
): Promise<{ token: string; checks: Check[] }> {
  if (!config.github.app) return { token: secret, checks: [] };
  const app = new GitHubAppToken({
    ...config.github.app,
    privateKey: async () => secret,
    apiUrl: config.github.apiUrl,
    timeoutMs: TIMEOUT,
    clock: { now: Date.now, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
  });
  const token = await app.token();
  const { appId, installationId } = config.github.app;
  return {
    token,
    checks: [{ ok: true, line: `GitHub App ${appId} authenticates as installation ${installationId}` }],
  };
}

export async function checkGitHub(secret: string, config: EnvironmentConfig): Promise<Check[]> {
  const base = (config.github.apiUrl ?? 'https://api.github.com').replace(/\/$/, '');
  let token: string;
  let checks: Check[];
  const unusable = config.github.app ? undefined : headerFault(SECRET.githubToken, secret);
  if (unusable) return [unusable];
  try {
    ({ token, checks } = await githubTokenFrom(secret, config));
  } catch (error) {
    return [{ ok: false, line: `GitHub App refused: ${(error as Error).message}` }];
  }
  const headers = {
    authorization: `token ${token}`,
    accept: 'application/vnd.github+json',
    'user-agent': 'dispatch-doctor',
  };
  try {
    if (!config.github.app) {
      const user = await getJson(`${base}/user`, headers);
      if (user.status !== 200) {
        return [
          {
            ok: false,
            line: `GitHub token refused (HTTP ${user.status}): create a new token with the "repo" scope (or Issues: write)`,
          },
        ];
      }
      checks.push({ ok: true, line: `GitHub token works (as ${String(user.body.login)})` });
    }
    const repo = `${config.github.owner}/${config.github.defaultRepo}`;
    const access = await getJson(`${base}/repos/${repo}`, headers);
    if (access.status !== 200) {
      checks.push({
        ok: false,
        line: `GitHub cannot see ${repo} with these credentials (HTTP ${access.status}): grant access or fix github.defaultRepo`,
      });
    } else if (access.body.has_issues === false) {
      checks.push({
        ok: false,
        line: `${repo} has issues disabled: enable Issues in the repository settings`,
      });
    } else {
      checks.push({ ok: true, line: `GitHub default repository ${repo} is reachable` });
    }
    return checks;
  } catch (error) {
    return [{ ok: false, line: `GitHub unreachable at ${base}: ${(error as Error).message}` }];
  }
}

export async function checkPagerDuty(secret: string, config: EnvironmentConfig): Promise<Check> {
  if (config.pagerduty.mode === 'rest') {
    const status = await pagerDutyGet(secret, `/services/${config.pagerduty.serviceId}`, config);
    if (typeof status !== 'number') return status;
    return status === 200
      ? { ok: true, line: `PagerDuty API token works and service ${config.pagerduty.serviceId} exists` }
      : {
          ok: false,
          line: `PagerDuty refused (HTTP ${status}): check the API token and pagerduty.serviceId`,
        };
  }
  let keys: Record<string, string>;
  try {
    keys = parseRoutingKeys(secret);
  } catch (error) {
    return { ok: false, line: (error as Error).message };
  }
  const bad = Object.entries(keys).filter(([, k]) => !/^[A-Za-z0-9]{32}$/.test(k));
  if (!keys.default) return { ok: false, line: 'PagerDuty routing keys have no "default" entry' };
  if (bad.length)
    return {
      ok: false,
      line: `PagerDuty routing key ${bad.map(([s]) => s).join(', ')} is not 32 letters/digits: copy the Events API v2 integration key`,
    };
  return {
    ok: true,
    line: `PagerDuty routing key${Object.keys(keys).length > 1 ? 's look' : ' looks'} right (the Events API cannot be checked without paging)`,
  };
}

/**
 * Events mode: can the service an alarm names (body.pagerduty.service, pagerDutyServiceId) be paged? The services
 * the routing-key map names, yes; any other only when the API token is stored and works. Otherwise the default
 * service is paged and the delivery report names the service asked for.
 */
export async function checkPagerDutyServices(
  routingKey: string,
  apiToken: string | undefined,
  config: EnvironmentConfig,
  tokenParameter: string,
): Promise<Check[]> {
  let mapped: string[] = [];
  try {
    mapped = Object.keys(parseRoutingKeys(routingKey)).filter((s) => s !== 'default');
  } catch {
    // checkPagerDuty reports a malformed routing key.
  }
  const store = `store a PagerDuty API token (read-only is enough): aws ssm put-parameter --type SecureString --name ${tokenParameter} --value '…'`;
  if (apiToken === undefined) {
    const line = mapped.length
      ? `alarms naming ${mapped.join(', ')} page that service (routing-key map); an alarm naming any other service pages the default one and its delivery report names the service. To page every service an alarm names, ${store}`
      : `alarms naming a PagerDuty service (body.pagerduty.service, pagerDutyServiceId) page the default service and their delivery report names the service. To page it, ${store}; or store the routing key as a map of routing keys by service ID, {"default":"…","PABC123":"…"}`;
    return [{ ok: true, note: true, line }];
  }
  const status = await pagerDutyGet(apiToken, '/services?limit=1', config);
  if (typeof status !== 'number') return [status];
  if (status !== 200)
    return [
      {
        ok: false,
        line: `PagerDuty API token refused (HTTP ${status}): alarms naming a PagerDuty service page the default one; store a working token (read-only is enough) at ${tokenParameter}`,
      },
    ];
  const map = mapped.length ? ` (the routing-key map's key is used for ${mapped.join(', ')})` : '';
  return [
    {
      ok: true,
      line: `PagerDuty API token works: an alarm naming a PagerDuty service pages it through the service's Events API v2 integration${map}`,
    },
  ];
}

/**
 * GET `path` of PagerDuty's REST API with the API token: the HTTP status, or the failed check when the token cannot be
 * sent (named without its value) or PagerDuty cannot be reached.
 */
async function pagerDutyGet(token: string, path: string, config: EnvironmentConfig): Promise<number | Check> {
  const unusable = headerFault(SECRET.pagerdutyApiToken, token);
  if (unusable) return unusable;
  const base = (config.pagerduty.apiUrl ?? 'https://api.pagerduty.com').replace(/\/$/, '');
  try {
    const { status } = await getJson(`${base}${path}`, {
      authorization: `Token token=${token}`,
      accept: 'application/vnd.pagerduty+json;version=2',
    });
    return status;
  } catch (error) {
    return { ok: false, line: `PagerDuty unreachable at ${base}: ${(error as Error).message}` };
  }
}

export async function doctor(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { env: 'string', region: 'string', help: 'boolean' });
  if (args.help) {
    io.out(doctorHelp);
    return 0;
  }
  const name = args.env as string | undefined;
  let config;
  try {
    config = environmentIn(await readFile('cdk.json', 'utf8'), name, 'doctor');
  } catch (error) {
    io.err(`dispatch doctor: ${(error as Error).message}`);
    return 2;
  }
  const prefix = config.ssmPrefix ?? `/dispatch/${config.name}`;
  const pagerSecret =
    config.pagerduty.mode === 'rest' ? SECRET.pagerdutyApiToken : SECRET.pagerdutyRoutingKey;
  const githubSecret = config.github.app ? SECRET.githubAppPrivateKey : SECRET.githubToken;
  const names = [SECRET.slackBotToken, SECRET.slackSigningSecret, githubSecret, pagerSecret];
  // Read when stored, never missing: in Events mode the API token resolves the service an alarm names.
  const optional = PAGERDUTY_SECRETS[config.pagerduty.mode].optional;
  const region = (args.region as string | undefined) ?? config.region;
  const ssm = new SSMClient(region ? { region } : {});
  const values = new Map<string, string>();
  try {
    const out = await ssm.send(
      new GetParametersCommand({
        Names: [...names, ...optional].map((n) => `${prefix}/${n}`),
        WithDecryption: true,
      }),
    );
    for (const p of out.Parameters ?? []) values.set(p.Name!.slice(prefix.length + 1), p.Value ?? '');
  } catch (error) {
    const retry = `npx dispatch doctor --env ${config.name} --region ${region ?? 'eu-west-1'}`;
    io.err(explainAwsError(error, `reading ${prefix}/*`, retry));
    return 1;
  }

  const checks: Check[] = [];
  for (const n of names) {
    checks.push(
      values.has(n)
        ? { ok: true, line: `${prefix}/${n} exists` }
        : {
            ok: false,
            line: `${prefix}/${n} is missing: aws ssm put-parameter --type SecureString --name ${prefix}/${n} --value '…'`,
          },
    );
  }
  const signing = values.get(SECRET.slackSigningSecret);
  if (signing !== undefined && !/^[0-9a-f]{32}$/.test(signing)) {
    checks.push({
      ok: false,
      line: 'Slack signing secret is not 32 hex characters: copy "Signing Secret" from the app\'s Basic Information',
    });
  }
  io.out(`Checking environment "${config.name}" (secrets under ${prefix})…`);
  for (const n of optional.filter((o) => values.has(o)))
    checks.push({ ok: true, line: `${prefix}/${n} exists` });
  const routingKey = config.pagerduty.mode === 'events' ? values.get(SECRET.pagerdutyRoutingKey) : undefined;
  const apiToken = values.get(SECRET.pagerdutyApiToken);
  const [slack, github, pagerduty, services] = await Promise.all([
    values.has(SECRET.slackBotToken) ? checkSlack(values.get(SECRET.slackBotToken)!, config) : undefined,
    values.has(githubSecret) ? checkGitHub(values.get(githubSecret)!, config) : undefined,
    values.has(pagerSecret) ? checkPagerDuty(values.get(pagerSecret)!, config) : undefined,
    routingKey === undefined
      ? undefined
      : checkPagerDutyServices(routingKey, apiToken, config, `${prefix}/${SECRET.pagerdutyApiToken}`),
  ]);
  checks.push(
    ...[...(slack ?? []), ...(github ?? []), pagerduty, ...(services ?? [])].filter(
      (c): c is Check => c !== undefined,
    ),
  );
  for (const c of checks) io.out(c.note ? `  ${c.line}` : `${c.ok ? '✓' : '✗'} ${c.line}`);
  const failed = checks.filter((c) => !c.ok).length;
  io.out(failed ? `${failed} problem${failed > 1 ? 's' : ''} to fix.` : 'All good.');
  return failed ? 1 : 0;
}
