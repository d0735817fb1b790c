/**
 * The sandbox page: Slack DMs as the user sees them, GitHub issues, PagerDuty incidents; refreshed every second.
 *
 * Everything it shows comes from producers, so it is text (issue 12): the script builds the DOM with `textContent`
 * and `setAttribute` only, never `innerHTML`, and links only http(s) URLs. Its one script and one style carry the
 * nonce of this response (see `pageHeaders`), so no inline handler would run even if markup got in. It receives this
 * start's token in a meta tag and sends it with every /sandbox/* request.
 */
export function sandboxPage(options: { token: string; nonce: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="dispatch-sandbox-token" content="${attr(options.token)}">
<title>Dispatch sandbox</title>
<style nonce="${attr(options.nonce)}">
  body { font: 14px/1.45 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d1c1d; }
  header { background: #1d1c1d; color: #fff; padding: 12px 20px; display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
  header h1 { font-size: 18px; margin: 0 12px 0 0; }
  header button { background: #fff; border: 0; border-radius: 4px; padding: 6px 10px; cursor: pointer; }
  main { display: grid; grid-template-columns: repeat(3, 1fr); gap: 16px; padding: 16px; }
  section.col { background: #fff; border-radius: 8px; padding: 12px; min-height: 200px; box-shadow: 0 1px 2px #0002; }
  h2 { font-size: 15px; margin: 0 0 8px; }
  .card { border: 1px solid #ddd; border-radius: 6px; padding: 8px 10px; margin-bottom: 10px; }
  .who { font-weight: 600; color: #555; font-size: 12px; }
  .btn { border: 1px solid #bbb; border-radius: 4px; padding: 4px 10px; margin-right: 6px; cursor: pointer; background: #fff; }
  .btn.primary { background: #007a5a; color: #fff; border-color: #007a5a; }
  .btn.danger { background: #e01e5a; color: #fff; border-color: #e01e5a; }
  .ctx { color: #616061; font-size: 12px; }
  .badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px; margin-right: 4px; background: #eee; }
  .open { background: #1f883d; color: #fff; } .closed { background: #8250df; color: #fff; } .triggered { background: #e01e5a; color: #fff; }
  pre { white-space: pre-wrap; background: #f6f8fa; padding: 6px; border-radius: 4px; font-size: 12px; margin: 6px 0; }
  .comment { border-left: 3px solid #ddd; padding-left: 8px; margin: 6px 0; font-size: 13px; }
  textarea { width: 100%; min-height: 70px; font-family: monospace; }
  .muted { color: #888; }
</style>
</head>
<body>
<header>
  <h1>Dispatch sandbox</h1>
  <span>Send an example:</span>
  <span id="examples"></span>
  <span id="modes" class="muted"></span>
</header>
<main>
  <section class="col"><h2>Slack</h2><div id="slack"></div></section>
  <section class="col"><h2>GitHub issues</h2><div id="github"></div></section>
  <section class="col"><h2>PagerDuty incidents</h2><div id="pagerduty"></div>
    <h2>Send your own alarm</h2>
    <textarea id="custom">{"type":"low-priority","body":{"github":{"title":"Hello from the sandbox"}}}</textarea>
    <button class="btn" id="send-custom">POST /alarms</button>
    <pre id="last" data-testid="last-result"></pre>
  </section>
</main>
<script nonce="${attr(options.nonce)}">${SCRIPT}</script>
</body>
</html>`;
}

/** Escapes a value for a double-quoted HTML attribute. */
function attr(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// The page's script, verbatim (String.raw: its backslashes are the browser's).
const SCRIPT = String.raw`
'use strict';
const TOKEN = document.querySelector('meta[name="dispatch-sandbox-token"]').content;

/** An element; attributes are set with setAttribute, children are nodes or text (never markup). */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {}))
    if (value !== undefined && value !== null) el.setAttribute(name, String(value));
  for (const child of children.flat(Infinity))
    if (child !== undefined && child !== null && child !== false) el.append(child instanceof Node ? child : String(child));
  return el;
}

/** Slack shows &amp; &lt; &gt; as the characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
const unescapeSlack = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The subset of Slack mrkdwn Dispatch writes: <https://url|label>, <@U123>, *bold*; the rest is text. */
function mrkdwn(text) {
  const source = String(text ?? '');
  const out = [];
  const pattern = /<(https?:\/\/[^|>\s]+)\|([^>]+)>|<@([A-Z0-9]+)>|\*([^*\n]+)\*/g;
  let last = 0;
  for (let m; (m = pattern.exec(source)); last = pattern.lastIndex) {
    out.push(unescapeSlack(source.slice(last, m.index)));
    if (m[1]) out.push(h('a', { href: unescapeSlack(m[1]), target: '_blank', rel: 'noopener noreferrer' }, unescapeSlack(m[2])));
    else if (m[3]) out.push('@' + m[3]);
    else out.push(h('b', null, unescapeSlack(m[4])));
  }
  out.push(unescapeSlack(source.slice(last)));
  return out;
}

function block(b, m) {
  if (b.type === 'section') return h('div', null, mrkdwn(b.text && b.text.text));
  if (b.type === 'context')
    return h('div', { class: 'ctx' }, (b.elements || []).map((e, i) => [i ? ' · ' : '', mrkdwn(e.text)]));
  if (b.type === 'actions')
    return h('div', null, (b.elements || []).map((e) => h('button', {
      class: 'btn ' + (e.style || ''),
      'data-testid': 'button-' + e.action_id,
      'data-action': e.action_id,
      'data-value': e.value,
      'data-channel': m.channel,
      'data-ts': m.ts,
    }, e.text && e.text.text)));
  return null;
}

function dm(m, s) {
  const who = m.channel === s.defaultChannel ? '#default channel' : 'DM to ' + String(m.channel).replace(/^D/, 'U');
  return h('div', { class: 'card', 'data-testid': 'dm', 'data-channel': m.channel },
    h('div', { class: 'who' }, who + (m.edited ? ' · edited' : '')),
    (m.blocks || []).map((b) => block(b, m)));
}

function issue(i) {
  return h('div', { class: 'card', 'data-testid': 'issue', 'data-state': i.state, id: 'issue-' + i.owner + '-' + i.repo + '-' + i.number },
    h('div', null,
      h('span', { class: 'badge ' + i.state }, i.state),
      h('b', null, i.title), ' ',
      h('span', { class: 'muted' }, i.owner + '/' + i.repo + '#' + i.number)),
    h('div', null, (i.labels || []).map((l) => h('span', { class: 'badge', 'data-testid': 'label' }, l))),
    h('pre', null, String(i.body ?? '').replace(/\x3c!--[\s\S]*?--\x3e/g, '')),
    (i.comments || []).map((c) => h('div', { class: 'comment', 'data-testid': 'comment' }, c.body)));
}

function incident(i) {
  return h('div', { class: 'card', 'data-testid': 'incident', id: 'incident-' + i.id },
    h('span', { class: 'badge ' + i.status }, i.status),
    h('b', null, i.title),
    h('div', { class: 'ctx' }, i.severity + ' · dedup key ' + i.dedupKey + ' · ' + i.alerts + ' alert(s)'));
}

const muted = (text) => h('p', { class: 'muted' }, text);
const show = (id, nodes, empty) => document.getElementById(id).replaceChildren(...(nodes.length ? nodes : [muted(empty)]));

/** The page's own endpoints want this start's token. */
const api = (url, init = {}) => fetch(url, { ...init, headers: { 'x-dispatch-sandbox-token': TOKEN, ...init.headers } });

async function post(url, body) {
  const res = await api(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  document.getElementById('last').textContent = res.status + ' ' + await res.text();
  refresh();
}

document.addEventListener('click', (e) => {
  const t = e.target;
  if (t.dataset && t.dataset.action) {
    const channel = t.dataset.channel;
    const user = channel.startsWith('D') ? 'U' + channel.slice(1) : channel;
    post('/sandbox/click', { action_id: t.dataset.action, value: t.dataset.value, channel, ts: t.dataset.ts, user });
  }
  if (t.dataset && t.dataset.example) post('/sandbox/examples/' + encodeURIComponent(t.dataset.example));
});

document.getElementById('send-custom').addEventListener('click', async () => {
  const res = await fetch('/alarms', { method: 'POST', headers: { 'content-type': 'application/json' }, body: document.getElementById('custom').value });
  document.getElementById('last').textContent = res.status + ' ' + await res.text();
  refresh();
});

async function refresh() {
  const res = await api('/sandbox/state');
  if (res.status === 403) {
    document.getElementById('modes').textContent = 'This page belongs to an earlier start of the sandbox: reload it.';
    return;
  }
  const s = await res.json();
  document.getElementById('modes').textContent = 'Slack: ' + s.modes.slack + ' · GitHub: ' + s.modes.github + ' · PagerDuty: ' + s.modes.pagerduty;
  if (s.slack)
    show('slack', [
      ...s.slack.messages.slice().reverse().map((m) => dm(m, s)),
      ...s.slack.notices.map((n) => h('div', { class: 'card ctx', 'data-testid': 'notice' }, 'Only visible to the clicker: ' + n.text)),
    ], 'No messages yet.');
  else show('slack', [], 'Real Slack: messages are in your workspace.');
  if (s.github) show('github', s.github.issues.slice().reverse().map(issue), 'No issues yet.');
  else show('github', [], 'Real GitHub: issues are in your repositories.');
  if (s.pagerduty) show('pagerduty', s.pagerduty.incidents.slice().reverse().map(incident), 'No incidents yet.');
  else show('pagerduty', [], 'Real PagerDuty: incidents are in your account.');
}

api('/sandbox/examples').then((r) => r.json()).then((names) => {
  document.getElementById('examples').replaceChildren(...names.flatMap((n, i) => [i ? ' ' : '', h('button', { 'data-testid': 'example-' + n, 'data-example': n }, n)]));
});
refresh();
setInterval(refresh, 1000);
`;
