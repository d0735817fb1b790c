/**
 * The Slack bot token scopes Dispatch asks for: `dispatch slack-manifest` requests exactly these and
 * `dispatch doctor` checks the token has each of them. Every Web API method the code calls is here with the scope it
 * needs ("Required scopes" on each method's page), or in SCOPELESS_METHODS.
 *
 * The default channel (slack.defaultChannel) and any channel a producer names as a self-service user are reached by
 * inviting the bot there, not with `chat:write.public`: a private channel needs the invitation anyway, the reconciling
 * read (conversations.history) sees only conversations the bot is a member of
 * (https://api.slack.com/methods/conversations.history), and a producer cannot make Dispatch post into a public
 * channel nobody invited it to. `doctor` checks the bot is a member of the default channel.
 */

export interface SlackScope {
  scope: string;
  /** The Web API methods that need it. */
  methods: readonly string[];
  /** What Dispatch does with it. */
  why: string;
  /** The method's documentation, listing its required scopes. */
  doc: string;
}

export const SLACK_SCOPES: readonly SlackScope[] = [
  {
    scope: 'chat:write',
    methods: ['chat.postMessage', 'chat.update'],
    why: 'post DMs and default-channel notices, and replace a prompt’s buttons with its outcome',
    doc: 'https://api.slack.com/methods/chat.postMessage',
  },
  {
    scope: 'im:write',
    methods: ['conversations.open'],
    why: 'open the DM with a user, to look for a message an interrupted attempt posted',
    doc: 'https://api.slack.com/methods/conversations.open',
  },
  {
    scope: 'im:history',
    methods: ['conversations.history'],
    why: 'read the latest DMs with a user, to look for a message an interrupted attempt posted',
    doc: 'https://api.slack.com/methods/conversations.history',
  },
  {
    scope: 'channels:history',
    methods: ['conversations.history'],
    why: 'read the latest messages of a public channel the bot is in, such as the default channel, to look for a message an interrupted attempt posted',
    doc: 'https://api.slack.com/methods/conversations.history',
  },
  {
    scope: 'groups:history',
    methods: ['conversations.history'],
    why: 'read the latest messages of a private channel the bot is in, to look for a message an interrupted attempt posted',
    doc: 'https://api.slack.com/methods/conversations.history',
  },
  {
    scope: 'users:read.email',
    methods: ['users.lookupByEmail'],
    why: 'find the Slack user of an alarm’s user named by email',
    doc: 'https://api.slack.com/methods/users.lookupByEmail',
  },
  {
    // "This scope must be requested at the same time as users:read": https://api.slack.com/scopes/users:read.email
    scope: 'users:read',
    methods: ['bots.info'],
    why: 'asked for with users:read.email, as Slack requires; doctor reads the app ID of the bot with it, to compare with slack.appId',
    doc: 'https://api.slack.com/methods/bots.info',
  },
];

/** Methods that need no scope: auth.test (https://api.slack.com/methods/auth.test); response_url takes no token. */
export const SCOPELESS_METHODS: readonly string[] = ['auth.test', 'response_url'];
