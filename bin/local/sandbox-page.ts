/** The sandbox page: Slack DMs as the user sees them, GitHub issues, PagerDuty incidents; refreshed every second. */
export function sandboxPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Dispatch sandbox</title>
<style>
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
<script>
const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
function mrkdwn(text) {
  return esc(text)
    .replace(/&lt;(https?:[^|&]+)\\|([^&]+)&gt;/g, '<a href="$1">$2</a>')
    .replace(/&lt;@([A-Z0-9]+)&gt;/g, '@$1')
    .replace(/\\*([^*]+)\\*/g, '<b>$1</b>');
}
function block(b, m) {
  if (b.type === 'section') return '<div>' + mrkdwn(b.text && b.text.text) + '</div>';
  if (b.type === 'context') return '<div class="ctx">' + b.elements.map((e) => mrkdwn(e.text)).join(' · ') + '</div>';
  if (b.type === 'actions') return '<div>' + b.elements.map((e) =>
    '<button class="btn ' + (e.style || '') + '" data-testid="button-' + e.action_id + '" data-action="' + e.action_id +
    '" data-value="' + esc(e.value) + '" data-channel="' + m.channel + '" data-ts="' + m.ts + '">' + esc(e.text.text) + '</button>').join('') + '</div>';
  return '';
}
async function post(url, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  document.getElementById('last').textContent = res.status + ' ' + text;
  refresh();
}
document.addEventListener('click', (e) => {
  const t = e.target;
  if (t.dataset && t.dataset.action) {
    const channel = t.dataset.channel;
    const user = channel.startsWith('D') ? 'U' + channel.slice(1) : channel;
    post('/sandbox/click', { action_id: t.dataset.action, value: t.dataset.value, channel, ts: t.dataset.ts, user });
  }
  if (t.dataset && t.dataset.example) post('/sandbox/examples/' + t.dataset.example);
});
document.getElementById('send-custom').onclick = async () => {
  const res = await fetch('/alarms', { method: 'POST', headers: { 'content-type': 'application/json' }, body: document.getElementById('custom').value });
  document.getElementById('last').textContent = res.status + ' ' + await res.text();
  refresh();
};
async function refresh() {
  const s = await (await fetch('/sandbox/state')).json();
  document.getElementById('modes').textContent = 'Slack: ' + s.modes.slack + ' · GitHub: ' + s.modes.github + ' · PagerDuty: ' + s.modes.pagerduty;
  const slack = s.slack ? s.slack.messages.slice().reverse().map((m) =>
    '<div class="card" data-testid="dm" data-channel="' + m.channel + '"><div class="who">' +
    (m.channel === s.defaultChannel ? '#default channel' : 'DM to ' + m.channel.replace(/^D/, 'U')) + (m.edited ? ' · edited' : '') + '</div>' +
    m.blocks.map((b) => block(b, m)).join('') + '</div>').join('') +
    s.slack.notices.map((n) => '<div class="card ctx" data-testid="notice">Only visible to the clicker: ' + esc(n.text) + '</div>').join('')
    : '<p class="muted">Real Slack: messages are in your workspace.</p>';
  document.getElementById('slack').innerHTML = slack || '<p class="muted">No messages yet.</p>';
  const gh = s.github ? s.github.issues.slice().reverse().map((i) =>
    '<div class="card" data-testid="issue" data-state="' + i.state + '" id="issue-' + i.owner + '-' + i.repo + '-' + i.number + '">' +
    '<div><span class="badge ' + i.state + '">' + i.state + '</span><b>' + esc(i.title) + '</b> <span class="muted">' + esc(i.owner + '/' + i.repo + '#' + i.number) + '</span></div>' +
    '<div>' + i.labels.map((l) => '<span class="badge" data-testid="label">' + esc(l) + '</span>').join('') + '</div>' +
    '<pre>' + esc(i.body.replace(/<!--[\\s\\S]*?-->/g, '')) + '</pre>' +
    i.comments.map((c) => '<div class="comment" data-testid="comment">' + esc(c.body) + '</div>').join('') + '</div>').join('')
    : '<p class="muted">Real GitHub: issues are in your repositories.</p>';
  document.getElementById('github').innerHTML = gh || '<p class="muted">No issues yet.</p>';
  const pd = s.pagerduty ? s.pagerduty.incidents.slice().reverse().map((i) =>
    '<div class="card" data-testid="incident" id="incident-' + i.id + '"><span class="badge ' + i.status + '">' + i.status + '</span><b>' + esc(i.title) +
    '</b><div class="ctx">' + esc(i.severity) + ' · dedup key ' + esc(i.dedupKey) + ' · ' + i.alerts + ' alert(s)</div></div>').join('')
    : '<p class="muted">Real PagerDuty: incidents are in your account.</p>';
  document.getElementById('pagerduty').innerHTML = pd || '<p class="muted">No incidents yet.</p>';
}
fetch('/sandbox/examples').then((r) => r.json()).then((names) => {
  document.getElementById('examples').innerHTML = names.map((n) => '<button data-testid="example-' + n + '" data-example="' + n + '">' + n + '</button>').join(' ');
});
refresh();
setInterval(refresh, 1000);
</script>
</body>
</html>`;
}
