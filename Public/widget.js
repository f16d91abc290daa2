/*
 * Kefu shopper chat widget. A shop embeds it with one line:
 *   <script src="https://KEFU_HOST/widget.js" data-inbox="INBOX_KEY" async></script>
 * Optional: data-locale="zh-CN|zh-TW|en|ko"; a signed-in shopper's account on the shop with
 * data-customer-id="C1001" data-customer-name="..." data-customer-hash="HMAC" (sent with the
 * session so Kefu links the chat to that customer's orders; nothing is sent without the id).
 *
 * Self-contained: no framework, no imports, no build step. It renders in an open
 * Shadow DOM so the shop's styles do not leak in, speaks the protocol in
 * docs/protocol.md, and takes every visible word from GET /api/v1/i18n (keys
 * "widget.*"). Chat text is only ever rendered as text (textContent), never as HTML.
 * The only global it defines is window.KefuWidget = { open, close, toggle }.
 */
(function () {
  'use strict';
  if (window.KefuWidget) return;

  var script = document.currentScript;
  if (!script || !script.getAttribute('data-inbox')) {
    script = document.querySelector('script[data-inbox][src*="widget.js"]') || document.querySelector('script[data-inbox]');
  }
  if (!script) return;
  var INBOX = script.getAttribute('data-inbox') || '';
  // The shop's own customer, when the page names one (data-customer-id is required for it).
  var CUSTOMER = (function () {
    var id = (script.getAttribute('data-customer-id') || '').trim();
    if (!id) return null;
    var c = { id: id };
    var name = (script.getAttribute('data-customer-name') || '').trim();
    var hash = (script.getAttribute('data-customer-hash') || '').trim();
    if (name) c.name = name;
    if (hash) c.hash = hash;
    return c;
  })();
  var ORIGIN;
  try { ORIGIN = new URL(script.src || '', location.href).origin; } catch (e) { return; }
  if (!INBOX || !/^https?:/.test(ORIGIN)) return;

  var MAX_TEXT = 5000;
  var MAX_IMAGE = 5 * 1024 * 1024;
  var EMOJI = ['\u{1F60A}', '\u{1F600}', '\u{1F601}', '\u{1F602}', '\u{1F923}', '\u{1F604}', '\u{1F605}', '\u{1F609}',
    '\u{1F60D}', '\u{1F618}', '\u{1F970}', '\u{1F60E}', '\u{1F914}', '\u{1F62E}', '\u{1F622}', '\u{1F62D}',
    '\u{1F621}', '\u{1F633}', '\u{1F634}', '\u{1F917}', '\u{1F64F}', '\u{1F44D}', '\u{1F44C}', '\u{1F44F}',
    '\u{1F64C}', '\u{1F4AA}', '\u{1F91D}', '\u{1F44B}', '\u270C\uFE0F', '\u2764\uFE0F', '\u{1F495}', '\u{1F389}',
    '\u{1F381}', '\u{1F339}', '\u{1F525}', '\u2B50', '\u2728', '\u{1F4AF}', '\u2615', '\u{1F349}'];
  // English wording for when the catalogue cannot be fetched (e.g. a shop's page blocks it).
  var FALLBACK = {
    'widget.title': 'Live chat', 'widget.open': 'Chat with us', 'widget.close': 'Close',
    'widget.placeholder': 'Type a message\u2026', 'widget.send': 'Send', 'widget.image': 'Image',
    'widget.emoji': 'Emoji', 'widget.typing': 'Typing\u2026', 'widget.read': 'Read', 'widget.unread': 'Delivered',
    'widget.sending': 'Sending\u2026', 'widget.failed': 'Not sent. Tap to retry',
    'widget.reconnecting': 'Connection lost. Reconnecting\u2026',
    'widget.unavailable': 'Chat is unavailable right now. Please try again later.',
    'widget.welcome': 'Hi! How can we help you today?', 'widget.agent': '#{number} {name}',
    'widget.loading': 'Loading\u2026', 'widget.removeImage': 'Remove image', 'widget.openImage': 'Open full size',
    'widget.uploadFailed': 'The image could not be uploaded. Please try again.',
    'widget.imageTooLarge': 'Images can be at most 5 MB.',
    'widget.imageOnly': 'Only images can be sent (PNG, JPEG, GIF, WebP).',
    'widget.textTooLong': 'The message is too long (5,000 characters at most).',
    'widget.rateLimited': 'You are sending too fast. Please wait a moment.',
    'widget.unreadCount': '{count} unread messages', 'widget.earlier': 'Earlier conversation', 'widget.file': 'File',
    'widget.hint': 'Enter to send, Shift+Enter for a new line',
    'widget.bot.name': 'Assistant', 'widget.bot.hotTitle': 'Common questions', 'widget.bot.handover': 'Talk to an agent',
    'widget.bot.handoverShort': 'Agent', 'widget.bot.details': 'View details',
    'widget.bot.handoverFailed': 'Could not reach an agent. Please try again.',
    'widget.bot.answerFailed': 'The answer could not be loaded. Please try again.', 'widget.help.link': 'Help center',
    'widget.queue.position': 'You are number {position} in line \u00b7 about {minutes} min wait',
    'widget.queue.positionNoEta': 'You are number {position} in line. Please hold on.',
    'widget.auto.tag': 'Auto-reply', 'widget.status.dismiss': 'Dismiss',
    'widget.leave.closed': 'We\'re outside business hours. Agents are back from {next_open}.',
    'widget.leave.closedNoTime': 'We\'re outside business hours and no agent is online right now.',
    'widget.leave.title': 'Leave a message',
    'widget.leave.intro': 'Leave your contact details and question. We\'ll reply as soon as we\'re back.',
    'widget.leave.name': 'Name (optional)', 'widget.leave.contact': 'Phone or email', 'widget.leave.text': 'How can we help?',
    'widget.leave.submit': 'Send message', 'widget.leave.sending': 'Sending\u2026', 'widget.leave.doneTitle': 'Thank you!',
    'widget.leave.done': 'We\'ve got your message and will reply as soon as we\'re back.',
    'widget.leave.failed': 'Your message could not be sent. Please try again.',
    'widget.leave.textRequired': 'Please write your message.',
    'widget.shop': 'Shop service',
    'widget.card.order': 'Order', 'widget.card.product': 'Product', 'widget.card.open': 'Open in the shop',
    'widget.card.status.created': 'To be confirmed', 'widget.card.status.unpaid': 'Awaiting payment',
    'widget.card.status.paid': 'Paid', 'widget.card.status.shipped': 'Shipped', 'widget.card.status.delivered': 'Delivered',
    'widget.card.status.completed': 'Completed', 'widget.card.status.cancelled': 'Cancelled',
    'widget.card.status.refund_requested': 'Refund in progress', 'widget.card.status.refunded': 'Refunded',
    'widget.card.status.return_requested': 'Return in progress', 'widget.card.status.returned': 'Returned',
    'widget.case.title': 'After-sales solution', 'widget.case.ticket': 'Ticket {number}',
    'widget.case.kind.refund_only': 'Refund only', 'widget.case.kind.return_refund': 'Return and refund',
    'widget.case.kind.exchange': 'Exchange', 'widget.case.kind.resend': 'Resend', 'widget.case.kind.repair': 'Repair',
    'widget.case.kind.compensation': 'Compensation', 'widget.case.kind.price_protection': 'Price protection',
    'widget.case.question': 'Does this solution work for you?', 'widget.case.accept': 'Accept', 'widget.case.refuse': 'Decline',
    'widget.case.accepted': 'You accepted this solution', 'widget.case.refused': 'You declined this solution; we will keep working on it',
    'widget.case.answered': 'You already answered this solution', 'widget.case.replaced': 'A newer solution replaced this one',
    'widget.case.sending': 'Sending\u2026', 'widget.case.failed': 'Your answer could not be sent. Please try again.',
    'widget.forms.title': 'Self-service', 'widget.forms.open': 'Open \u201c{name}\u201d in a new tab'
  };

  // ---- storage (per inbox) ------------------------------------------------------
  var PREFIX = 'kefu:' + INBOX + ':';
  function load(name) { try { return window.localStorage.getItem(PREFIX + name); } catch (e) { return null; } }
  function save(name, value) {
    try {
      if (value === null || value === undefined) window.localStorage.removeItem(PREFIX + name);
      else window.localStorage.setItem(PREFIX + name, String(value));
    } catch (e) { /* storage disabled: the widget still works for this page */ }
  }
  function loadInt(name) { var n = parseInt(load(name) || '0', 10); return n > 0 ? n : 0; }
  function loadJSON(name, dflt) { try { var v = JSON.parse(load(name) || 'null'); return v == null ? dflt : v; } catch (e) { return dflt; } }

  // ---- state --------------------------------------------------------------------
  var S = {
    locale: null, messages: null,
    token: load('token'), conversationId: lc(load('conversation')),
    inbox: { name: '', greeting: '' },
    open: load('open') === '1',
    ws: null, ready: false, attempt: 0, failures: 0, reconnectTimer: 0, pingTimer: 0, lastFrame: 0, everConnected: false,
    booted: false, bootTimer: 0, bootAttempt: 0,
    lastSeq: 0, minSeq: 0, hasMore: false, loadingOlder: false,
    bySeq: new Map(), ids: new Set(), pending: new Map(), others: [],
    agentRead: 0, visitorRead: 0, readSent: 0,
    agent: null, typingOn: false, typingAt: 0, typingIdle: 0, peerTypingTimer: 0,
    image: null,
    // FAQ bot (servers without it send neither `bot` nor `help`: then all of this stays off).
    bot: { active: false, mode: 'off' }, help: { url: null, hot: [] }, botOff: null, handingOver: false,
    // Routing (servers without it send no queue frames and leave these fields out of the session).
    queue: null, // { conv, position, eta, seq, at } from the last `queue` frame
    statusLine: null, statusDismissed: null, // dismissed only for this page view
    hours: { open: true, nextOpen: null }, leaveBusy: false, leaveDone: false,
    // The shop's public forms offered in the widget (repair requests, feedback): [{key, name, kind, url}].
    forms: [],
    // After-sale solutions (card.case): the shopper's answers, kept here because a card in the
    // history carries only what was true when it was sent; the cards shown, per case.
    caseAnswers: loadJSON('caseAnswers', {}), caseCards: new Map(), caseChecked: {}
  };
  if (S.conversationId) {
    S.agentRead = loadInt('agentRead');
    S.visitorRead = loadInt('visitorRead');
    S.lastSeq = loadInt('seq'); // replaced by the history once it loads
    // Still waiting in line when the last page was left: shown until a new frame, an agent or the greeting says otherwise.
    var q = loadJSON('queue', null);
    if (q && q.conv === S.conversationId && q.position > 0 && Date.now() - (q.at || 0) < 2 * 3600 * 1000) S.queue = q;
  }

  // ---- helpers ------------------------------------------------------------------
  // UUIDs compare case-insensitively (the server may write them in upper case).
  function lc(v) { return typeof v === 'string' ? v.toLowerCase() : v; }
  function normalize(o) {
    if (!o || typeof o !== 'object') return o;
    ['conversationId', 'clientMessageId', 'ref'].forEach(function (k) { if (typeof o[k] === 'string') o[k] = lc(o[k]); });
    if (o.message) normalize(o.message);
    return o;
  }

  function t(key, vars) {
    var text = S.messages && Object.prototype.hasOwnProperty.call(S.messages, key) ? S.messages[key]
      : Object.prototype.hasOwnProperty.call(FALLBACK, key) ? FALLBACK[key] : key;
    if (!vars) return text;
    return String(text).replace(/\{([A-Za-z0-9_]+)\}/g, function (whole, name) {
      return vars[name] === undefined || vars[name] === null ? whole : String(vars[name]);
    });
  }

  function pickLocale(tag) {
    tag = String(tag || '').toLowerCase().replace(/_/g, '-');
    if (/^zh(-|$)/.test(tag)) return /-(hant|tw|hk|mo)(-|$)/.test(tag) ? 'zh-TW' : 'zh-CN';
    if (/^en(-|$)/.test(tag)) return 'en';
    if (/^ko(-|$)/.test(tag)) return 'ko';
    return null;
  }

  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') {
      try { return window.crypto.randomUUID(); } catch (e) { /* insecure context: fall through */ }
    }
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = '';
    for (var i = 0; i < 16; i++) h += (b[i] + 256).toString(16).slice(1);
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  function api(method, path, body, contentType) {
    var opts = { method: method, credentials: 'omit', headers: {}, cache: 'no-store' };
    if (body !== undefined) {
      if (contentType) { opts.body = body; opts.headers['Content-Type'] = contentType; }
      else { opts.body = JSON.stringify(body); opts.headers['Content-Type'] = 'application/json'; }
    }
    return fetch(ORIGIN + path, opts).then(function (r) {
      return r.text().then(function (txt) {
        var data = null;
        try { data = txt ? JSON.parse(txt) : null; } catch (e) { data = null; }
        if (!r.ok) {
          var info = data && data.error ? data.error : {};
          var err = new Error(info.message || 'HTTP ' + r.status);
          err.status = r.status;
          err.code = info.code;
          err.server = !!info.message;
          throw err;
        }
        return data;
      });
    });
  }

  function webUrl(u) { var x = absUrl(u); return x && /^https?:/.test(x) ? x : null; }

  function absUrl(u) {
    if (!u) return null;
    try {
      var x = new URL(String(u), ORIGIN + '/');
      return x.protocol === 'http:' || x.protocol === 'https:' || x.protocol === 'blob:' ? x.href : null;
    } catch (e) { return null; }
  }

  // Element builder: attributes via setAttribute, text via textContent only.
  function h(tag, attrs, kids) {
    var el = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (!Object.prototype.hasOwnProperty.call(attrs, k) || attrs[k] === null || attrs[k] === undefined || attrs[k] === false) continue;
        if (k === 'text') el.textContent = attrs[k];
        else if (k === 'class') el.className = attrs[k];
        else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), attrs[k]);
        else el.setAttribute(k, attrs[k] === true ? '' : attrs[k]);
      }
    }
    (kids || []).forEach(function (c) { if (c) el.appendChild(c); });
    return el;
  }

  var ICONS = {
    chat: 'M21 11.5a8.4 8.4 0 0 1-.9 3.8 8.5 8.5 0 0 1-7.6 4.7 8.4 8.4 0 0 1-3.8-.9L3 21l1.9-5.7a8.4 8.4 0 0 1-.9-3.8 8.5 8.5 0 0 1 4.7-7.6 8.4 8.4 0 0 1 3.8-.9h.5a8.5 8.5 0 0 1 8 8z',
    close: 'M18 6L6 18M6 6l12 12',
    down: 'M6 9l6 6 6-6',
    image: 'M5 3h14a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zM8.5 10a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zM21 15l-5-5L5 21',
    smile: 'M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM8 14s1.5 2 4 2 4-2 4-2M9 9h.01M15 9h.01',
    send: 'M22 2L11 13M22 2l-7 20-4-9-9-4z',
    check: 'M20 6L9 17l-5-5',
    external: 'M14 4h6v6M20 4l-9 9M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5'
  };
  function icon(name, cls) {
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    if (cls) svg.setAttribute('class', cls);
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('fill', 'none');
    svg.setAttribute('stroke', 'currentColor');
    svg.setAttribute('stroke-width', '2');
    svg.setAttribute('stroke-linecap', 'round');
    svg.setAttribute('stroke-linejoin', 'round');
    var p = document.createElementNS(ns, 'path');
    p.setAttribute('d', ICONS[name]);
    svg.appendChild(p);
    return svg;
  }

  // Text with clickable http(s) links; everything else stays plain text nodes.
  var URL_RE = /https?:\/\/[^\s<>"'`\u0080-\uFFFF]+/gi;
  function renderText(parent, text) {
    text = String(text || '');
    var last = 0, m;
    URL_RE.lastIndex = 0;
    while ((m = URL_RE.exec(text))) {
      var raw = m[0].replace(/[.,;:!?)\]}]+$/, '');
      var url = null;
      try { var parsed = new URL(raw); if (parsed.protocol === 'http:' || parsed.protocol === 'https:') url = parsed.href; } catch (e) { url = null; }
      if (!url || !raw) continue;
      if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      var a = document.createElement('a');
      a.href = url;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      a.textContent = raw;
      parent.appendChild(a);
      last = m.index + raw.length;
      URL_RE.lastIndex = last;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function timeLabel(iso) {
    var d = iso ? new Date(iso) : new Date();
    if (isNaN(d.getTime())) return '';
    try { return d.toLocaleTimeString(S.locale || undefined, { hour: '2-digit', minute: '2-digit' }); } catch (e) { return ''; }
  }

  // Date and time in the shopper's language and time zone (the year only when it is not this one).
  function dateTimeLabel(iso) {
    var d = iso ? new Date(iso) : null;
    if (!d || isNaN(d.getTime())) return '';
    var opts = { month: 'short', day: 'numeric', weekday: 'short', hour: 'numeric', minute: '2-digit' };
    if (d.getFullYear() !== new Date().getFullYear()) opts.year = 'numeric';
    try { return d.toLocaleString(S.locale || undefined, opts); } catch (e) { return d.toLocaleString(); }
  }

  // A catalogue text with its {variables} filled in as text nodes, or as the given elements.
  function fillInto(el, key, vars) {
    var text = String(t(key)), re = /\{([A-Za-z0-9_]+)\}/g, last = 0, m;
    el.textContent = '';
    while ((m = re.exec(text))) {
      if (m.index > last) el.appendChild(document.createTextNode(text.slice(last, m.index)));
      var v = vars[m[1]];
      el.appendChild(v === undefined || v === null ? document.createTextNode(m[0]) : typeof v === 'object' ? v : document.createTextNode(String(v)));
      last = re.lastIndex;
    }
    if (last < text.length) el.appendChild(document.createTextNode(text.slice(last)));
  }

  // ---- styles -------------------------------------------------------------------
  var CSS = [
    ':host{all:initial}',
    '*,*::before,*::after{box-sizing:border-box}',
    '[hidden]{display:none!important}',
    '.root{font-family:-apple-system,BlinkMacSystemFont,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Noto Sans SC","Apple SD Gothic Neo","Malgun Gothic","Noto Sans CJK KR","Helvetica Neue",Arial,sans-serif;font-size:14px;line-height:1.5;color:#1f2733;-webkit-font-smoothing:antialiased}',
    'button{font:inherit;color:inherit}',
    '.launcher{position:fixed;right:20px;bottom:20px;width:58px;height:58px;border-radius:50%;border:0;padding:0;background:linear-gradient(135deg,#3d8bff,#1d6ff2);color:#fff;box-shadow:0 6px 20px rgba(29,111,242,.42);cursor:pointer;z-index:2147483000;display:flex;align-items:center;justify-content:center;transition:transform .15s ease}',
    '.launcher:hover{transform:scale(1.06)}',
    '.launcher:focus-visible,.iconbtn:focus-visible,.send:focus-visible{outline:3px solid rgba(29,111,242,.45);outline-offset:2px}',
    '.launcher svg{width:28px;height:28px}',
    '.launcher .i-down,.root.open .launcher .i-chat{display:none}.root.open .launcher .i-down{display:block}',
    '.badge{position:absolute;top:-3px;right:-3px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#f5222d;color:#fff;font-size:12px;font-weight:700;line-height:18px;text-align:center;border:2px solid #fff}',
    '.panel{position:fixed;right:20px;bottom:90px;width:372px;height:600px;max-height:calc(100vh - 110px);background:#fff;border-radius:14px;box-shadow:0 14px 48px rgba(16,24,40,.24);display:flex;flex-direction:column;overflow:hidden;z-index:2147483001;animation:kefu-in .16s ease-out}',
    '@keyframes kefu-in{from{opacity:0;transform:translateY(12px)}to{opacity:1;transform:none}}',
    '@media (prefers-reduced-motion:reduce){.panel{animation:none}.launcher{transition:none}}',
    '.head{display:flex;align-items:center;gap:10px;padding:12px 10px 12px 14px;background:linear-gradient(135deg,#3d8bff,#1d6ff2);color:#fff;flex:none}',
    '.avatar{width:38px;height:38px;border-radius:50%;background:rgba(255,255,255,.22);display:flex;align-items:center;justify-content:center;flex:none}',
    '.avatar svg{width:21px;height:21px}',
    '.titles{flex:1;min-width:0}',
    '.title{font-weight:600;font-size:15px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}',
    '.agent{font-size:12px;opacity:.92;display:flex;align-items:center;gap:5px;white-space:nowrap;overflow:hidden}',
    '.agent::before{content:"";width:7px;height:7px;border-radius:50%;background:#5be39b;flex:none}',
    '.iconbtn{background:transparent;border:0;width:34px;height:34px;border-radius:8px;display:flex;align-items:center;justify-content:center;cursor:pointer;padding:0;flex:none}',
    '.iconbtn svg{width:20px;height:20px}',
    '.head .iconbtn:hover{background:rgba(255,255,255,.18)}',
    '.banner{background:#fff4e0;color:#8a5300;font-size:12px;padding:6px 12px;text-align:center;flex:none;border-bottom:1px solid #f6e2bd}',
    '.list{flex:1;overflow-y:auto;padding:10px 12px 6px;background:#f4f6f9;overscroll-behavior:contain;scrollbar-width:thin;scrollbar-color:#c5ccd6 transparent}',
    '.older{text-align:center;font-size:12px;color:#8a94a3;padding:4px}',
    '.welcome{margin:6px auto 10px;text-align:center}',
    '.divider{display:flex;align-items:center;gap:8px;color:#a0a9b6;font-size:11px;margin:10px 0}',
    '.divider::before,.divider::after{content:"";flex:1;border-top:1px solid #dfe4ea}',
    '.row{display:flex;flex-direction:column;margin:8px 0;max-width:100%}',
    '.row.me{align-items:flex-end}',
    '.row.them{align-items:flex-start}',
    '.row.center{align-items:center;margin:10px 0}',
    '.who{font-size:12px;color:#8a94a3;margin:0 4px 3px}',
    '.bubble{max-width:80%;padding:8px 12px;border-radius:16px;white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word}',
    '.me .bubble{background:#1d6ff2;color:#fff;border-bottom-right-radius:4px}',
    '.them .bubble{background:#fff;color:#1f2733;border-bottom-left-radius:4px;box-shadow:0 1px 2px rgba(16,24,40,.08)}',
    '.center .bubble,.welcome .bubble{background:#e8ecf1;color:#5b6675;font-size:12px;border-radius:10px;text-align:center;max-width:90%;padding:5px 12px;display:inline-block}',
    '.bubble a{color:inherit;text-decoration:underline;text-underline-offset:2px}',
    '.them .bubble a{color:#1d6ff2}',
    '.bubble.media{padding:4px;background:transparent!important;box-shadow:none!important}',
    '.atts a{display:block}',
    '.atts img{display:block;max-width:200px;max-height:200px;min-width:48px;min-height:48px;border-radius:10px;margin-top:4px;background:#e8ecf1;object-fit:cover;border:1px solid rgba(16,24,40,.06)}',
    '.atts .file{display:inline-block;margin-top:4px}',
    '.text+.atts img{margin-top:8px}',
    '.meta{font-size:11px;color:#98a1ae;margin:3px 6px 0;display:flex;gap:6px}',
    '.status.read{color:#1d6ff2}',
    '.row.failed .status{color:#d93c3c;cursor:pointer;text-decoration:underline}',
    '.row.failed .bubble{opacity:.7}',
    '.row.sending .bubble{opacity:.72}',
    '.typing{font-size:12px;color:#8a94a3;padding:2px 16px 6px;background:#f4f6f9;display:flex;align-items:center;gap:6px;flex:none}',
    '.dots{display:inline-flex;gap:3px}',
    '.dots i{width:5px;height:5px;border-radius:50%;background:#a9b2bf;animation:kefu-blink 1.2s infinite both}',
    '.dots i:nth-child(2){animation-delay:.2s}.dots i:nth-child(3){animation-delay:.4s}',
    '@keyframes kefu-blink{0%,80%,100%{opacity:.25}40%{opacity:1}}',
    '.notice{font-size:12px;color:#b42323;padding:6px 12px;background:#fdeeee;flex:none}',
    '.picker{display:grid;grid-template-columns:repeat(8,1fr);gap:2px;padding:8px;border-top:1px solid #e3e7ed;background:#fff;max-height:176px;overflow-y:auto;flex:none}',
    '.picker button{font-size:22px;line-height:1;padding:6px 0;border:0;background:transparent;border-radius:6px;cursor:pointer;font-family:"Apple Color Emoji","Segoe UI Emoji","Noto Color Emoji",sans-serif}',
    '.picker button:hover{background:#eef3fb}',
    '.composer{border-top:1px solid #e3e7ed;padding:6px 10px calc(10px + env(safe-area-inset-bottom,0px));flex:none;background:#fff}',
    '.tools{display:flex;gap:2px;margin-bottom:4px;color:#5b6675}',
    '.tools .iconbtn{width:32px;height:32px}',
    '.tools .iconbtn:hover,.tools .iconbtn[aria-expanded="true"]{background:#eef3fb;color:#1d6ff2}',
    '.preview{display:flex;align-items:center;gap:8px;margin:2px 0 6px}',
    '.preview img{width:60px;height:60px;object-fit:cover;border-radius:8px;border:1px solid #e3e7ed}',
    '.preview .iconbtn{width:28px;height:28px;color:#5b6675;background:#f0f2f5}',
    '.inputrow{display:flex;gap:8px;align-items:flex-end}',
    'textarea{flex:1;min-width:0;resize:none;border:1px solid #d5dbe3;border-radius:10px;padding:8px 10px;font:inherit;font-size:14px;line-height:20px;height:38px;max-height:120px;outline:none;color:#1f2733;background:#fff;overflow-y:hidden}',
    'textarea:focus{border-color:#1d6ff2;box-shadow:0 0 0 3px rgba(29,111,242,.12)}',
    'textarea::placeholder{color:#a0a9b6}',
    '.send{background:#1d6ff2;color:#fff;border:0;border-radius:10px;padding:0 16px;height:38px;font-weight:600;cursor:pointer;flex:none;white-space:nowrap}',
    '.send:hover{background:#155bd0}',
    '.send:disabled{background:#a9c6f7;cursor:default}',
    '.helplink{color:#fff;font-size:12px;text-decoration:none;border:1px solid rgba(255,255,255,.55);border-radius:12px;padding:2px 9px;white-space:nowrap;flex:none}',
    '.helplink:hover{background:rgba(255,255,255,.18)}',
    '.forms{display:flex;align-items:center;gap:6px;padding:7px 12px;background:#f7f9fc;border-bottom:1px solid #e6ebf2;flex:none;overflow-x:auto;scrollbar-width:none;white-space:nowrap}',
    '.forms::-webkit-scrollbar{display:none}',
    '.forms-title{font-size:12px;color:#8a94a3;flex:none}',
    '.formlink{flex:none;display:inline-flex;align-items:center;gap:4px;font-size:12px;line-height:1.4;color:#1d6ff2;text-decoration:none;border:1px solid #cfe0fb;background:#fff;border-radius:12px;padding:3px 10px;max-width:200px;overflow:hidden;text-overflow:ellipsis}',
    '.formlink:hover{background:#eef3fb}',
    '.formlink:focus-visible{outline:3px solid rgba(29,111,242,.45);outline-offset:2px}',
    '.formlink svg{width:12px;height:12px;flex:none}',
    '.hot{margin:0 2px 10px}',
    '.hot-title{font-size:12px;color:#8a94a3;margin:0 2px 6px}',
    '.chips,.opts{display:flex;flex-wrap:wrap;gap:6px}',
    '.opts{flex-direction:column;align-items:flex-start;max-width:80%;margin-top:6px}',
    '.chip,.opt,.handover{border:1px solid #cfe0fb;background:#fff;color:#1d6ff2;border-radius:16px;padding:5px 12px;font-size:13px;line-height:1.4;cursor:pointer;text-align:left;max-width:100%;overflow-wrap:anywhere}',
    '.chip:hover,.opt:hover,.handover:hover{background:#eef3fb}',
    '.chip:disabled,.opt:disabled,.handover:disabled{opacity:.55;cursor:default}',
    '.chip:focus-visible,.opt:focus-visible,.handover:focus-visible,.helplink:focus-visible{outline:3px solid rgba(29,111,242,.45);outline-offset:2px}',
    '.row>.handover{margin-top:8px;background:#1d6ff2;border-color:#1d6ff2;color:#fff}',
    '.row>.handover:hover{background:#155bd0}',
    '.tools .handover{margin-left:auto;align-self:center;padding:3px 10px;font-size:12px;white-space:nowrap}',
    '.botname{display:inline-block;font-size:11px;line-height:16px;padding:0 7px;border-radius:8px;background:#e6efff;color:#1d6ff2;font-weight:600}',
    '.bubble .more{display:inline-block;margin-top:6px;font-size:13px}',
    '.autotag{display:inline-block;font-size:10px;line-height:15px;padding:0 5px;border-radius:4px;background:#e9edf2;color:#6b7584;margin-left:6px;vertical-align:1px}',
    '.statusline{display:flex;align-items:flex-start;gap:4px;background:#eef5ff;color:#1d4f9c;font-size:12px;line-height:18px;padding:4px 4px 4px 12px;border-bottom:1px solid #d9e6fb;flex:none}',
    '.statusline .st-text{flex:1;min-width:0;padding:1px 0;overflow-wrap:anywhere;max-height:54px;overflow-y:auto}',
    '.statusline a{color:inherit;text-decoration:underline}',
    '.statusline .iconbtn{width:20px;height:20px;border-radius:4px;color:#5b7db3}.statusline .iconbtn svg{width:13px;height:13px}',
    '.statusline .iconbtn:hover{background:rgba(29,111,242,.1)}',
    '.queue{display:flex;align-items:center;gap:8px;font-size:12px;line-height:18px;color:#3b4a5e;background:#f0f6ff;border-top:1px solid #dbe7fb;padding:6px 12px;flex:none}',
    '.queue::before{content:"";width:8px;height:8px;border-radius:50%;background:#f5a623;flex:none;animation:kefu-blink 1.6s infinite both}',
    '.queue .q-text{flex:1;min-width:0;overflow-wrap:anywhere}.queue .pos{font-weight:700;color:#1d6ff2;font-size:13px}',
    '.leave{background:#fff;border:1px solid #e3e7ed;border-radius:12px;padding:12px;margin:10px 0 6px;box-shadow:0 1px 2px rgba(16,24,40,.06)}',
    '.closed{background:#fff4e0;color:#8a5300;font-size:13px;border-radius:8px;padding:7px 10px;margin-bottom:10px;overflow-wrap:anywhere}',
    '.leave-title{font-weight:600;font-size:14px}',
    '.leave-intro{font-size:12px;color:#8a94a3;margin:1px 0 8px}',
    '.leave .two{display:flex;gap:8px}.leave .two input{flex:1;min-width:0}',
    '.leave input,.leave textarea{display:block;width:100%;border:1px solid #d5dbe3;border-radius:8px;padding:7px 10px;font:inherit;font-size:14px;line-height:20px;color:#1f2733;background:#fff;outline:none;margin-bottom:8px}',
    '.leave textarea{height:auto;min-height:78px;max-height:200px;resize:vertical;overflow-y:auto}',
    '.leave input:focus,.leave textarea:focus{border-color:#1d6ff2;box-shadow:0 0 0 3px rgba(29,111,242,.12)}',
    '.leave input::placeholder{color:#a0a9b6}',
    '.leave-foot{display:flex;align-items:center;gap:8px}',
    '.leave-err{flex:1;min-width:0;font-size:12px;color:#b42323;overflow-wrap:anywhere}',
    '.leave .send{margin-left:auto;height:34px;padding:0 14px}',
    '.leave-done{text-align:center;padding:6px 4px 2px}',
    '.leave-done .ok{width:34px;height:34px;border-radius:50%;background:#e3f7ec;color:#1f9d57;display:inline-flex;align-items:center;justify-content:center;margin-bottom:4px}',
    '.leave-done .ok svg{width:18px;height:18px}',
    '.leave-done p{margin:2px 0 0;font-size:12px;color:#5b6675}',
    '.bubble.cardwrap{padding:0;background:transparent!important;box-shadow:none!important;max-width:86%;white-space:normal}',
    '.card{display:flex;gap:10px;align-items:flex-start;width:264px;max-width:100%;padding:10px;background:#fff;border:1px solid #e3e7ed;border-radius:12px;box-shadow:0 1px 2px rgba(16,24,40,.08);color:#1f2733;text-align:left}',
    '.bubble a.card{color:#1f2733;text-decoration:none;cursor:pointer}',
    '.bubble a.card:hover{border-color:#9cc0fa}',
    '.bubble a.card:focus-visible{outline:3px solid rgba(29,111,242,.45);outline-offset:2px}',
    '.card-img{flex:none;width:64px;height:64px;border-radius:8px;object-fit:cover;background:#eef1f5;border:1px solid rgba(16,24,40,.06);overflow:hidden;font-size:10px;line-height:1.3;color:#8a94a3}',
    '.card-body{flex:1;min-width:0;display:flex;flex-direction:column;gap:2px}',
    '.card-kind{font-size:11px;color:#8a94a3}',
    '.card-title{font-weight:600;font-size:13px;line-height:1.4;overflow:hidden;display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow-wrap:anywhere}',
    '.card-sub{font-size:12px;color:#5b6675;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}',
    '.card-foot{display:flex;flex-wrap:wrap;align-items:center;gap:4px 8px;margin-top:2px}',
    '.card-price{font-weight:700;color:#e4393c;font-size:14px;font-variant-numeric:tabular-nums}',
    '.card-status{font-size:11px;line-height:16px;padding:0 6px;border-radius:8px;background:#eef1f5;color:#5b6675}',
    '.card-status-unpaid,.card-status-created{background:#fff4e0;color:#a35f00}',
    '.card-status-paid,.card-status-shipped{background:#e6efff;color:#1d5fc9}',
    '.card-status-delivered,.card-status-completed{background:#e3f7ec;color:#1c8a4c}',
    '.card-status-refund_requested,.card-status-return_requested{background:#fdeeee;color:#b42323}',
    '.case{width:272px;max-width:100%;background:#fff;border:1px solid #e3e7ed;border-radius:12px;box-shadow:0 1px 2px rgba(16,24,40,.08);overflow:hidden;text-align:left}',
    '.case-head{display:flex;align-items:center;justify-content:space-between;gap:8px;padding:8px 12px;background:#f5f8ff;border-bottom:1px solid #e6ecf7}',
    '.case-title{font-weight:600;font-size:13px;color:#1d4f9c}',
    '.case-ticket{font-size:11px;color:#8a94a3;font-variant-numeric:tabular-nums;white-space:nowrap}',
    '.case-body{padding:9px 12px 10px}',
    '.case-kind{display:inline-block;font-size:11px;line-height:17px;padding:0 7px;border-radius:9px;background:#eef1f5;color:#5b6675;margin-bottom:6px}',
    '.case-solution{font-size:14px;line-height:1.55;white-space:pre-wrap;overflow-wrap:anywhere;color:#1f2733}',
    '.case-foot{padding:0 12px 12px}',
    '.case-question{font-size:12px;color:#5b6675;margin-bottom:7px}',
    '.case-buttons{display:flex;gap:8px}',
    '.case-buttons button{flex:1;height:34px;border-radius:9px;font-size:13px;font-weight:600;cursor:pointer;border:1px solid #d5dbe3;background:#fff;color:#3b4a5e}',
    '.case-buttons .case-accept{background:#1d6ff2;border-color:#1d6ff2;color:#fff}',
    '.case-buttons .case-accept:hover{background:#155bd0}',
    '.case-buttons .case-refuse:hover{background:#f4f6f9}',
    '.case-buttons button:disabled{opacity:.55;cursor:default}',
    '.case-buttons button:focus-visible{outline:3px solid rgba(29,111,242,.45);outline-offset:2px}',
    '.case-answer{display:flex;align-items:center;gap:6px;font-size:13px;font-weight:600;padding:7px 10px;border-radius:8px}',
    '.case-answer svg{width:15px;height:15px;flex:none}',
    '.case-answer.accepted{background:#e3f7ec;color:#1c8a4c}',
    '.case-answer.refused{background:#f4f6f9;color:#5b6675}',
    '.case-answer.answered,.case-answer.replaced{background:#f4f6f9;color:#6b7584;font-weight:500}',
    '.case-error{font-size:12px;color:#b42323;margin-top:6px}',
    '.case.replaced .case-solution{color:#8a94a3}',
    '@media (max-width:480px){.panel{top:0;right:0;bottom:0;left:0;width:100%;height:100%;max-height:none;border-radius:0}',
    '.root.open .launcher{display:none}.launcher{right:16px;bottom:16px}textarea,.leave input,.leave textarea{font-size:16px}.bubble,.opts{max-width:86%}}'
  ].join('\n');

  // ---- UI -----------------------------------------------------------------------
  var UI = {};

  function buildUI() {
    var host = document.createElement('kefu-widget');
    host.id = 'kefu-widget';
    host.setAttribute('data-testid', 'kefu-widget');
    host.style.cssText = 'all:initial;position:static;display:block;width:0;height:0';
    var shadow = host.attachShadow({ mode: 'open' });
    var style = document.createElement('style');
    style.textContent = CSS;
    shadow.appendChild(style);

    UI.title = h('div', { class: 'title', 'data-testid': 'kefu-title', text: t('widget.title') });
    UI.agent = h('div', { class: 'agent', 'data-testid': 'kefu-agent', hidden: true });
    UI.close = h('button', { type: 'button', class: 'iconbtn', 'data-testid': 'kefu-close', 'aria-label': t('widget.close'), title: t('widget.close'), onclick: function () { setOpen(false); } }, [icon('down')]);
    UI.banner = h('div', { class: 'banner', 'data-testid': 'kefu-banner', role: 'status', hidden: true });
    UI.older = h('div', { class: 'older', text: t('widget.loading'), hidden: true });
    UI.welcome = h('div', { class: 'welcome', 'data-testid': 'kefu-welcome' }, [h('span', { class: 'bubble', text: t('widget.welcome') })]);
    UI.hot = h('div', { class: 'hot', 'data-testid': 'kefu-bot-hotlist', hidden: true });
    UI.help = h('a', { class: 'helplink', 'data-testid': 'kefu-help-link', target: '_blank', rel: 'noopener', text: t('widget.help.link'), hidden: true });
    UI.forms = h('nav', { class: 'forms', 'data-testid': 'kefu-forms', 'aria-label': t('widget.forms.title'), hidden: true });
    UI.handover = h('button', { type: 'button', class: 'handover', 'data-testid': 'kefu-bot-handover', text: t('widget.bot.handoverShort'), title: t('widget.bot.handover'), 'aria-label': t('widget.bot.handover'), onclick: function () { handover(); } });
    UI.archive = h('div', { class: 'archive' });
    UI.msgs = h('div', { class: 'msgs' });
    UI.statusText = h('div', { class: 'st-text', 'data-testid': 'kefu-status-line-text' });
    UI.statusLine = h('div', { class: 'statusline', 'data-testid': 'kefu-status-line', role: 'note', hidden: true }, [UI.statusText,
      h('button', { type: 'button', class: 'iconbtn', 'data-testid': 'kefu-status-line-close', 'aria-label': t('widget.status.dismiss'), title: t('widget.status.dismiss'),
        onclick: function () { S.statusDismissed = S.statusLine; updateStatusLine(); } }, [icon('close')])]);
    UI.queuePos = h('span', { class: 'pos', 'data-testid': 'kefu-queue-position' });
    UI.queueText = h('span', { class: 'q-text' });
    UI.queue = h('div', { class: 'queue', 'data-testid': 'kefu-queue', role: 'status', hidden: true }, [UI.queueText]);
    buildLeave();
    UI.list = h('div', { class: 'list', 'data-testid': 'kefu-messages', role: 'log', 'aria-live': 'polite' }, [UI.older, UI.welcome, UI.hot, UI.archive, UI.msgs, UI.leave]);
    UI.typing = h('div', { class: 'typing', 'data-testid': 'kefu-typing', hidden: true }, [h('span', { class: 'dots' }, [h('i'), h('i'), h('i')]), h('span', { text: t('widget.typing') })]);
    UI.notice = h('div', { class: 'notice', 'data-testid': 'kefu-notice', role: 'alert', hidden: true });
    UI.picker = h('div', { class: 'picker', 'data-testid': 'kefu-emoji-picker', hidden: true });
    EMOJI.forEach(function (e) {
      UI.picker.appendChild(h('button', { type: 'button', 'data-testid': 'kefu-emoji', text: e, onclick: function () { insertText(e); togglePicker(false); } }));
    });
    UI.emojiBtn = h('button', { type: 'button', class: 'iconbtn', 'data-testid': 'kefu-emoji-button', 'aria-label': t('widget.emoji'), title: t('widget.emoji'), 'aria-expanded': 'false', onclick: function () { togglePicker(); } }, [icon('smile')]);
    UI.file = h('input', { type: 'file', accept: 'image/*', 'data-testid': 'kefu-file-input', hidden: true, tabindex: '-1' });
    UI.file.addEventListener('change', function () {
      var f = UI.file.files && UI.file.files[0];
      UI.file.value = '';
      if (f) chooseImage(f);
    });
    UI.imageBtn = h('button', { type: 'button', class: 'iconbtn', 'data-testid': 'kefu-image-button', 'aria-label': t('widget.image'), title: t('widget.image'), onclick: function () { UI.file.click(); } }, [icon('image')]);
    UI.previewImg = h('img', { alt: t('widget.image') });
    UI.preview = h('div', { class: 'preview', 'data-testid': 'kefu-preview', hidden: true }, [UI.previewImg,
      h('button', { type: 'button', class: 'iconbtn', 'data-testid': 'kefu-preview-remove', 'aria-label': t('widget.removeImage'), title: t('widget.removeImage'), onclick: function () { clearImage(); } }, [icon('close')])]);
    UI.input = h('textarea', { rows: '1', 'data-testid': 'kefu-input', placeholder: t('widget.placeholder'), title: t('widget.hint'), 'aria-label': t('widget.placeholder'), maxlength: String(MAX_TEXT) });
    UI.tools = h('div', { class: 'tools' }, [UI.emojiBtn, UI.imageBtn, UI.file]);
    UI.send = h('button', { type: 'button', class: 'send', 'data-testid': 'kefu-send', text: t('widget.send'), onclick: function () { sendComposer(); } });
    UI.panel = h('div', { class: 'panel', 'data-testid': 'kefu-panel', role: 'dialog', 'aria-label': t('widget.title'), hidden: true }, [
      h('div', { class: 'head' }, [h('div', { class: 'avatar' }, [icon('chat')]), h('div', { class: 'titles' }, [UI.title, UI.agent]), UI.help, UI.close]),
      UI.forms, UI.statusLine, UI.banner, UI.list, UI.typing, UI.queue, UI.notice, UI.picker,
      h('div', { class: 'composer' }, [UI.tools, UI.preview, h('div', { class: 'inputrow' }, [UI.input, UI.send])])
    ]);
    UI.badge = h('span', { class: 'badge', 'data-testid': 'kefu-badge', hidden: true });
    UI.launcher = h('button', { type: 'button', class: 'launcher', 'data-testid': 'kefu-launcher', 'aria-label': t('widget.open'), title: t('widget.open'), onclick: function () { setOpen(!S.open, true); } }, [icon('chat', 'i-chat'), icon('down', 'i-down'), UI.badge]);
    UI.root = h('div', { class: 'root', lang: S.locale || 'zh-CN' }, [UI.panel, UI.launcher]);
    shadow.appendChild(UI.root);

    UI.input.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) { e.preventDefault(); sendComposer(); }
      else if (e.key === 'Escape') togglePicker(false);
    });
    UI.input.addEventListener('input', function () { autoGrow(); onTypingInput(); });
    UI.input.addEventListener('paste', function (e) {
      var items = (e.clipboardData && e.clipboardData.files) || [];
      if (items.length && /^image\//.test(items[0].type)) { e.preventDefault(); chooseImage(items[0]); }
    });
    UI.list.addEventListener('scroll', function () {
      if (UI.list.scrollTop < 60 && S.hasMore && !S.loadingOlder && S.minSeq > 1) loadHistory(S.minSeq);
    });
    UI.panel.addEventListener('keydown', function (e) { if (e.key === 'Escape' && UI.picker.hidden) setOpen(false); });
    document.body.appendChild(host);
    UI.host = host;
  }

  function autoGrow() {
    UI.input.style.height = '38px';
    var want = UI.input.scrollHeight + 2;
    UI.input.style.height = Math.min(120, Math.max(38, want)) + 'px';
    UI.input.style.overflowY = want > 120 ? 'auto' : 'hidden';
  }

  function insertText(s) {
    var el = UI.input, start = el.selectionStart == null ? el.value.length : el.selectionStart, end = el.selectionEnd == null ? start : el.selectionEnd;
    el.value = el.value.slice(0, start) + s + el.value.slice(end);
    el.selectionStart = el.selectionEnd = start + s.length;
    el.focus();
    autoGrow();
  }

  function togglePicker(show) {
    if (show === undefined) show = UI.picker.hidden;
    UI.picker.hidden = !show;
    UI.emojiBtn.setAttribute('aria-expanded', show ? 'true' : 'false');
  }

  var noticeTimer = 0;
  function notice(key, text) {
    UI.notice.textContent = text || t(key);
    UI.notice.hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(function () { UI.notice.hidden = true; }, 5000);
  }

  function setBanner(key) {
    UI.banner.hidden = !key;
    UI.banner.textContent = key ? t(key) : '';
  }

  function nearBottom() { return UI.list.scrollHeight - UI.list.scrollTop - UI.list.clientHeight < 90; }
  function scrollToBottom() { UI.list.scrollTop = UI.list.scrollHeight; }

  function setOpen(open, byUser) {
    S.open = !!open;
    save('open', S.open ? '1' : '0');
    if (!UI.panel) return;
    UI.panel.hidden = !S.open;
    UI.root.classList.toggle('open', S.open);
    UI.launcher.setAttribute('aria-expanded', S.open ? 'true' : 'false');
    if (S.open) {
      scrollToBottom();
      if (byUser) UI.input.focus();
      maybeSendRead();
    } else {
      togglePicker(false);
      stopTyping();
    }
  }

  function updateHeader() {
    UI.title.textContent = S.inbox.name || t('widget.title');
    if (S.agent) {
      UI.agent.textContent = S.agent.number != null ? t('widget.agent', { number: S.agent.number, name: S.agent.name || '' }) : (S.agent.name || '');
      UI.agent.hidden = !UI.agent.textContent;
    }
    UI.welcome.firstChild.textContent = S.inbox.greeting || t('widget.welcome');
  }

  // The shop's forms (online repair, feedback) as links opening in a new tab in the widget's language.
  function updateForms() {
    if (!UI.forms) return;
    UI.forms.textContent = '';
    UI.forms.hidden = !S.forms.length;
    if (!S.forms.length) return;
    UI.forms.appendChild(h('span', { class: 'forms-title', text: t('widget.forms.title') }));
    S.forms.forEach(function (f) {
      var url;
      try { url = new URL(f.url); if (S.locale) url.searchParams.set('lang', S.locale); url = url.href; } catch (e) { url = f.url; }
      var label = t('widget.forms.open', { name: f.name });
      var link = h('a', { class: 'formlink', 'data-testid': 'kefu-form-link', 'data-form-key': f.key, href: url, target: '_blank', rel: 'noopener', title: label, 'aria-label': label });
      link.appendChild(document.createTextNode(f.name));
      link.appendChild(icon('external'));
      UI.forms.appendChild(link);
    });
  }

  function updateBadge() {
    var n = 0;
    for (var i = 0; i < S.others.length; i++) if (S.others[i] > S.visitorRead) n++;
    if (S.open && document.visibilityState === 'visible') n = 0;
    UI.badge.hidden = n === 0;
    UI.badge.textContent = n > 99 ? '99+' : String(n);
    UI.launcher.setAttribute('aria-label', n ? t('widget.open') + ' (' + t('widget.unreadCount', { count: n }) + ')' : t('widget.open'));
  }

  function updateWelcome() {
    UI.welcome.hidden = UI.msgs.childNodes.length > 0 || UI.archive.childNodes.length > 0;
    UI.hot.hidden = UI.welcome.hidden || !UI.hot.firstChild;
  }

  // ---- message rows -------------------------------------------------------------
  function senderClass(type) { return type === 'visitor' ? 'me' : type === 'agent' || type === 'bot' ? 'them' : 'center'; }

  // Bot messages carry a payload; automatic replies are "bot" messages (a server may also send them as the agent's).
  function payloadType(m) {
    return m && (m.senderType === 'bot' || m.senderType === 'agent') && m.payload && typeof m.payload === 'object' && typeof m.payload.type === 'string' ? m.payload.type : '';
  }
  function isAuto(m) { return payloadType(m).slice(0, 5) === 'auto.'; }
  // "#8 Mei" (widget.agent) for an agent with a number, else the name.
  function senderLabel(sender) {
    if (!sender || typeof sender !== 'object') return '';
    return sender.agentNumber != null ? t('widget.agent', { number: sender.agentNumber, name: sender.name || '' }) : (sender.name ? String(sender.name) : '');
  }

  // ---- order and product cards (payload type "card.*") ---------------------------
  // A picture, the title, a subtitle, the price and an order's status; the whole card links to
  // the shop's page when that is an http(s) address. Text only ever through textContent.
  var CARD_STATUSES = ['created', 'unpaid', 'paid', 'shipped', 'delivered', 'completed', 'cancelled',
    'refund_requested', 'refunded', 'return_requested', 'returned'];
  var exponents = {};

  function httpUrl(u) {
    if (typeof u !== 'string' || !u) return null;
    try {
      var x = new URL(u);
      return x.protocol === 'http:' || x.protocol === 'https:' ? x.href : null;
    } catch (e) { return null; }
  }

  function cardOf(m) {
    if (payloadType(m).slice(0, 5) !== 'card.') return null;
    var c = m.payload.card;
    return c && typeof c === 'object' && typeof c.title === 'string' && c.title ? c : null;
  }

  // Decimals of a currency as Intl knows them (CNY 2, JPY 0, BHD 3).
  function currencyExponent(code) {
    if (Object.prototype.hasOwnProperty.call(exponents, code)) return exponents[code];
    var e = 2;
    try { e = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits; } catch (err) { e = 2; }
    exponents[code] = e;
    return e;
  }

  // Integer minor units as decimal text, built from the digits (no floating point): 27900 → "279.00".
  function decimalText(minor, exponent) {
    var negative = minor < 0;
    var digits = String(Math.abs(Math.trunc(minor)));
    if (!exponent) return (negative ? '-' : '') + digits;
    while (digits.length <= exponent) digits = '0' + digits;
    return (negative ? '-' : '') + digits.slice(0, -exponent) + '.' + digits.slice(-exponent);
  }

  function formatMoney(minor, currency) {
    var n = Number(minor);
    if (minor === null || minor === undefined || !isFinite(n) || typeof currency !== 'string' || !/^[A-Za-z]{3}$/.test(currency)) return '';
    var code = currency.toUpperCase(), exponent = currencyExponent(code), text = decimalText(n, exponent);
    try {
      return new Intl.NumberFormat(S.locale || undefined, { style: 'currency', currency: code, minimumFractionDigits: exponent, maximumFractionDigits: exponent }).format(text);
    } catch (e) { return text + ' ' + code; }
  }

  function buildCard(card) {
    var url = httpUrl(card.url);
    var kind = card.kind === 'product' ? 'product' : 'order';
    var el = h(url ? 'a' : 'div', { class: 'card', 'data-testid': 'kefu-card', 'data-kind': kind, href: url, target: url ? '_blank' : null, rel: url ? 'noopener' : null, title: url ? t('widget.card.open') : null });
    var img = httpUrl(card.imageUrl);
    if (img) {
      var pic = h('img', { class: 'card-img', src: img, alt: card.title, width: '64', height: '64', loading: 'lazy', referrerpolicy: 'no-referrer', 'data-testid': 'kefu-card-image' });
      el.appendChild(pic);
    }
    var body = h('div', { class: 'card-body' }, [
      h('div', { class: 'card-kind', text: kind === 'product' ? t('widget.card.product') : t('widget.card.order') }),
      h('div', { class: 'card-title', 'data-testid': 'kefu-card-title', text: card.title })
    ]);
    if (typeof card.subtitle === 'string' && card.subtitle) body.appendChild(h('div', { class: 'card-sub', 'data-testid': 'kefu-card-subtitle', text: card.subtitle, title: card.subtitle }));
    var foot = h('div', { class: 'card-foot' });
    var price = formatMoney(card.amount, card.currency);
    if (price) foot.appendChild(h('span', { class: 'card-price', 'data-testid': 'kefu-card-price', text: price }));
    if (kind === 'order' && CARD_STATUSES.indexOf(card.status) >= 0) {
      foot.appendChild(h('span', { class: 'card-status card-status-' + card.status, 'data-testid': 'kefu-card-status', 'data-status': card.status, text: t('widget.card.status.' + card.status) }));
    }
    if (foot.firstChild) body.appendChild(foot);
    el.appendChild(body);
    return el;
  }

  // ---- after-sale solutions (payload type "card.case") ----------------------------
  // The shop proposes a solution for the shopper's after-sale case; they accept or decline it
  // here, once. A newer solution for the same case replaces the older card's buttons.
  var CASE_KINDS = ['refund_only', 'return_refund', 'exchange', 'resend', 'repair', 'compensation', 'price_protection'];

  function caseOf(m) {
    if (payloadType(m) !== 'card.case') return null;
    var c = m.payload.afterSale;
    return c && typeof c === 'object' && typeof c.caseId === 'string' && c.caseId ? c : null;
  }

  // What the shopper answered to this card: the card's own answer, else what they answered here.
  function caseAnswer(card, m) {
    if (card.answer === 'accepted' || card.answer === 'refused') return card.answer;
    var kept = S.caseAnswers[lc(card.caseId)];
    return kept && (!kept.msg || !m.id || kept.msg === lc(m.id)) ? kept.answer : null;
  }

  function keepCaseAnswer(card, m, answer) {
    S.caseAnswers[lc(card.caseId)] = { answer: answer, msg: m.id ? lc(m.id) : null };
    save('caseAnswers', JSON.stringify(S.caseAnswers));
  }

  function buildCase(card, m) {
    var el = h('div', { class: 'case', 'data-testid': 'kefu-case-card', 'data-case-id': lc(card.caseId), 'data-kind': card.kind || '' });
    var head = h('div', { class: 'case-head' }, [h('span', { class: 'case-title', text: t('widget.case.title') })]);
    if (card.ticketNumber) head.appendChild(h('span', { class: 'case-ticket', 'data-testid': 'kefu-case-ticket', text: t('widget.case.ticket', { number: card.ticketNumber }) }));
    var body = h('div', { class: 'case-body' });
    if (CASE_KINDS.indexOf(card.kind) >= 0) body.appendChild(h('div', { class: 'case-kind', 'data-testid': 'kefu-case-kind', text: t('widget.case.kind.' + card.kind) }));
    var solution = h('div', { class: 'case-solution', 'data-testid': 'kefu-case-solution' });
    renderText(solution, card.solution || m.text || '');
    body.appendChild(solution);
    var foot = h('div', { class: 'case-foot', 'data-testid': 'kefu-case-foot' });
    el.appendChild(head);
    el.appendChild(body);
    el.appendChild(foot);
    var entry = { card: card, m: m, el: el, foot: foot, busy: false, error: null, replaced: false };
    var id = lc(card.caseId);
    var list = S.caseCards.get(id) || [];
    list.push(entry);
    S.caseCards.set(id, list);
    markReplaced(id);
    return el;
  }

  // Only the newest card of a case can be answered (the answer goes to the case's current solution).
  function markReplaced(id) {
    var list = S.caseCards.get(id) || [];
    var newest = list.reduce(function (a, b) { return (b.m.seq || 0) > (a.m.seq || 0) ? b : a; }, list[0]);
    list.forEach(function (e) { e.replaced = e !== newest; drawCaseFoot(e); });
    if (newest && !caseAnswer(newest.card, newest.m) && !S.caseChecked[id]) {
      S.caseChecked[id] = true;
      refreshCase(newest);
    }
  }

  // The case as it stands: an answer given on another device, or a newer solution.
  function refreshCase(e) {
    if (!S.token) return;
    api('GET', '/api/v1/widget/cases/' + encodeURIComponent(e.card.caseId) + '?token=' + encodeURIComponent(S.token)).then(function (card) {
      if (!card || typeof card !== 'object') return;
      if (card.solution && e.card.solution && card.solution !== e.card.solution) e.replaced = true;
      else if (card.answer === 'accepted' || card.answer === 'refused') keepCaseAnswer(e.card, e.m, card.answer);
      drawCaseFoot(e);
    }, function () { /* the card stays answerable; an answer then tells */ });
  }

  function drawCaseFoot(e) {
    var answer = caseAnswer(e.card, e.m);
    e.foot.textContent = '';
    e.el.setAttribute('data-answer', answer || '');
    e.el.classList.toggle('replaced', e.replaced && !answer);
    if (answer) {
      var known = answer === 'accepted' || answer === 'refused';
      var line = h('div', { class: 'case-answer ' + answer, 'data-testid': 'kefu-case-answer', 'data-answer': answer, role: 'status' });
      if (answer === 'accepted') line.appendChild(icon('check'));
      line.appendChild(h('span', { text: t(known ? 'widget.case.' + answer : 'widget.case.answered') }));
      e.foot.appendChild(line);
      return;
    }
    if (e.replaced) {
      e.foot.appendChild(h('div', { class: 'case-answer replaced', 'data-testid': 'kefu-case-answer', 'data-answer': 'replaced', text: t('widget.case.replaced') }));
      return;
    }
    e.foot.appendChild(h('div', { class: 'case-question', text: t('widget.case.question') }));
    e.foot.appendChild(h('div', { class: 'case-buttons' }, [
      h('button', { type: 'button', class: 'case-accept', 'data-testid': 'kefu-case-accept', disabled: e.busy, text: e.busy === 'accepted' ? t('widget.case.sending') : t('widget.case.accept'), onclick: function () { answerCase(e, 'accepted'); } }),
      h('button', { type: 'button', class: 'case-refuse', 'data-testid': 'kefu-case-refuse', disabled: e.busy, text: e.busy === 'refused' ? t('widget.case.sending') : t('widget.case.refuse'), onclick: function () { answerCase(e, 'refused'); } })
    ]));
    if (e.error) e.foot.appendChild(h('div', { class: 'case-error', 'data-testid': 'kefu-case-error', role: 'alert', text: e.error }));
  }

  function answerCase(e, answer) {
    if (e.busy || !S.token) return;
    e.busy = answer;
    e.error = null;
    drawCaseFoot(e);
    // The solution the shopper read goes along: a solution changed since is refused, never answered unseen.
    api('POST', '/api/v1/widget/cases/' + encodeURIComponent(e.card.caseId) + '/answer?token=' + encodeURIComponent(S.token),
      { answer: answer, solution: e.card.solution || '' }).then(function (res) {
      keepCaseAnswer(e.card, e.m, res && (res.answer === 'accepted' || res.answer === 'refused') ? res.answer : answer);
    }, function (err) {
      if (err && err.status === 409 && err.code === 'already_answered') {
        // Answered before (another tab, another device): ask the case what the answer was.
        keepCaseAnswer(e.card, e.m, 'answered');
        refreshCase(e);
      } else if (err && err.status === 409 && err.code === 'solution_changed') {
        e.replaced = true;
      } else {
        e.error = t('widget.case.failed');
      }
    }).then(function () {
      e.busy = false;
      drawCaseFoot(e);
    });
  }

  function buildRow(m, pending) {
    var side = senderClass(m.senderType);
    var row = h('div', { class: 'row ' + side, 'data-testid': 'kefu-message', 'data-sender': m.senderType || '' });
    if (m.seq) row.setAttribute('data-seq', String(m.seq));
    if (m.clientMessageId) row.setAttribute('data-cid', m.clientMessageId);
    var bot = m.senderType === 'bot';
    var pl = bot && m.payload && typeof m.payload === 'object' ? m.payload : null;
    var auto = isAuto(m);
    var arts = pl && Array.isArray(pl.articles) ? pl.articles.filter(function (a) { return a && typeof a === 'object'; }) : [];
    var opts = pl && pl.type === 'bot.suggest' ? arts.filter(function (a) { return a.id && a.title; }) : [];
    var text = m.text;
    // A suggestion's text is its intro line plus numbered titles: the titles become buttons instead.
    if (opts.length && text) text = String(text).split('\n')[0];
    if (auto) {
      // An automatic reply (greeting, queue, away, closed, keyword): in the agent's name when it has one.
      row.setAttribute('data-auto', payloadType(m));
      row.appendChild(h('div', { class: 'who' }, [h('span', { 'data-testid': 'kefu-auto-sender', text: senderLabel(m.sender) || t('widget.bot.name') }),
        h('span', { class: 'autotag', 'data-testid': 'kefu-auto-tag', text: t('widget.auto.tag') })]));
    } else if (bot) {
      // Order messages (a price change approved later, a payment confirmation) speak for the shop.
      var botName = payloadType(m).indexOf('order.') === 0 ? t('widget.shop') : t('widget.bot.name');
      row.appendChild(h('div', { class: 'who' }, [h('span', { class: 'botname', 'data-testid': 'kefu-bot-label', text: (m.sender && m.sender.name) || botName })]));
    } else if (side === 'them' && m.sender) {
      var who = senderLabel(m.sender);
      if (who) row.appendChild(h('div', { class: 'who', text: who }));
    }
    var bubble = h('div', { class: 'bubble' });
    var card = cardOf(m);
    var afterSale = caseOf(m);
    if (card) {
      bubble.className = 'bubble cardwrap';
      bubble.appendChild(buildCard(card));
    } else if (afterSale) {
      bubble.className = 'bubble cardwrap';
      bubble.appendChild(buildCase(afterSale, m));
    } else if (text) {
      var textEl = h('div', { class: 'text', 'data-testid': 'kefu-message-text' });
      renderText(textEl, text);
      bubble.appendChild(textEl);
    }
    var more = pl && pl.type === 'bot.answer' && arts[0] && webUrl(arts[0].url);
    if (more) bubble.appendChild(h('div', {}, [h('a', { class: 'more', href: more, target: '_blank', rel: 'noopener', 'data-testid': 'kefu-bot-article-link', text: t('widget.bot.details') })]));
    var atts = (m.attachments || []).filter(Boolean);
    if (atts.length) {
      var box = h('div', { class: 'atts' });
      atts.forEach(function (a) {
        var url = absUrl(a.url);
        if (!url) return;
        var isImage = /^image\//.test(a.contentType || '') || a.local;
        var link = h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', title: isImage ? t('widget.openImage') : (a.name || t('widget.file')) });
        if (isImage) {
          var img = h('img', { src: url, alt: a.name || t('widget.image'), loading: 'lazy', 'data-testid': 'kefu-message-image' });
          img.addEventListener('load', function () { if (S.stick) scrollToBottom(); });
          link.appendChild(img);
        } else {
          link.className = 'file';
          link.textContent = a.name || t('widget.file');
        }
        box.appendChild(link);
      });
      bubble.appendChild(box);
      if (!m.text && side !== 'center') bubble.classList.add('media');
    }
    row.appendChild(bubble);
    if (opts.length) {
      var group = h('div', { class: 'opts', role: 'group' });
      opts.forEach(function (a) {
        group.appendChild(h('button', { type: 'button', class: 'opt', 'data-testid': 'kefu-bot-option', text: a.title, onclick: function () { askArticle(m, a, group); } }));
      });
      row.appendChild(group);
    }
    if (pl && !auto && pl.handover === true && S.bot.active) {
      row.appendChild(h('button', { type: 'button', class: 'handover', 'data-testid': 'kefu-bot-handover', text: t('widget.bot.handover'), disabled: S.handingOver, onclick: function () { handover(); } }));
    }
    var meta = h('div', { class: 'meta' });
    if (side !== 'center') meta.appendChild(h('span', { class: 'time', text: timeLabel(m.createdAt) }));
    if (side === 'me') {
      var status = h('span', { class: 'status', 'data-testid': 'kefu-status' });
      meta.appendChild(status);
      row._status = status;
      if (pending) {
        status.addEventListener('click', function () { retry(m.clientMessageId); });
      }
    }
    if (meta.childNodes.length) row.appendChild(meta);
    return row;
  }

  function setRowStatus(row, state) {
    if (!row || !row._status) return;
    row.classList.remove('sending', 'failed');
    var key = null;
    if (state === 'sending' || state === 'uploading') { key = 'widget.sending'; row.classList.add('sending'); }
    else if (state === 'failed') { key = 'widget.failed'; row.classList.add('failed'); }
    else if (state === 'read') key = 'widget.read';
    else if (state === 'unread') key = 'widget.unread';
    row.setAttribute('data-status', state || '');
    row._status.textContent = key ? t(key) : '';
    row._status.classList.toggle('read', state === 'read');
  }

  function refreshReadStates() {
    S.bySeq.forEach(function (row, seq) {
      if (row._status) setRowStatus(row, seq <= S.agentRead ? 'read' : 'unread');
    });
  }

  // Inserts a confirmed row in seq order, before any pending (unacknowledged) rows.
  function insertRow(row, seq) {
    var kids = UI.msgs.children;
    for (var i = 0; i < kids.length; i++) {
      var s = parseInt(kids[i].getAttribute('data-seq') || '0', 10);
      if (!s || s > seq) { UI.msgs.insertBefore(row, kids[i]); return; }
    }
    UI.msgs.appendChild(row);
  }

  function rememberConversation(id) {
    S.conversationId = lc(id) || null;
    save('conversation', S.conversationId);
  }

  // The visitor's current conversation changed (e.g. the old one was resolved and a
  // new one started): keep the old messages visible above, start a fresh sequence.
  function switchConversation(id) {
    id = lc(id) || null;
    if (id === S.conversationId) return;
    if (S.bySeq.size) {
      var block = h('div', { class: 'old' });
      while (UI.msgs.firstChild && UI.msgs.firstChild.getAttribute('data-seq')) block.appendChild(UI.msgs.firstChild);
      block.appendChild(h('div', { class: 'divider', text: t('widget.earlier') }));
      UI.archive.appendChild(block);
    }
    S.bySeq = new Map(); S.ids = new Set(); S.others = [];
    S.lastSeq = 0; S.minSeq = 0; S.hasMore = false; S.agentRead = 0; S.visitorRead = 0; S.readSent = 0; S.agentSeq = 0;
    rememberConversation(id);
    save('seq', 0); save('agentRead', 0); save('visitorRead', 0);
    updateBot();
    updateQueue();
    updateBadge();
  }

  function addMessage(m, opts) {
    if (!m || m.private || typeof m.seq !== 'number') return false;
    if (m.conversationId && m.conversationId !== S.conversationId) {
      if (opts && opts.history) return false;
      switchConversation(m.conversationId);
    }
    if ((m.id && S.ids.has(m.id)) || S.bySeq.has(m.seq)) return false;
    if (m.senderType === 'visitor' && m.clientMessageId && S.pending.has(m.clientMessageId)) {
      var p = S.pending.get(m.clientMessageId);
      if (p.row) p.row.remove();
      if (p.localUrl && !p.keepUrl) URL.revokeObjectURL(p.localUrl);
      S.pending.delete(m.clientMessageId);
      saveOutbox();
    }
    // A live message past a gap (e.g. a greeting created with the conversation): fetch what is missing.
    if (!(opts && opts.history) && m.seq > S.lastSeq + 1 && S.ready && !S.resuming) {
      S.resuming = true;
      sendFrame({ type: 'resume', conversationId: m.conversationId || S.conversationId, afterSeq: S.lastSeq });
    }
    if (!(opts && opts.history)) trackBot(m);
    var stick = !(opts && opts.history && opts.older) && (nearBottom() || m.senderType === 'visitor');
    var row = buildRow(m, false);
    S.stick = stick;
    insertRow(row, m.seq);
    if (m.id) S.ids.add(m.id);
    S.bySeq.set(m.seq, row);
    if (m.senderType === 'visitor') setRowStatus(row, m.seq <= S.agentRead ? 'read' : 'unread');
    else S.others.push(m.seq);
    if (m.seq > S.lastSeq) { S.lastSeq = m.seq; save('seq', S.lastSeq); }
    if (!S.minSeq || m.seq < S.minSeq) S.minSeq = m.seq;
    var greeting = payloadType(m) === 'auto.greeting';
    if (S.queue && (m.senderType === 'agent' || greeting) && m.seq > (S.queue.seq || 0) &&
        (!S.queue.conv || S.queue.conv === (m.conversationId || S.conversationId))) setQueue(null);
    if ((m.senderType === 'agent' || (greeting && m.sender && m.sender.agentNumber != null)) && m.sender && m.seq >= (S.agentSeq || 0)) {
      S.agentSeq = m.seq;
      S.agent = { number: m.sender.agentNumber, name: m.sender.name };
      updateHeader();
      showPeerTyping(false);
    }
    updateWelcome();
    if (stick) scrollToBottom();
    return true;
  }

  // ---- outbox (messages not yet acknowledged) -----------------------------------
  function saveOutbox() {
    var list = [];
    S.pending.forEach(function (p) {
      if (p.status !== 'failed' && !p.file) list.push({ cid: p.cid, text: p.text, attachments: p.attachments, images: p.images, at: p.at });
    });
    save('outbox', list.length ? JSON.stringify(list) : null);
  }

  function renderPending(p) {
    var atts = p.images.length ? p.images : (p.localUrl ? [{ url: p.localUrl, contentType: p.file && p.file.type, name: p.file && p.file.name, local: true }] : []);
    var row = buildRow({ senderType: 'visitor', text: p.text, attachments: atts, clientMessageId: p.cid, createdAt: p.at }, true);
    if (p.row && p.row.parentNode) p.row.parentNode.replaceChild(row, p.row);
    else UI.msgs.appendChild(row);
    p.row = row;
    setRowStatus(row, p.status);
    updateWelcome();
  }

  function restoreOutbox() {
    loadJSON('outbox', []).forEach(function (o) {
      if (!o || !o.cid || S.pending.has(o.cid)) return;
      var p = { cid: o.cid, text: o.text || '', attachments: o.attachments || [], images: o.images || [], at: o.at, status: 'sending', tries: 0 };
      S.pending.set(p.cid, p);
      renderPending(p);
    });
  }

  function sendComposer() {
    var text = UI.input.value.replace(/^\s*\n/, '').replace(/\s+$/, '');
    if (!text.trim() && !S.image) return;
    if (text.length > MAX_TEXT) { notice('widget.textTooLong'); return; }
    var p = newPending(text);
    if (S.image) { p.file = S.image.file; p.localUrl = S.image.url; p.status = 'uploading'; S.image = null; UI.preview.hidden = true; }
    UI.input.value = '';
    autoGrow();
    togglePicker(false);
    stopTyping();
    queue(p);
    UI.input.focus();
  }

  function newPending(text) {
    return { cid: uuid(), text: text, attachments: [], images: [], at: new Date().toISOString(), status: 'sending', tries: 0 };
  }

  function queue(p) {
    S.pending.set(p.cid, p);
    S.stick = true;
    renderPending(p);
    scrollToBottom();
    saveOutbox();
    if (p.file) upload(p); else transmit(p);
  }

  function upload(p) {
    p.status = 'uploading';
    setRowStatus(p.row, 'sending');
    if (!S.token) { failPending(p, 'widget.uploadFailed'); return; }
    api('POST', '/api/v1/widget/uploads?token=' + encodeURIComponent(S.token) + (p.file.name ? '&name=' + encodeURIComponent(p.file.name) : ''), p.file, p.file.type || 'application/octet-stream').then(function (res) {
      if (!S.pending.has(p.cid)) return;
      p.attachments = [res.id];
      p.images = [{ id: res.id, url: res.url, name: res.name, contentType: res.contentType }];
      p.keepUrl = false;
      p.file = null;
      p.status = 'sending';
      saveOutbox();
      transmit(p);
    }, function (err) {
      failPending(p, err && err.status === 413 ? 'widget.imageTooLarge' : 'widget.uploadFailed');
    });
  }

  function transmit(p) {
    p.status = 'sending';
    setRowStatus(p.row, 'sending');
    var frame = { type: 'message.send', clientMessageId: p.cid, text: p.text };
    if (p.attachments.length) frame.attachments = p.attachments.slice();
    sendFrame(frame); // queued in the outbox until acknowledged; resent after a reconnect
  }

  function failPending(p, key) {
    p.status = 'failed';
    setRowStatus(p.row, 'failed');
    saveOutbox();
    if (key) notice(key);
  }

  function retry(cid) {
    var p = S.pending.get(cid);
    if (!p || p.status !== 'failed') return;
    p.tries = 0;
    if (p.file) upload(p); else transmit(p);
    saveOutbox();
  }

  function flushOutbox() {
    S.pending.forEach(function (p) { if (p.status === 'sending') transmit(p); });
  }

  function onAck(f) {
    var p = S.pending.get(f.clientMessageId);
    if (!p) return;
    if (f.conversationId && f.conversationId !== S.conversationId) switchConversation(f.conversationId);
    var atts = p.images.map(function (i) { return { id: i.id, url: i.url, name: i.name, contentType: i.contentType || 'image/png' }; });
    addMessage({ id: f.messageId, conversationId: f.conversationId, seq: f.seq, senderType: 'visitor', sender: null, text: p.text, private: false, attachments: atts, clientMessageId: p.cid, createdAt: f.createdAt });
    // Already shown (the message frame came first)? Then only the pending row goes.
    if (S.pending.has(p.cid)) {
      if (p.row) p.row.remove();
      S.pending.delete(p.cid);
      saveOutbox();
    }
    updateWelcome();
    maybeSendRead();
  }

  // ---- FAQ bot ------------------------------------------------------------------
  function setBot(active) {
    active = !!active;
    if (active === S.bot.active) return;
    S.bot.active = active;
    updateBot();
  }

  // Live messages tell whether the bot still answers: an agent's reply or the bot's
  // hand-over ends it for that conversation (S.botOff; also one the session calls bot-free,
  // where a tapped old suggestion is still answered); a bot message elsewhere means it answers.
  function trackBot(m) {
    var conv = m.conversationId || S.conversationId, type = payloadType(m);
    // Automatic replies are not the FAQ bot; a greeting means an agent has the conversation.
    if (m.senderType === 'agent' || type === 'bot.handover' || type === 'auto.greeting') {
      S.botOff = conv;
      setBot(false);
    } else if (m.senderType === 'bot' && !isAuto(m) && conv !== S.botOff) {
      setBot(true);
    }
  }

  function updateBot() {
    if (!UI.hot) return;
    var on = S.bot.active;
    UI.hot.textContent = '';
    if (on && S.help.hot.length) {
      var chips = h('div', { class: 'chips' });
      S.help.hot.forEach(function (q) {
        chips.appendChild(h('button', { type: 'button', class: 'chip', 'data-testid': 'kefu-bot-hot', text: q.title, onclick: function () { sendQuick(q.title); } }));
      });
      UI.hot.appendChild(h('div', { class: 'hot-title', text: t('widget.bot.hotTitle') }));
      UI.hot.appendChild(chips);
    }
    // Handing over needs a conversation; the row buttons go for good once the bot is off.
    if (on && S.conversationId) { if (!UI.handover.parentNode) UI.tools.appendChild(UI.handover); }
    else if (UI.handover.parentNode) UI.handover.remove();
    if (!on) Array.prototype.forEach.call(UI.list.querySelectorAll('.row>.handover'), function (b) { b.remove(); });
    UI.help.hidden = !S.help.url;
    if (S.help.url) UI.help.href = S.help.url;
    else UI.help.removeAttribute('href');
    updateLeave();
    updateWelcome();
  }

  function sendQuick(text) {
    text = String(text || '').slice(0, MAX_TEXT);
    if (text.trim()) queue(newPending(text));
  }

  function failNotice(err, key) { notice(key, err && err.server ? err.message : null); }

  function setHandoverBusy(busy) {
    S.handingOver = busy;
    UI.handover.disabled = busy;
    Array.prototype.forEach.call(UI.list.querySelectorAll('.row>.handover'), function (b) { b.disabled = busy; });
  }

  function handover() {
    var conv = S.conversationId;
    if (!conv || !S.token || S.handingOver) return;
    setHandoverBusy(true);
    api('POST', '/api/v1/widget/handover?token=' + encodeURIComponent(S.token), { conversationId: conv }).then(function () {
      S.botOff = conv;
      setBot(false);
    }, function (err) {
      failNotice(err, 'widget.bot.handoverFailed');
    }).then(function () { setHandoverBusy(false); });
  }

  function askArticle(m, a, group) {
    var conv = m.conversationId || S.conversationId;
    var buttons = group.querySelectorAll('button');
    if (!conv || !S.token || group.getAttribute('aria-busy') === 'true') return;
    function busy(on) {
      group.setAttribute('aria-busy', on ? 'true' : 'false');
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = on; });
    }
    busy(true);
    api('POST', '/api/v1/widget/bot/answer?token=' + encodeURIComponent(S.token), { conversationId: conv, articleId: a.id }).then(null, function (err) {
      failNotice(err, 'widget.bot.answerFailed');
    }).then(function () { busy(false); });
  }

  // ---- queue, status line, closed hours -------------------------------------------
  // `queue` frames: the place in line of the visitor's conversation; position 0 = an agent has it.
  function onQueue(f) {
    var pos = typeof f.position === 'number' && isFinite(f.position) ? Math.max(0, Math.floor(f.position)) : 0;
    var conv = f.conversationId || S.conversationId || null;
    if (pos < 1) {
      if (S.queue && (!conv || !S.queue.conv || S.queue.conv === conv)) setQueue(null);
      return;
    }
    var eta = typeof f.etaSeconds === 'number' && isFinite(f.etaSeconds) && f.etaSeconds > 0 ? f.etaSeconds : 0;
    setQueue({ conv: conv, position: pos, eta: eta, seq: conv === S.conversationId ? S.lastSeq : 0, at: Date.now() });
  }

  function setQueue(q) {
    S.queue = q;
    save('queue', q ? JSON.stringify(q) : null);
    updateQueue();
  }

  function updateQueue() {
    if (!UI.queue) return;
    var q = S.queue;
    // A frame may come before the ack that names a new conversation: shown until another one is current.
    var show = !!(q && q.position > 0 && (!q.conv || !S.conversationId || q.conv === S.conversationId));
    var stick = show && UI.queue.hidden && nearBottom();
    UI.queue.hidden = !show;
    if (!show) return;
    UI.queuePos.textContent = String(q.position);
    if (q.eta > 0) fillInto(UI.queueText, 'widget.queue.position', { position: UI.queuePos, minutes: Math.max(1, Math.ceil(q.eta / 60)) });
    else fillInto(UI.queueText, 'widget.queue.positionNoEta', { position: UI.queuePos });
    if (stick) scrollToBottom();
  }

  function updateStatusLine() {
    if (!UI.statusLine) return;
    var show = !!S.statusLine && S.statusLine !== S.statusDismissed;
    UI.statusLine.hidden = !show;
    UI.statusText.textContent = '';
    if (show) renderText(UI.statusText, S.statusLine);
  }

  // Outside business hours (and no bot answering): a notice and the leave-a-message form at the
  // end of the conversation. The composer keeps working; those messages are answered later.
  function buildLeave() {
    UI.closedText = h('div', { class: 'closed', 'data-testid': 'kefu-closed-notice' });
    UI.leaveName = h('input', { type: 'text', 'data-testid': 'kefu-leave-name', placeholder: t('widget.leave.name'), 'aria-label': t('widget.leave.name'), maxlength: '100', autocomplete: 'name' });
    UI.leaveContact = h('input', { type: 'text', 'data-testid': 'kefu-leave-contact', placeholder: t('widget.leave.contact'), 'aria-label': t('widget.leave.contact'), maxlength: '200' });
    UI.leaveText = h('textarea', { rows: '3', 'data-testid': 'kefu-leave-text', placeholder: t('widget.leave.text'), 'aria-label': t('widget.leave.text'), maxlength: String(MAX_TEXT) });
    UI.leaveErr = h('div', { class: 'leave-err', 'data-testid': 'kefu-leave-error', role: 'alert' });
    UI.leaveSubmit = h('button', { type: 'submit', class: 'send', 'data-testid': 'kefu-leave-submit', text: t('widget.leave.submit') });
    UI.leaveForm = h('form', { class: 'leave-form', 'data-testid': 'kefu-leave-form', novalidate: true, 'aria-label': t('widget.leave.title') }, [
      h('div', { class: 'leave-title', text: t('widget.leave.title') }),
      h('div', { class: 'leave-intro', text: t('widget.leave.intro') }),
      h('div', { class: 'two' }, [UI.leaveName, UI.leaveContact]),
      UI.leaveText,
      h('div', { class: 'leave-foot' }, [UI.leaveErr, UI.leaveSubmit])
    ]);
    UI.leaveForm.addEventListener('submit', function (e) { e.preventDefault(); submitLeave(); });
    UI.leaveDoneEl = h('div', { class: 'leave-done', 'data-testid': 'kefu-leave-done', role: 'status', hidden: true }, [
      h('span', { class: 'ok' }, [icon('check')]),
      h('div', { class: 'leave-title', text: t('widget.leave.doneTitle') }),
      h('p', { text: t('widget.leave.done') })
    ]);
    UI.leave = h('div', { class: 'leave', 'data-testid': 'kefu-closed', hidden: true }, [UI.closedText, UI.leaveForm, UI.leaveDoneEl]);
  }

  function updateLeave() {
    if (!UI.leave) return;
    var show = !S.hours.open && !S.bot.active;
    var stick = show && UI.leave.hidden && nearBottom();
    UI.leave.hidden = !show;
    if (!show) return;
    var when = dateTimeLabel(S.hours.nextOpen);
    UI.closedText.textContent = when ? t('widget.leave.closed', { next_open: when }) : t('widget.leave.closedNoTime');
    UI.leaveForm.hidden = S.leaveDone;
    UI.leaveDoneEl.hidden = !S.leaveDone;
    if (stick) scrollToBottom();
  }

  function setLeaveBusy(busy) {
    S.leaveBusy = busy;
    UI.leaveSubmit.disabled = busy;
    UI.leaveSubmit.textContent = t(busy ? 'widget.leave.sending' : 'widget.leave.submit');
    UI.leaveForm.setAttribute('aria-busy', busy ? 'true' : 'false');
  }

  function submitLeave() {
    if (S.leaveBusy) return;
    var name = UI.leaveName.value.trim(), contact = UI.leaveContact.value.trim(), text = UI.leaveText.value.trim();
    UI.leaveErr.textContent = '';
    if (!text) { UI.leaveErr.textContent = t('widget.leave.textRequired'); UI.leaveText.focus(); return; }
    if (!S.token) { UI.leaveErr.textContent = t('widget.leave.failed'); return; }
    var body = { text: text.slice(0, MAX_TEXT) };
    if (name) body.name = name;
    if (contact) body[contact.indexOf('@') >= 0 ? 'email' : 'phone'] = contact;
    setLeaveBusy(true);
    api('POST', '/api/v1/widget/leave-message?token=' + encodeURIComponent(S.token), body).then(function (res) {
      S.leftMark = S.hours.nextOpen || 'closed';
      save('left', S.leftMark);
      S.leaveDone = true;
      UI.leaveName.value = UI.leaveContact.value = UI.leaveText.value = '';
      updateLeave();
      // The message is kept as a conversation of this visitor: show it in the chat, where the answer comes.
      var conv = res && typeof res.conversationId === 'string' ? lc(res.conversationId) : null;
      if (conv) {
        if (conv !== S.conversationId) switchConversation(conv);
        loadHistory().then(function () { scrollToBottom(); });
      }
    }, function (err) {
      UI.leaveErr.textContent = err && err.server ? err.message : t('widget.leave.failed');
    }).then(function () { setLeaveBusy(false); });
  }

  // ---- typing and read ----------------------------------------------------------
  function onTypingInput() {
    if (!S.ready || !S.conversationId) return;
    var now = Date.now();
    if (!S.typingOn || now - S.typingAt > 2500) {
      if (UI.input.value.trim()) {
        sendFrame({ type: 'typing', conversationId: S.conversationId, typing: true });
        S.typingOn = true;
        S.typingAt = now;
      }
    }
    clearTimeout(S.typingIdle);
    S.typingIdle = setTimeout(stopTyping, 3000);
  }

  function stopTyping() {
    clearTimeout(S.typingIdle);
    if (S.typingOn && S.conversationId) sendFrame({ type: 'typing', conversationId: S.conversationId, typing: false });
    S.typingOn = false;
  }

  function showPeerTyping(on) {
    clearTimeout(S.peerTypingTimer);
    UI.typing.hidden = !on;
    if (on) {
      var stick = nearBottom();
      S.peerTypingTimer = setTimeout(function () { UI.typing.hidden = true; }, 8000);
      if (stick) scrollToBottom();
    }
  }

  function maybeSendRead() {
    if (!S.open || document.visibilityState !== 'visible' || !S.conversationId || !S.lastSeq) { updateBadge(); return; }
    if (S.lastSeq > S.visitorRead) { S.visitorRead = S.lastSeq; save('visitorRead', S.visitorRead); }
    if (S.ready && S.lastSeq > S.readSent) {
      S.readSent = S.lastSeq;
      sendFrame({ type: 'read', conversationId: S.conversationId, seq: S.lastSeq });
    }
    updateBadge();
  }

  // ---- socket -------------------------------------------------------------------
  function sendFrame(frame) {
    if (!S.ws || !S.ready || S.ws.readyState !== 1) return false;
    try { S.ws.send(JSON.stringify(frame)); return true; } catch (e) { return false; }
  }

  function connect() {
    clearTimeout(S.reconnectTimer);
    if (!S.token || S.ws) return;
    var url = ORIGIN.replace(/^http/, 'ws') + '/api/v1/widget/ws?token=' + encodeURIComponent(S.token);
    var ws;
    try { ws = new WebSocket(url); } catch (e) { scheduleReconnect(); return; }
    S.ws = ws;
    S.lastFrame = Date.now();
    ws.onmessage = function (e) {
      if (S.ws !== ws) return;
      S.lastFrame = Date.now();
      var f;
      try { f = JSON.parse(e.data); } catch (err) { return; }
      if (f && typeof f.type === 'string') handleFrame(normalize(f));
    };
    ws.onclose = function (e) { if (S.ws === ws) dropSocket(e && e.code); };
    ws.onerror = function () { /* onclose follows */ };
  }

  function dropSocket(code) {
    var ws = S.ws;
    S.ws = null;
    S.ready = false;
    S.resuming = false;
    S.typingOn = false;
    clearInterval(S.pingTimer);
    if (ws) {
      ws.onmessage = ws.onclose = ws.onerror = null;
      try { ws.close(); } catch (e) { /* already closed */ }
    }
    showPeerTyping(false);
    setBanner('widget.reconnecting');
    S.pending.forEach(function (p) { if (p.status === 'sending') setRowStatus(p.row, 'sending'); });
    // The server refuses a token it no longer knows; after a few failures ask for a session again.
    S.failures++;
    scheduleReconnect(code);
  }

  function scheduleReconnect(code) {
    clearTimeout(S.reconnectTimer);
    S.attempt++;
    var base = Math.min(10000, 500 * Math.pow(2, S.attempt - 1));
    if (code === 4008) base = 500;
    var delay = base / 2 + Math.random() * base / 2;
    S.reconnectTimer = setTimeout(function () {
      if (S.failures >= 3) { S.failures = 0; boot(true); } else connect();
    }, delay);
  }

  function reconnectNow() {
    if (S.ws || !S.token || !S.booted) return;
    S.attempt = 0;
    connect();
  }

  function handleFrame(f) {
    switch (f.type) {
      case 'hello':
        S.ready = true;
        S.everConnected = true;
        S.attempt = 0;
        S.failures = 0;
        S.readSent = 0;
        setBanner(null);
        clearInterval(S.pingTimer);
        S.pingTimer = setInterval(function () {
          if (Date.now() - S.lastFrame > 60000) { dropSocket(); return; }
          sendFrame({ type: 'ping' });
        }, 25000);
        if (f.conversationId && f.conversationId !== S.conversationId) {
          switchConversation(f.conversationId);
          loadHistory().then(afterCatchUp, afterCatchUp);
        } else if (S.conversationId) {
          // The highest seq shown; with nothing shown (history failed) the whole conversation.
          S.resuming = true;
          sendFrame({ type: 'resume', conversationId: S.conversationId, afterSeq: S.bySeq.size ? S.lastSeq : 0 });
          afterCatchUp();
        } else {
          afterCatchUp();
        }
        break;
      case 'ack': onAck(f); break;
      case 'message':
        if (f.message && !f.message.conversationId) f.message.conversationId = f.conversationId;
        if (addMessage(f.message)) { updateBadge(); maybeSendRead(); }
        break;
      case 'resumed': S.resuming = false; maybeSendRead(); break;
      case 'queue': onQueue(f); break;
      case 'typing':
        if (f.conversationId === S.conversationId && !(f.sender && f.sender.type === 'visitor')) showPeerTyping(!!f.typing);
        break;
      case 'read':
        if (f.conversationId !== S.conversationId || typeof f.seq !== 'number') break;
        if (f.reader === 'agent' && f.seq > S.agentRead) { S.agentRead = f.seq; save('agentRead', f.seq); refreshReadStates(); }
        else if (f.reader === 'visitor' && f.seq > S.visitorRead) { S.visitorRead = f.seq; save('visitorRead', f.seq); updateBadge(); }
        break;
      case 'error': onError(f); break;
      default: break; // pong, conversation.updated, presence: nothing to show
    }
  }

  function afterCatchUp() { flushOutbox(); maybeSendRead(); }

  function onError(f) {
    var p = f.ref && S.pending.get(f.ref);
    if (p) {
      if (f.code === 'rate_limited' && p.tries < 5) {
        p.tries++;
        setTimeout(function () { if (S.pending.get(p.cid) === p && p.status === 'sending') transmit(p); }, 1500 * p.tries);
        return;
      }
      failPending(p, f.code === 'text_too_long' ? 'widget.textTooLong' : f.code === 'rate_limited' ? 'widget.rateLimited' : f.code === 'attachment_invalid' ? 'widget.uploadFailed' : null);
      return;
    }
    if (f.ref === 'resume' && f.code === 'not_found') {
      // The stored conversation is not this visitor's (any more): start clean.
      switchConversation(null);
    }
  }

  // ---- session and history ------------------------------------------------------
  function loadHistory(beforeSeq) {
    if (!S.token || !S.conversationId) return Promise.resolve();
    var conv = S.conversationId;
    var older = !!beforeSeq;
    if (older) { S.loadingOlder = true; UI.older.hidden = false; }
    var path = '/api/v1/widget/messages?token=' + encodeURIComponent(S.token) + '&conversationId=' + encodeURIComponent(conv) +
      (older ? '&beforeSeq=' + beforeSeq : '') + '&limit=50';
    return api('GET', path).then(function (data) {
      if (conv !== S.conversationId || !data) return;
      var items = (data.items || []).slice().sort(function (a, b) { return a.seq - b.seq; });
      var h0 = UI.list.scrollHeight, top0 = UI.list.scrollTop;
      items.forEach(function (m) { normalize(m); if (!m.conversationId) m.conversationId = conv; addMessage(m, { history: true, older: older }); });
      if (older || !S.minSeq || S.minSeq === (items[0] && items[0].seq)) S.hasMore = !!data.hasMore;
      if (older) UI.list.scrollTop = top0 + (UI.list.scrollHeight - h0);
      else scrollToBottom();
      updateBadge();
      maybeSendRead();
    }, function (err) {
      if (err && err.status === 404 && conv === S.conversationId && !S.bySeq.size) { rememberConversation(null); updateBot(); }
    }).then(function () {
      if (older) { S.loadingOlder = false; UI.older.hidden = true; }
    });
  }

  function startSession() {
    var body = { inboxKey: INBOX, page: { url: location.href, title: document.title || '', referrer: document.referrer || '' } };
    if (S.token) body.visitorToken = S.token;
    if (S.locale) body.locale = S.locale;
    if (CUSTOMER) body.customer = CUSTOMER;
    return api('POST', '/api/v1/widget/sessions', body).then(function (r) {
      if (!r || !r.visitorToken) throw new Error('no session');
      if (r.visitorToken !== S.token) {
        // A new visitor: nothing of the old one applies.
        S.token = r.visitorToken;
        save('token', S.token);
        S.agentRead = 0; S.visitorRead = 0;
        save('agentRead', 0); save('visitorRead', 0); save('seq', 0);
      }
      S.inbox = { name: (r.inbox && r.inbox.name) || '', greeting: (r.inbox && r.inbox.greeting) || '' };
      var bot = r.bot && typeof r.bot === 'object' ? r.bot : {}, help = r.help && typeof r.help === 'object' ? r.help : {};
      S.bot = { active: bot.active === true, mode: typeof bot.mode === 'string' ? bot.mode : 'off' };
      S.help = { url: webUrl(help.url), hot: (Array.isArray(help.hot) ? help.hot : []).filter(function (q) { return q && typeof q.title === 'string' && q.title.trim(); }).slice(0, 8) };
      // Public forms (absent on older servers: no links).
      S.forms = (Array.isArray(r.forms) ? r.forms : []).filter(function (f) {
        return f && typeof f.name === 'string' && f.name.trim() && webUrl(f.url);
      }).slice(0, 6).map(function (f) { return { key: String(f.key || ''), name: f.name.trim(), kind: String(f.kind || ''), url: webUrl(f.url) }; });
      // Routing additions (absent on older servers: no status line, always open).
      S.statusLine = typeof r.statusLine === 'string' && r.statusLine.trim() ? r.statusLine.trim() : null;
      S.hours = { open: r.open !== false, nextOpen: typeof r.nextOpen === 'string' ? r.nextOpen : null };
      var mark = S.hours.nextOpen || 'closed';
      if (S.hours.open) save('left', null);
      S.leaveDone = !S.hours.open && (load('left') === mark || S.leftMark === mark);
      r.conversationId = lc(r.conversationId) || null;
      switchConversation(r.conversationId);
      S.botOff = S.bot.active ? null : S.conversationId;
      updateHeader();
      updateStatusLine();
      updateBot();
      updateForms();
    });
  }

  // Session, then history, then the socket. Retried with back-off while Kefu is unreachable.
  function boot(again) {
    clearTimeout(S.bootTimer);
    return startSession().then(function () {
      S.booted = true;
      S.bootAttempt = 0;
      if (!again) setBanner(null);
      return S.bySeq.size ? null : loadHistory();
    }).then(function () {
      connect();
    }, function (err) {
      if (err && err.status === 404 && !S.booted) {
        if (window.console) window.console.warn('Kefu widget: unknown inbox key ' + INBOX);
        if (UI.host) UI.host.remove();
        return;
      }
      S.bootAttempt++;
      setBanner(S.everConnected ? 'widget.reconnecting' : 'widget.unavailable');
      var base = Math.min(10000, 500 * Math.pow(2, S.bootAttempt));
      if (err && err.status === 403 && window.console) window.console.warn('Kefu widget: Kefu refused this page (' + err.message + ')');
      if (err && (err.status === 429 || err.status === 403)) base = err.status === 403 ? 60000 : 10000;
      S.bootTimer = setTimeout(function () { boot(again); }, base / 2 + Math.random() * base / 2);
    });
  }

  function chooseImage(file) {
    if (!/^image\/(png|jpeg|gif|webp)$/i.test(file.type || '')) { notice('widget.imageOnly'); return; }
    if (file.size > MAX_IMAGE) { notice('widget.imageTooLarge'); return; }
    clearImage();
    S.image = { file: file, url: URL.createObjectURL(file) };
    UI.previewImg.src = S.image.url;
    UI.preview.hidden = false;
    UI.input.focus();
  }

  function clearImage() {
    if (S.image) URL.revokeObjectURL(S.image.url);
    S.image = null;
    UI.preview.hidden = true;
    UI.previewImg.removeAttribute('src');
  }

  function loadCatalog() {
    var path = '/api/v1/i18n' + (S.locale ? '?locale=' + encodeURIComponent(S.locale) : '');
    return api('GET', path).then(function (data) {
      if (data && data.messages) S.messages = data.messages;
      if (data && data.locale) S.locale = data.locale;
    }, function () { /* English fallback wording */ });
  }

  function start() {
    var wanted = [script.getAttribute('data-locale')].concat(navigator.languages || [], navigator.language);
    for (var i = 0; i < wanted.length && !S.locale; i++) S.locale = pickLocale(wanted[i]);
    loadCatalog().then(function () {
      buildUI();
      updateHeader();
      restoreOutbox();
      updateWelcome();
      updateQueue();
      setOpen(S.open, false);
      boot(false);
    });
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'visible') { reconnectNow(); maybeSendRead(); }
    });
    window.addEventListener('online', reconnectNow);
  }

  window.KefuWidget = Object.freeze({
    open: function () { setOpen(true, true); },
    close: function () { setOpen(false); },
    toggle: function () { setOpen(!S.open, true); }
  });

  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
})();
