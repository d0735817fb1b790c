/* global document, fetch, location, CSS, Node, NodeFilter, setInterval, marked, DOMPurify */
/**
 * The sandbox page's script, inlined into the page with its nonce by sandbox-page.ts.
 *
 * Everything it shows comes from producers, so it builds the DOM with createElement, textContent and setAttribute
 * (the `h` helper), never innerHTML. Two kinds of markup are rendered as the vendors would show them:
 *   - Slack mrkdwn (https://api.slack.com/reference/surfaces/formatting), parsed here into elements: dates in the
 *     reader's time zone, emoji, bold, italic, strike, code, quotes, links (http(s) only) and mentions.
 *   - GitHub Markdown, by marked (GitHub Flavored Markdown, line breaks as in issues and comments), then DOMPurify
 *     with GitHub's allow-list of tags, no attribute that can run or style anything, links to http(s) only, images
 *     shown as links (the page's CSP loads none). DOMPurify returns nodes of an inert document, never a string.
 * Dispatch's hidden markers (HTML comments starting with dispatch:) are removed from every body and comment.
 *
 * A modal the fake Slack opened (the reason form: views.open with a click's trigger_id) is shown above the messages
 * as a form; Submit and Cancel go to POST /sandbox/view, which sends the view_submission Slack would. Clicks are
 * sent as the user chosen in "Click as": the message's owner, a responder (DISPATCH_RESPONDERS) or a stranger.
 */
'use strict';

const TOKEN = document.querySelector('meta[name="dispatch-sandbox-token"]').content;

/** An element; attributes are set with setAttribute, children are nodes or text (never markup). */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {}))
    if (value !== undefined && value !== null && value !== false) el.setAttribute(name, String(value));
  for (const child of children.flat(Infinity))
    if (child !== undefined && child !== null && child !== false && child !== '')
      el.append(child instanceof Node ? child : String(child));
  return el;
}

// ---------------------------------------------------------------- emoji

/** The shortcodes Dispatch writes, and common ones in alarms; others stay as typed, as Slack and GitHub show them. */
const EMOJI = {
  alarm_clock: '⏰',
  bell: '🔔',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  inbox_tray: '📥',
  information_source: 'ℹ️',
  repeat: '🔁',
  rotating_light: '🚨',
  warning: '⚠️',
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  x: '❌',
  no_entry: '⛔',
  no_entry_sign: '🚫',
  lock: '🔒',
  unlock: '🔓',
  key: '🔑',
  old_key: '🗝️',
  closed_lock_with_key: '🔐',
  shield: '🛡️',
  fire: '🔥',
  eyes: '👀',
  mag: '🔍',
  bulb: '💡',
  computer: '💻',
  floppy_disk: '💾',
  email: '📧',
  envelope: '✉️',
  pager: '📟',
  sos: '🆘',
  red_circle: '🔴',
  large_green_circle: '🟢',
  '+1': '👍',
  thumbsup: '👍',
  '-1': '👎',
  thumbsdown: '👎',
  tada: '🎉',
  wave: '👋',
  question: '❓',
  exclamation: '❗',
  skull: '💀',
  wrench: '🔧',
  link: '🔗',
  memo: '📝',
  package: '📦',
  cloud: '☁️',
  bust_in_silhouette: '👤',
};

/** Text with its known :shortcodes: as emoji. */
function withEmoji(text) {
  const out = [];
  const pattern = /:([a-z0-9_+-]+):/g;
  let last = 0;
  for (let m; (m = pattern.exec(text));) {
    if (!Object.hasOwn(EMOJI, m[1])) {
      pattern.lastIndex = m.index + 1;
      continue;
    }
    out.push(text.slice(last, m.index), h('span', { class: 'emoji', title: m[0] }, EMOJI[m[1]]));
    last = pattern.lastIndex;
  }
  out.push(text.slice(last));
  return out;
}

// ---------------------------------------------------------------- links

/** A link to an http(s) URL; a link to this page (the fakes' issue and incident URLs) scrolls to it. */
function link(url, children) {
  const own = url.startsWith(location.origin + '/#');
  if (own) return h('a', { href: url.slice(location.origin.length + 1) }, children);
  if (!/^https?:\/\//i.test(url)) return h('span', null, children);
  return h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, children);
}

// ---------------------------------------------------------------- Slack mrkdwn

/** Slack shows &amp; &lt; &gt; as the characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
const unescapeSlack = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

const localDay = (d) => Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) / 86400000;

/** One {token} of a Slack date (https://api.slack.com/reference/surfaces/formatting#date-formatting). */
function dateToken(date, token) {
  const format = (options) => () => new Intl.DateTimeFormat(undefined, options).format(date);
  const plain = format({ year: 'numeric', month: 'long', day: 'numeric' });
  const short = format({ year: 'numeric', month: 'short', day: 'numeric' });
  const long = format({ weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
  const pretty = (fallback) => {
    const days = localDay(date) - localDay(new Date());
    return days === 0 ? 'today' : days === -1 ? 'yesterday' : days === 1 ? 'tomorrow' : fallback();
  };
  const pad = (n) => String(n).padStart(2, '0');
  switch (token) {
    case 'date_num':
      return date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate());
    case 'date':
      return plain();
    case 'date_short':
      return short();
    case 'date_long':
      return long();
    case 'date_pretty':
      return pretty(plain);
    case 'date_short_pretty':
      return pretty(short);
    case 'date_long_pretty':
      return pretty(long);
    case 'time':
      return format({ hour: 'numeric', minute: '2-digit' })();
    case 'time_secs':
      return format({ hour: 'numeric', minute: '2-digit', second: '2-digit' })();
    case 'ago': {
      const minutes = Math.round((date.getTime() - Date.now()) / 60000);
      const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
      if (Math.abs(minutes) < 60) return rtf.format(minutes, 'minute');
      if (Math.abs(minutes) < 1440) return rtf.format(Math.round(minutes / 60), 'hour');
      return rtf.format(Math.round(minutes / 1440), 'day');
    }
    default:
      return undefined;
  }
}

/** <!date^SECONDS^FORMAT(^LINK)|FALLBACK>: the time in the reader's time zone, the fallback when it is not a time. */
function slackDate(target, fallback) {
  const [, seconds, format = '', url] = target.split('^');
  const date = new Date(Number(seconds) * 1000);
  if (!/^\d+$/.test(seconds || '') || Number.isNaN(date.getTime())) return fallback;
  const text = format.replace(/\{(\w+)\}/g, (all, token) => dateToken(date, token) ?? all);
  const title = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' }).format(date);
  const time = h('time', { datetime: date.toISOString(), title }, text);
  return url ? link(unescapeSlack(url), time) : time;
}

/** What Slack shows for <…>: a date, a mention, a link; anything else as typed. */
function angle(inner) {
  const bar = inner.indexOf('|');
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? undefined : unescapeSlack(inner.slice(bar + 1));
  const mention = (text, title) => h('span', { class: 'mention', title }, text);
  if (target.startsWith('!date^')) return slackDate(target, label ?? '');
  if (/^!(here|channel|everyone)$/.test(target)) return mention('@' + target.slice(1));
  if (target.startsWith('!subteam^')) return mention(label ?? '@team', target.slice(9));
  if (target.startsWith('@')) return mention('@' + (label ?? target.slice(1)), target.slice(1));
  if (target.startsWith('#')) return mention('#' + (label ?? target.slice(1)), target.slice(1));
  const url = unescapeSlack(target);
  if (/^https?:\/\//i.test(url)) return link(url, withEmoji(label ?? url));
  if (/^mailto:/i.test(url)) return label ?? url.slice(7);
  return '<' + unescapeSlack(inner) + '>';
}

/**
 * Inline mrkdwn: `code`, <…>, *bold*, _italic_, ~strike~ (markers at word boundaries, as Slack has them), :emoji:.
 * Bold, italic and strike may nest.
 */
const INLINE = new RegExp(
  [
    '`([^`\\n]+)`',
    '<([^<>\\n]+)>',
    '(?<![\\p{L}\\p{N}_*])\\*(?!\\s)([^*\\n]+?)(?<!\\s)\\*(?![\\p{L}\\p{N}_*])',
    '(?<![\\p{L}\\p{N}_])_(?!\\s)([^_\\n]+?)(?<!\\s)_(?![\\p{L}\\p{N}_])',
    '(?<![\\p{L}\\p{N}_~])~(?!\\s)([^~\\n]+?)(?<!\\s)~(?![\\p{L}\\p{N}_~])',
  ].join('|'),
  'gu',
);

function inline(text) {
  const out = [];
  const pattern = new RegExp(INLINE.source, INLINE.flags);
  let last = 0;
  for (let m; (m = pattern.exec(text)); last = pattern.lastIndex) {
    out.push(withEmoji(unescapeSlack(text.slice(last, m.index))));
    if (m[1] !== undefined) out.push(h('code', null, unescapeSlack(m[1])));
    else if (m[2] !== undefined) out.push(angle(m[2]));
    else if (m[3] !== undefined) out.push(h('b', null, inline(m[3])));
    else if (m[4] !== undefined) out.push(h('i', null, inline(m[4])));
    else out.push(h('s', null, inline(m[5])));
  }
  out.push(withEmoji(unescapeSlack(text.slice(last))));
  return out;
}

/** Lines: a line starting with > (written &gt;) is a quote; other lines break where the text does. */
function lines(text) {
  const out = [];
  let quote = null;
  text.split('\n').forEach((line, i) => {
    const quoted = /^(?:&gt;|>) ?(.*)$/.exec(line);
    if (quoted) {
      if (!quote) out.push((quote = h('blockquote', null)));
      else quote.append(h('br'));
      quote.append(...inline(quoted[1]).flat(Infinity));
      return;
    }
    if (i > 0 && !quote) out.push(h('br'));
    quote = null;
    out.push(inline(line));
  });
  return out;
}

/** Slack mrkdwn as a Slack client shows it. */
function mrkdwn(text) {
  const source = String(text ?? '');
  const out = [];
  const fence = /```([\s\S]*?)```/g;
  let last = 0;
  for (let m; (m = fence.exec(source)); last = fence.lastIndex) {
    out.push(lines(source.slice(last, m.index)));
    out.push(h('pre', null, unescapeSlack(m[1].replace(/^\n/, ''))));
  }
  out.push(lines(source.slice(last)));
  return out;
}

/** A Block Kit text object: plain_text as written (with emoji), mrkdwn rendered. */
const textObject = (t) =>
  !t ? null : t.type === 'plain_text' ? withEmoji(String(t.text ?? '')) : mrkdwn(t.text);

function block(b, m) {
  if (b.type === 'section')
    return h('div', { class: 'sl-section' }, textObject(b.text), (b.fields || []).map(textObject));
  if (b.type === 'header') return h('div', { class: 'sl-header' }, textObject(b.text));
  if (b.type === 'divider') return h('hr');
  if (b.type === 'context')
    return h(
      'div',
      { class: 'ctx' },
      (b.elements || []).map((e, i) => [i ? ' · ' : '', e.type === 'image' ? null : textObject(e)]),
    );
  if (b.type === 'actions')
    return h(
      'div',
      { class: 'actions' },
      (b.elements || []).map((e) =>
        e.type === 'static_select'
          ? staticSelect(e, b, m)
          : h(
              'button',
              {
                class: 'btn ' + (e.style || ''),
                'data-testid': 'button-' + e.action_id,
                'data-action': e.action_id,
                'data-value': e.value,
                'data-channel': m.channel,
                'data-ts': m.ts,
              },
              textObject(e.text),
            ),
      ),
    );
  return null;
}

/** A static_select (the snooze choice): choosing an option sends the click, as Slack does. */
function staticSelect(e, b, m) {
  const attrs = {
    class: 'btn',
    'data-testid': 'select-' + e.action_id,
    'data-select': e.action_id,
    'data-block': b.block_id,
    'data-channel': m.channel,
    'data-ts': m.ts,
  };
  const options = (e.options || []).map((o) => h('option', { value: o.value }, textObject(o.text)));
  return h('select', attrs, h('option', { value: '' }, textObject(e.placeholder)), options);
}

const clock = (date) =>
  new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(date);

function dm(m, s) {
  const who =
    m.channel === s.defaultChannel
      ? 'in #' + m.channel + ' (the default channel)'
      : 'DM to ' + String(m.channel).replace(/^D/, 'U');
  const at = new Date(Number(String(m.ts).split('.')[0]) * 1000);
  return h(
    'div',
    { class: 'card', 'data-testid': 'dm', 'data-channel': m.channel },
    h(
      'div',
      { class: 'who' },
      'Dispatch ',
      h('span', { class: 'muted' }, who + ' · ' + clock(at) + (m.edited ? ' · edited' : '')),
    ),
    h(
      'div',
      { class: 'slack', 'data-testid': 'dm-text' },
      (m.blocks || []).map((b) => block(b, m)),
    ),
  );
}

// ---------------------------------------------------------------- GitHub Markdown

/** Dispatch's hidden markers (an HTML comment whose text starts with dispatch:), taken out before rendering. */
const MARKER = /\x3c!--\s*dispatch:[\s\S]*?--\x3e\n?/g;
const stripMarkers = (s) => String(s ?? '').replace(MARKER, '');

/** The tags GitHub keeps in Markdown (its html-pipeline allow-list), less images, which are links here. */
const GITHUB_TAGS = [
  'a', 'abbr', 'b', 'bdo', 'blockquote', 'br', 'caption', 'cite', 'code', 'dd', 'del', 'details', 'dfn', 'div',
  'dl', 'dt', 'em', 'figcaption', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'input', 'ins',
  'kbd', 'li', 'mark', 'ol', 'p', 'pre', 'q', 'rp', 'rt', 'ruby', 's', 'samp', 'small', 'span', 'strike', 'strong',
  'sub', 'summary', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'time', 'tr', 'tt', 'ul', 'var', 'wbr',
]; // prettier-ignore
/** No id, name, class or style (the page's own ids and CSP stay intact), no event handler. */
const GITHUB_ATTRS = [
  'href', 'title', 'align', 'colspan', 'rowspan', 'start', 'open', 'datetime', 'lang', 'dir', 'type',
  'checked', 'disabled',
]; // prettier-ignore

/** Raw HTML tags kept as GitHub keeps them when they carry no attribute; any other tag is shown as typed. */
const RAW_TAGS =
  /^<\/?(?:b|i|em|strong|s|del|ins|sub|sup|kbd|samp|var|mark|small|q|abbr|tt|code|pre|br|hr|p|div|span|blockquote|details|summary|ul|ol|li|dl|dt|dd|h[1-6]|table|thead|tbody|tfoot|tr|td|th|caption|wbr)\s*\/?>$/i;

const escapeHtml = (s) =>
  String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Raw HTML in Markdown, before any HTML parser sees it: comments dropped (GitHub hides them), bare tags of the
 * allow-list kept, every other tag escaped into text. So no attribute a producer wrote (onerror=…) is ever parsed;
 * even an inert parse makes Chromium report it against the page's CSP. DOMPurify still checks the result.
 */
const rawHtml = (html) =>
  html.replace(/\x3c!--[\s\S]*?(?:--\x3e|$)|<\/?[A-Za-z][^<>]*>|[<>]/g, (tag) =>
    tag.startsWith('\x3c!--') ? '' : RAW_TAGS.test(tag) ? tag : escapeHtml(tag),
  );

let purifying = false;
function purifier() {
  if (purifying || typeof DOMPurify === 'undefined' || typeof marked === 'undefined') return purifying;
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A') {
      const href = node.getAttribute('href') || '';
      if (/^https?:\/\//i.test(href)) {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      } else node.removeAttribute('href');
    }
    if (node.tagName === 'INPUT') {
      node.setAttribute('type', 'checkbox');
      node.setAttribute('disabled', '');
    }
  });
  // GitHub breaks lines in issues and comments where the text does. Images become links (the page loads none).
  marked.use({
    gfm: true,
    breaks: true,
    renderer: {
      html: (token) => rawHtml(token.text),
      image: (token) =>
        '<a href="' +
        escapeHtml(token.href) +
        '">🖼 ' +
        escapeHtml(token.text || token.href || 'image') +
        '</a>',
    },
  });
  return (purifying = true);
}

/** GitHub's @mentions (a login or org/team) and :emoji: in text outside code and links. */
function githubText(text) {
  const out = [];
  const pattern = /(^|[^\w@/`])@([a-z0-9](?:-?[a-z0-9])*(?:\/[a-z0-9][\w.-]*)?)/gi;
  let last = 0;
  for (let m; (m = pattern.exec(text)); last = pattern.lastIndex) {
    out.push(withEmoji(text.slice(last, m.index) + m[1]), h('span', { class: 'mention' }, '@' + m[2]));
  }
  out.push(withEmoji(text.slice(last)));
  return out.flat(Infinity);
}

/** GitHub Markdown, rendered and sanitised; plain text when the renderer could not load. */
function markdown(source) {
  const text = stripMarkers(source);
  if (!purifier()) return h('pre', null, text);
  const html = marked.parse(text, { async: false });
  const fragment = DOMPurify.sanitize(html, {
    ALLOWED_TAGS: GITHUB_TAGS,
    ALLOWED_ATTR: GITHUB_ATTRS,
    ALLOW_DATA_ATTR: false,
    RETURN_DOM_FRAGMENT: true,
  });
  const walker = document.createTreeWalker(fragment, NodeFilter.SHOW_TEXT);
  const texts = [];
  for (let n; (n = walker.nextNode());)
    if (!n.parentElement || !n.parentElement.closest('code, pre, a')) texts.push(n);
  for (const n of texts) n.replaceWith(...githubText(n.data));
  return h('div', { class: 'markdown' }, fragment);
}

function issue(i) {
  return h(
    'div',
    {
      class: 'card',
      'data-testid': 'issue',
      'data-state': i.state,
      id: 'issue-' + i.owner + '-' + i.repo + '-' + i.number,
    },
    h(
      'div',
      { class: 'issue-head' },
      h('span', { class: 'badge ' + i.state }, i.state),
      ' ',
      h('b', { 'data-testid': 'issue-title' }, i.title),
      ' ',
      h('span', { class: 'muted' }, i.owner + '/' + i.repo + '#' + i.number),
    ),
    h(
      'div',
      null,
      (i.labels || []).map((l) => h('span', { class: 'badge', 'data-testid': 'label' }, l)),
    ),
    h('div', { class: 'issue-body', 'data-testid': 'issue-body' }, markdown(i.body)),
    (i.comments || []).map((c) =>
      h(
        'div',
        { class: 'comment', 'data-testid': 'comment' },
        h('div', { class: 'who' }, (c.author || 'ghost') + ' commented'),
        markdown(c.body),
      ),
    ),
  );
}

function incident(i) {
  const details = Object.entries(i.details && typeof i.details === 'object' ? i.details : {});
  return h(
    'div',
    { class: 'card', 'data-testid': 'incident', id: 'incident-' + i.id },
    h('span', { class: 'badge ' + i.status }, i.status),
    ' ',
    h('b', null, i.title),
    h(
      'div',
      { class: 'ctx' },
      '#' + i.number + ' · ' + i.severity + ' · dedup key ' + i.dedupKey + ' · ' + i.alerts + ' alert(s)',
    ),
    details.length
      ? h(
          'dl',
          { class: 'details' },
          details.map(([k, v]) => [
            h('dt', null, k),
            h('dd', null, typeof v === 'string' ? v : JSON.stringify(v)),
          ]),
        )
      : null,
  );
}

/** One event Dispatch published (README "Events"): its detail-type, the alarm key, the answer, when. */
function busEvent(e) {
  const d = (e && e.detail) || {};
  return h(
    'div',
    { class: 'card ctx', 'data-testid': 'bus-event', 'data-detail-type': e.detailType },
    h('span', { class: 'badge' }, e.detailType),
    ' ',
    h('code', null, d.alarmKey),
    d.answer ? ' · answered ' + d.answer : '',
    d.at ? [' · ', h('time', { datetime: d.at }, clock(new Date(d.at)))] : '',
  );
}

// ---------------------------------------------------------------- what happened

const COUNTS = [
  ['alarms', 'alarm received', 'alarms received'],
  ['rejected', 'rejected', 'rejected'],
  ['issues', 'issue opened', 'issues opened'],
  ['dms', 'DM sent', 'DMs sent'],
  ['suppressed', 'suppressed', 'suppressed'],
  ['yes', 'answered yes', 'answered yes'],
  ['no', 'answered no', 'answered no'],
  ['pages', 'page', 'pages'],
];

function counts(c) {
  return COUNTS.map(([key, one, many]) =>
    h(
      'span',
      { class: 'count', 'data-testid': 'count-' + key },
      h('b', null, c[key]),
      ' ',
      c[key] === 1 ? one : many,
    ),
  );
}

function alarm(a) {
  return h(
    'li',
    { class: 'card', 'data-testid': 'alarm' },
    h('div', null, h('span', { class: 'badge' }, a.type), ' ', h('b', null, a.title)),
    h(
      'ol',
      { class: 'events' },
      a.events.map((e) =>
        h(
          'li',
          { 'data-testid': 'event', 'data-kind': e.kind },
          h('time', { datetime: e.at, class: 'muted' }, clock(new Date(e.at))),
          ' ',
          e.text,
        ),
      ),
    ),
  );
}

// ---------------------------------------------------------------- Slack forms (modals)

/** What is typed in each form's inputs, by element id: kept when the form is drawn again (an error, a refresh). */
const drafts = new Map();

/** An input block: its label, the text input (a textarea when multiline), its hint and the error under it. */
function viewInput(v, b, error) {
  const e = b.element || {};
  if (e.type !== 'plain_text_input')
    return h('p', { class: 'muted' }, 'An input of type ' + e.type + ', which the sandbox does not show.');
  const id = 'view-' + v.id + '-' + b.block_id;
  const attrs = {
    id,
    'data-testid': 'view-input',
    'data-block': b.block_id,
    'data-action-id': e.action_id,
    placeholder: e.placeholder && e.placeholder.text,
    maxlength: e.max_length,
    'aria-invalid': error ? 'true' : undefined,
  };
  const field = e.multiline ? h('textarea', attrs) : h('input', { ...attrs, type: 'text' });
  field.value = drafts.has(id) ? drafts.get(id) : String(e.initial_value || '');
  return h(
    'div',
    { class: 'sl-input' },
    h('label', { for: id }, textObject(b.label)),
    field,
    b.hint ? h('div', { class: 'ctx' }, textObject(b.hint)) : null,
    error ? h('p', { class: 'field-error', 'data-testid': 'view-error', role: 'alert' }, error) : null,
  );
}

/** A modal as Slack shows it: title, blocks, inputs, Cancel and Submit. */
function slackView(v) {
  const view = v.view || {};
  const errors = v.errors || {};
  return h(
    'div',
    { class: 'card modal', 'data-testid': 'slack-view', 'data-view': v.id, role: 'dialog' },
    h(
      'div',
      { class: 'who' },
      'Slack form open for ' + v.user,
      h('span', { class: 'muted' }, ' · a modal in Slack'),
    ),
    h('div', { class: 'modal-title' }, textObject(view.title)),
    h(
      'div',
      { class: 'slack' },
      (view.blocks || []).map((b) =>
        b.type === 'input' ? viewInput(v, b, errors[b.block_id]) : block(b, {}),
      ),
    ),
    v.problem
      ? h('p', { class: 'field-error', 'data-testid': 'view-error', role: 'alert' }, v.problem)
      : null,
    h(
      'div',
      { class: 'actions modal-actions' },
      h(
        'button',
        { class: 'btn', 'data-testid': 'view-cancel', 'data-view-cancel': v.id },
        textObject(view.close) || 'Cancel',
      ),
      view.submit
        ? h(
            'button',
            { class: 'btn primary', 'data-testid': 'view-submit', 'data-view-submit': v.id },
            textObject(view.submit),
          )
        : null,
    ),
  );
}

let shownViews = '';
/** Draws the open forms when they changed, keeping what was typed and where the cursor was. */
function views(list) {
  const text = JSON.stringify(list);
  if (text === shownViews) return;
  const before = new Set(Array.from(document.querySelectorAll('[data-view]'), (el) => el.dataset.view));
  const focused = document.activeElement && document.activeElement.id;
  shownViews = text;
  const open = new Set(list.map((v) => v.id));
  for (const id of drafts.keys()) if (!open.has(id.split('-')[1])) drafts.delete(id);
  document.getElementById('views').replaceChildren(...list.map(slackView));
  const fresh = list.find((v) => !before.has(v.id));
  const target = focused && document.getElementById(focused);
  if (target) target.focus();
  else if (fresh) {
    const input = document.querySelector('[data-view="' + CSS.escape(fresh.id) + '"] [data-block]');
    if (input) input.focus();
  }
}

document.addEventListener('input', (e) => {
  if (e.target.dataset && e.target.dataset.block && e.target.id) drafts.set(e.target.id, e.target.value);
});

async function sendView(body) {
  const answer = await post('/sandbox/view', body, 'Form');
  if (answer && answer.closed)
    for (const id of drafts.keys()) if (id.split('-')[1] === body.view) drafts.delete(id);
}

// ---------------------------------------------------------------- talking to the sandbox

const muted = (text) => h('p', { class: 'muted' }, text);
const show = (id, nodes, empty) =>
  document.getElementById(id).replaceChildren(...(nodes.length ? nodes : [muted(empty)]));
const say = (text) => document.getElementById('feedback').replaceChildren(text);

/** The page's own endpoints want this start's token. */
const api = (url, init = {}) =>
  fetch(url, { ...init, headers: { 'x-dispatch-sandbox-token': TOKEN, ...init.headers } });

/** What an answer of POST /alarms means, in words. */
function outcome(status, body, what) {
  if (body && Array.isArray(body.summary)) {
    const head = status === 200 ? what + ': ' : status === 400 ? what + ' was rejected: ' : what + ': ';
    return head + body.summary.join('; ') + '.';
  }
  return what + ': HTTP ' + status + (body && body.error ? ', ' + body.error : '');
}

async function post(url, body, what) {
  const res = await api(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await res.json().catch(() => ({}));
  say(answer.text || outcome(res.status, answer, what));
  refresh();
  return answer;
}

/** Whom the next click is sent as: '' for the message's owner (the server knows who that is), else a user ID. */
const clickAs = () => document.getElementById('click-as').value || undefined;
const asWhom = () => {
  const select = document.getElementById('click-as');
  return select.value ? ' as ' + select.options[select.selectedIndex].textContent : '';
};

document.addEventListener('click', (e) => {
  const action = e.target.closest && e.target.closest('[data-action]');
  if (action) {
    const { value, ts, channel } = action.dataset;
    say('Sending your answer' + asWhom() + '…');
    post(
      '/sandbox/click',
      { action_id: action.dataset.action, value, channel, ts, user: clickAs() },
      'Answer',
    );
  }
  const submit = e.target.closest && e.target.closest('[data-view-submit]');
  if (submit) {
    const form = submit.closest('[data-testid="slack-view"]');
    const values = {};
    for (const input of form.querySelectorAll('[data-block]')) {
      values[input.dataset.block] = { ...values[input.dataset.block], [input.dataset.actionId]: input.value };
    }
    say('Sending the form…');
    sendView({ view: submit.dataset.viewSubmit, action: 'submit', values });
  }
  const cancel = e.target.closest && e.target.closest('[data-view-cancel]');
  if (cancel) sendView({ view: cancel.dataset.viewCancel, action: 'cancel' });
  const example = e.target.closest && e.target.closest('[data-example]');
  if (example) {
    say('Sending ' + example.dataset.label + '…');
    post(
      '/sandbox/examples/' + encodeURIComponent(example.dataset.example),
      undefined,
      example.dataset.label,
    );
  }
});

document.addEventListener('change', (e) => {
  const select = e.target.closest && e.target.closest('[data-select]');
  if (!select || !select.value) return;
  say('Sending your choice' + asWhom() + '…');
  post(
    '/sandbox/click',
    {
      action_id: select.dataset.select,
      block_id: select.dataset.block,
      selected_option: { value: select.value },
      channel: select.dataset.channel,
      ts: select.dataset.ts,
      user: clickAs(),
    },
    'Snooze',
  );
});

document.getElementById('reset').addEventListener('click', () => post('/sandbox/reset', undefined, 'Reset'));

document.getElementById('send-custom').addEventListener('click', async () => {
  const res = await fetch('/alarms', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: document.getElementById('custom').value,
  });
  say(outcome(res.status, await res.json().catch(() => ({})), 'Your alarm'));
  refresh();
});

let shown = '';
async function refresh() {
  const res = await api('/sandbox/state');
  if (res.status === 403) {
    document.getElementById('modes').textContent =
      'This page belongs to an earlier start of the sandbox: reload it.';
    return;
  }
  const text = await res.text();
  if (text === shown) return;
  shown = text;
  const s = JSON.parse(text);
  document.getElementById('modes').textContent =
    'Slack: ' + s.modes.slack + ' · GitHub: ' + s.modes.github + ' · PagerDuty: ' + s.modes.pagerduty;
  document.getElementById('counts').replaceChildren(...counts(s.activity.counts));
  show('timeline', s.activity.alarms.map(alarm), 'Nothing yet: press an example above.');
  clickAsOptions(s.clickAs);
  views((s.slack && s.slack.views) || []);
  if (s.slack)
    show(
      'slack',
      [
        ...s.slack.messages
          .slice()
          .reverse()
          .map((m) => dm(m, s)),
        ...s.slack.notices.map((n) =>
          h(
            'div',
            { class: 'card ctx', 'data-testid': 'notice' },
            'Only visible to the clicker: ',
            mrkdwn(n.text),
          ),
        ),
      ],
      'No messages yet.',
    );
  else show('slack', [], 'Real Slack: messages are in your workspace.');
  if (s.github) show('github', s.github.issues.slice().reverse().map(issue), 'No issues yet.');
  else show('github', [], 'Real GitHub: issues are in your repositories.');
  if (s.pagerduty)
    show('pagerduty', s.pagerduty.incidents.slice().reverse().map(incident), 'No incidents yet.');
  else show('pagerduty', [], 'Real PagerDuty: incidents are in your account.');
  if (s.events) show('events', s.events.slice().reverse().map(busEvent), 'No events yet: answer a DM.');
  else show('events', [], 'Sent to ' + s.eventsEndpoint + ' (AWS_ENDPOINT_URL_EVENTBRIDGE).');
}

let shownClickAs = '';
/** "Click as": the message's owner, each responder, and someone else; the choice is kept while the list stays. */
function clickAsOptions(c) {
  const text = JSON.stringify(c || {});
  if (!c || text === shownClickAs) return;
  shownClickAs = text;
  const select = document.getElementById('click-as');
  const chosen = select.value;
  select.replaceChildren(
    h('option', { value: '' }, "the DM's owner"),
    ...(c.responders || []).map((r) => h('option', { value: r }, r + ' (responder)')),
    h('option', { value: c.stranger }, 'someone else (' + c.stranger + ')'),
  );
  select.value = Array.from(select.options).some((o) => o.value === chosen) ? chosen : '';
  document.getElementById('click-as-note').textContent = (c.responders || []).length
    ? ''
    : 'no responders: DISPATCH_RESPONDERS adds them';
}

/** The example buttons, labelled with what each example is: its alarm type, or the AWS service that sends it. */
async function examples() {
  const labels = await (await api('/sandbox/example-labels')).json();
  const buttons = labels.map((l) =>
    h(
      'button',
      {
        class: 'example',
        'data-testid': 'example-' + l.name,
        'data-example': l.name,
        'data-label': l.title,
        title: l.about,
      },
      h(
        'span',
        { class: 'badge', 'data-testid': 'example-kind' },
        l.kind + (l.becomes ? ' → ' + l.becomes : ''),
      ),
      ' ',
      l.title,
    ),
  );
  document.getElementById('examples').replaceChildren(...buttons);
}

examples();
refresh();
setInterval(refresh, 1000);
