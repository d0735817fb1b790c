/**
 * The sandbox page: what happened to each alarm in words, Slack DMs as the user sees them, GitHub issues as GitHub
 * shows them, PagerDuty incidents; refreshed every second.
 *
 * Everything it shows comes from producers (issue 12): its script (sandbox-client.js) builds the DOM with
 * createElement and textContent, renders Slack mrkdwn itself and GitHub Markdown with marked + DOMPurify (served from
 * node_modules at /assets/), and links only http(s) URLs. Every script and the style carry the nonce of this response
 * (see `pageHeaders`), so no inline handler would run even if markup got in. It receives this start's token in a meta
 * tag and sends it with every /sandbox/* request.
 *
 * Layout (issue 17): one column on a phone, two from 720 px, three from 1100 px; every grid track is
 * minmax(0, 1fr) and long words wrap anywhere, so nothing scrolls sideways at any width.
 */
import { readFileSync } from 'node:fs';

let script: string | undefined;

/** The page's script, inlined with the nonce; it must not hold what would end or confuse an inline script. */
export function clientScript(): string {
  if (script === undefined) {
    const text = readFileSync(new URL('./sandbox-client.js', import.meta.url), 'utf8');
    if (/<\/script|<!--/i.test(text))
      throw new Error('sandbox-client.js must not contain "</script" or "<!--"');
    script = text;
  }
  return script;
}

export function sandboxPage(options: { token: string; nonce: string }): string {
  const nonce = attr(options.nonce);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="dispatch-sandbox-token" content="${attr(options.token)}">
<title>Dispatch sandbox</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<header>
  <div class="bar">
    <h1>Dispatch sandbox</h1>
    <span id="modes" class="modes"></span>
  </div>
  <p class="intro">Press an example: Dispatch routes it exactly as in AWS, to built-in fakes of Slack, GitHub and
    PagerDuty shown below. Answer a DM with its buttons. <b>What happened</b> tells each step in words.</p>
  <div class="bar">
    <div id="examples" class="examples"></div>
    <button id="reset" class="reset" data-testid="reset" title="Empty the fakes, the ledger and What happened">Reset</button>
  </div>
  <p id="feedback" class="feedback" role="status" data-testid="feedback"></p>
</header>
<div class="page">
  <section class="panel" id="activity" data-testid="activity">
    <h2>What happened</h2>
    <div id="counts" class="counts"></div>
    <ol id="timeline" class="timeline" data-testid="timeline"></ol>
  </section>
  <main>
    <section class="panel"><h2>Slack</h2>
      <div class="click-as"><label for="click-as">Click as</label>
        <select id="click-as" data-testid="click-as" title="Whom the next click on a button is sent as"><option value="">the DM's owner</option></select>
        <span id="click-as-note" class="muted"></span></div>
      <div id="views" data-testid="views"></div>
      <div id="slack"></div></section>
    <section class="panel"><h2>GitHub issues</h2><div id="github"></div></section>
    <section class="panel"><h2>PagerDuty incidents</h2><div id="pagerduty"></div>
      <h2>EventBridge events</h2><div id="events" data-testid="events"></div>
      <h2>Send your own alarm</h2>
      <textarea id="custom" aria-label="Alarm JSON">{"type":"low-priority","body":{"github":{"title":"Hello from the sandbox"}}}</textarea>
      <button class="btn" id="send-custom">POST /alarms</button>
    </section>
  </main>
</div>
<script nonce="${nonce}" src="/assets/marked.js"></script>
<script nonce="${nonce}" src="/assets/purify.js"></script>
<script nonce="${nonce}">${clientScript()}</script>
</body>
</html>`;
}

const STYLE = `
  *, *::before, *::after { box-sizing: border-box; }
  body { font: 14px/1.45 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d1c1d; overflow-wrap: anywhere; }
  header { background: #1d1c1d; color: #fff; padding: 12px 16px; }
  .bar { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; }
  header h1 { font-size: 18px; margin: 0; }
  .modes { color: #bbb; font-size: 12px; }
  .intro { margin: 6px 0 10px; color: #ddd; max-width: 72em; }
  .examples { display: flex; flex-wrap: wrap; gap: 6px; flex: 1 1 20em; min-width: 0; }
  .examples button, .reset { background: #fff; color: #1d1c1d; border: 0; border-radius: 4px; padding: 6px 10px;
    cursor: pointer; text-align: left; max-width: 100%; white-space: normal; }
  .examples .badge { background: #e8e8e8; }
  .reset { background: #e01e5a; color: #fff; }
  .feedback { margin: 10px 0 0; min-height: 1.45em; color: #fff; }
  .page { padding: 12px; display: grid; gap: 12px; grid-template-columns: minmax(0, 1fr); }
  main { display: grid; gap: 12px; grid-template-columns: minmax(0, 1fr); }
  @media (min-width: 720px) { main { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
  @media (min-width: 1100px) { main { grid-template-columns: repeat(3, minmax(0, 1fr)); } }
  .panel { background: #fff; border-radius: 8px; padding: 12px; min-width: 0; box-shadow: 0 1px 2px #0002; }
  h2 { font-size: 15px; margin: 0 0 8px; }
  .counts { display: flex; flex-wrap: wrap; gap: 4px 14px; margin-bottom: 8px; color: #444; }
  .timeline { list-style: none; padding: 0; margin: 0; display: grid; gap: 8px; max-height: 50vh; overflow-y: auto;
    grid-template-columns: repeat(auto-fill, minmax(min(100%, 340px), 1fr)); }
  .events { margin: 6px 0 0; padding-left: 20px; }
  .events li { margin: 2px 0; }
  .events li[data-kind="rejected"], .events li[data-kind="failed"] { color: #b00020; }
  .card { border: 1px solid #ddd; border-radius: 6px; padding: 8px 10px; margin-bottom: 10px; min-width: 0; }
  .timeline .card { margin: 0; }
  .who { font-weight: 600; color: #555; font-size: 12px; }
  .slack .sl-section, .slack .actions { margin: 6px 0; }
  .slack .sl-header { font-weight: 700; font-size: 16px; }
  .actions { display: flex; flex-wrap: wrap; gap: 6px; }
  .btn { border: 1px solid #bbb; border-radius: 4px; padding: 4px 10px; cursor: pointer; background: #fff; max-width: 100%; white-space: normal; }
  .btn.primary { background: #007a5a; color: #fff; border-color: #007a5a; }
  .btn.danger { background: #e01e5a; color: #fff; border-color: #e01e5a; }
  .ctx { color: #616061; font-size: 12px; }
  .badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px; margin-right: 4px; background: #eee; color: #1d1c1d; }
  .open { background: #1f883d; color: #fff; } .closed { background: #8250df; color: #fff; } .triggered { background: #e01e5a; color: #fff; }
  .mention { background: #1d9bd11a; color: #1264a3; border-radius: 3px; padding: 0 2px; }
  blockquote { border-left: 4px solid #ddd; margin: 4px 0; padding: 0 10px; color: #555; }
  pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f8fa; padding: 6px; border-radius: 4px; font-size: 12px; margin: 6px 0; }
  code { font-size: 12px; background: #f6f8fa; border-radius: 3px; padding: 0 3px; overflow-wrap: anywhere; }
  pre code { padding: 0; background: none; }
  .markdown > :first-child { margin-top: 0; } .markdown > :last-child { margin-bottom: 0; }
  .markdown p, .markdown ul, .markdown ol, .markdown table { margin: 6px 0; }
  .markdown h1, .markdown h2, .markdown h3 { font-size: 15px; margin: 8px 0 4px; }
  .markdown table { display: block; max-width: 100%; overflow-x: auto; border-collapse: collapse; }
  .markdown th, .markdown td { border: 1px solid #ddd; padding: 2px 6px; }
  .markdown sub { font-size: 11px; color: #666; }
  .issue-body { margin: 6px 0; }
  .comment { border-left: 3px solid #ddd; padding-left: 8px; margin: 8px 0; font-size: 13px; }
  .details { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0 8px; margin: 6px 0 0; font-size: 12px; }
  .details dt { color: #666; } .details dd { margin: 0; }
  textarea { width: 100%; min-height: 70px; font-family: monospace; }
  .click-as { display: flex; flex-wrap: wrap; gap: 4px 8px; align-items: center; margin: 0 0 8px; font-size: 13px; }
  .click-as select { max-width: 100%; }
  .modal { border: 2px solid #1264a3; box-shadow: 0 2px 8px #0003; }
  .modal-title { font-weight: 700; font-size: 16px; margin: 4px 0; }
  .sl-input { margin: 8px 0; }
  .sl-input label { display: block; font-weight: 600; margin-bottom: 4px; }
  .modal textarea, .modal input { width: 100%; font: inherit; }
  .modal-actions { justify-content: flex-end; }
  .field-error { color: #b00020; font-size: 12px; margin: 4px 0 0; }
  .muted { color: #888; }
  a { color: #1264a3; }
`;

/** Escapes a value for a double-quoted HTML attribute. */
function attr(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
