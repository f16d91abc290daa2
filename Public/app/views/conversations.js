// The agent's conversation workspace (#/conversations, #/conversations/<id>):
// the list on the left, the open conversation in the centre (header, messages,
// reply box), the customer and the registered side panels (chat/panels.js: orders, …) on
// the right. At phone widths: list OR conversation.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';
import { loadingBlock, loadError, toast } from '../ui.js';
import { startChat, loadDirectory, setViewing, noteConversation } from '../chat/runtime.js';
import { createList } from '../chat/list.js';
import { createThread } from '../chat/thread.js';
import { createComposer } from '../chat/composer.js';
import { createHeader } from '../chat/header.js';
import { createSidebar } from '../chat/sidebar.js';
import { createSuggestions } from '../chat/suggestions.js';
import { createPanels } from '../chat/panels.js';
import { createSearch } from '../chat/search.js';

const SIDE_KEY = 'kefu_conv_side';
let active = null;

function wide() {
  return window.matchMedia('(min-width: 1280px)').matches;
}

function sidePreference() {
  try {
    const saved = window.localStorage.getItem(SIDE_KEY);
    if (saved === 'open' || saved === 'closed') return saved === 'open';
  } catch {
    // no storage
  }
  return wide();
}

function conversationIdFrom(subpath) {
  const id = String(subpath || '').split(/[/?]/)[0];
  return /^[0-9a-fA-F-]{8,64}$/.test(id) ? id : null;
}

/** Called by the router when only the part after #/conversations/ changed. */
export function subroute(subpath) {
  if (!active) return false;
  active.show(conversationIdFrom(subpath));
  return true;
}

export function render(container, ctx) {
  const socket = startChat();
  const directory = loadDirectory();
  let current = null; // {id, conversation, header, thread, composer, suggestions, panels, sidebar}
  let openToken = 0;
  let sideOpen = sidePreference();
  let reveal = null; // {id, seq}: a search hit to show once its conversation is open

  const sameId = (a, b) => String(a || '').toLowerCase() === String(b || '').toLowerCase();

  const main = h('section', { class: 'chat-main', 'data-testid': 'chat-main', 'aria-live': 'off' });
  const side = h('div', { class: 'chat-side' });
  const openId = () => (current ? current.id : null);
  // A chosen hit: its link opens the conversation (mount() then shows the message), or,
  // when that conversation is open already, the thread shows it now.
  const search = createSearch({
    openId,
    onOpen: (hit) => {
      reveal = { id: hit.conversationId, seq: hit.seq };
      if (current && current.thread && sameId(current.id, hit.conversationId)) {
        current.thread.reveal(hit.seq);
        reveal = null;
      }
    },
  });
  const list = createList({ socket, directory, openId, search });
  const root = h('div', { class: ['chat', !sideOpen && 'side-hidden'], 'data-testid': 'chat-page' }, list.el, main, side);
  container.append(root);

  function setSide(open) {
    sideOpen = open;
    root.classList.toggle('side-hidden', !open);
    try { window.localStorage.setItem(SIDE_KEY, open ? 'open' : 'closed'); } catch { /* ignore */ }
  }

  function emptyState() {
    main.replaceChildren(h('div', { class: 'chat-empty', 'data-testid': 'chat-empty' },
      icon('chat', 'chat-empty-icon'),
      h('p', { class: 'chat-empty-title' }, t('conversations.pickOne')),
      h('p', { class: 'muted' }, t('conversations.pickOneHint'))));
    side.replaceChildren();
  }

  function teardown() {
    if (!current) return;
    for (const part of ['header', 'thread', 'composer', 'suggestions']) {
      if (current[part]) current[part].destroy();
    }
    for (const panel of current.panels || []) panel.destroy();
    if (current.sidebar) current.sidebar.destroy();
    current = null;
  }

  function contactLoader(contactId) {
    let promise = null;
    return (fresh = false) => {
      if (!promise || fresh) {
        promise = api.get(`/api/v1/contacts/${encodeURIComponent(contactId)}`);
        promise.catch(() => { promise = null; });
      }
      return promise;
    };
  }

  async function show(id) {
    const token = ++openToken;
    if (current && current.id === id) return;
    teardown();
    setViewing(id);
    root.classList.toggle('has-open', Boolean(id));
    list.refresh();
    if (!id) {
      emptyState();
      return;
    }
    current = { id };
    search.refresh();
    main.replaceChildren(loadingBlock());
    side.replaceChildren();
    let conversation;
    try {
      conversation = await api.get(`/api/v1/conversations/${encodeURIComponent(id)}`);
    } catch (error) {
      if (token !== openToken) return;
      main.replaceChildren(h('div', { class: 'chat-load-error' },
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => ctx.navigate('conversations') }, icon('back'), h('span', null, t('conversations.back'))),
        loadError(error, () => { current = null; show(id); })));
      return;
    }
    if (token !== openToken || !ctx.isCurrent()) return;
    if (conversation.mergedIntoId) {
      toast(t('conversations.wasMerged'), 'info');
      ctx.navigate(`conversations/${conversation.mergedIntoId}`);
      return;
    }
    setViewing(conversation.id);
    noteConversation(conversation);
    list.upsert(conversation);
    mount(conversation);
  }

  function mount(conversation) {
    const id = conversation.id;
    const contact = contactLoader(conversation.contactId);
    const part = { id, conversation };
    current = part;
    part.header = createHeader({
      conversation, directory, contact,
      onChange: (c) => { part.conversation = c; list.upsert(c); },
      onMerged: () => { contact(true); remount(); },
      onBack: () => ctx.navigate('conversations'),
      onToggleSidebar: () => setSide(!sideOpen),
    });
    part.thread = createThread({ conversation, socket });
    if (reveal && sameId(reveal.id, id)) part.thread.reveal(reveal.seq);
    reveal = null;
    part.composer = createComposer({ conversation, socket, directory });
    part.suggestions = createSuggestions({
      conversation, socket,
      onInsert: (text) => {
        // Below 1280 px the right column covers the reply box: get it out of the way.
        if (!wide()) setSide(false);
        part.composer.append(text);
      },
    });
    part.panels = createPanels({ conversation, socket, contact });
    part.sidebar = createSidebar({
      contact, currentId: id, suggestions: part.suggestions.el, panels: part.panels,
      onSaved: (c) => {
        const changed = { ...part.conversation, contact: { id: c.id, name: c.name } };
        part.conversation = changed;
        part.header.update(changed);
        list.upsert(changed);
      },
      onOpen: (other) => ctx.navigate(`conversations/${other}`),
      onClose: () => setSide(false),
    });
    main.replaceChildren(part.header.el, part.thread.el, part.composer.el);
    side.replaceChildren(part.sidebar.el);
    if (window.matchMedia('(min-width: 769px)').matches) part.composer.focus();
  }

  /** After a merge the messages changed under us: draw the conversation again. */
  async function remount() {
    if (!current) return;
    const id = current.id;
    teardown();
    current = null;
    await show(id);
  }

  const offs = [
    socket.on('conversation.updated', (frame) => {
      const c = frame.conversation;
      if (!current || !c || c.id !== current.id || !current.header) return;
      if (c.mergedIntoId) {
        toast(t('conversations.wasMerged'), 'info');
        ctx.navigate(`conversations/${c.mergedIntoId}`);
        return;
      }
      current.conversation = { ...current.conversation, ...c };
      current.header.update(c);
      current.thread.update(c);
    }),
  ];

  active = { show };
  show(conversationIdFrom(ctx.subpath));

  return () => {
    if (active && active.show === show) active = null;
    openToken += 1;
    for (const off of offs) off();
    teardown();
    list.destroy();
    search.destroy();
    setViewing(null);
  };
}
