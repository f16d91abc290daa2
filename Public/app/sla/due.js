// The next SLA due time of the rows a list shows (tickets/list.js, chat/list.js): one request
// for all of them, GET /api/v1/sla/due?type=ticket|conversation&ids=a,b,… (at most 200 ids),
// when the rows shown change, when asked to look again, and when the answer is older than a
// minute, or at once when the server says a clock of a row shown warned or breached (the
// sla.alert frame). A list without SLA (or a failing request) simply shows no badges.
import { api, query } from '../api.js';
import { chatSocket } from '../chat/runtime.js';
import { idKey, watchCountdowns } from './shared.js';

const MAX_IDS = 200;
const STALE_MS = 60000;
const DELAY_MS = 150;

/**
 * Puts the badge of each slot under `root` (an element with `data-sla-id`) in place, so rows are
 * not drawn again under the pointer when due times arrive. render(item or undefined) → badge or null.
 */
export function fillDueSlots(root, loader, render) {
  for (const slot of root.querySelectorAll('[data-sla-id]')) {
    const badge = render(loader.get(slot.getAttribute('data-sla-id')));
    slot.replaceChildren(...(badge ? [badge] : []));
  }
}

/**
 * type: 'ticket' | 'conversation'; onChange() is called when new due times arrived (fill the slots).
 * Returns {want(ids, {force}), get(id), destroy()}.
 */
export function createDueLoader(type, onChange) {
  const state = { items: new Map(), key: null, at: 0, token: 0, pending: null, timer: null, destroyed: false };
  const release = watchCountdowns();
  const socket = chatSocket();

  async function fetchNow() {
    state.timer = null;
    const ids = state.pending || [];
    state.pending = null;
    const key = ids.join(',');
    state.key = key;
    state.at = Date.now();
    const token = ++state.token;
    if (!ids.length) {
      if (state.items.size) {
        state.items = new Map();
        onChange();
      }
      return;
    }
    try {
      const data = await api.get(`/api/v1/sla/due${query({ type, ids: key })}`);
      if (token !== state.token || state.destroyed) return;
      state.items = new Map(((data && data.items) || []).map((item) => [idKey(item.targetId), item]));
      onChange();
    } catch {
      // Badges are extra: the list works without them (looked at again when it is stale).
    }
  }

  function schedule(list) {
    state.pending = list;
    clearTimeout(state.timer);
    state.timer = setTimeout(fetchNow, DELAY_MS);
  }

  // A clock of a row shown warned or breached: its badge turns red with the server's word.
  const offAlert = socket ? socket.on('sla.alert', (frame) => {
    if (state.destroyed || !frame || frame.targetType !== type || !state.key) return;
    const ids = state.key.split(',');
    if (ids.some((id) => idKey(id) === idKey(frame.targetId))) schedule(ids);
  }) : null;

  return {
    /** The rows shown now: asks for their due times unless the last answer covers them and is fresh. */
    want(ids, { force = false } = {}) {
      if (state.destroyed) return;
      const list = Array.from(new Set((ids || []).filter(Boolean).map(String))).slice(0, MAX_IDS);
      const key = list.join(',');
      const fresh = key === state.key && Date.now() - state.at < STALE_MS;
      if (!force && fresh && !state.timer) return;
      if (!force && state.timer && state.pending && state.pending.join(',') === key) return;
      schedule(list);
    },
    /** The due time of one row ({metric, dueAt, breached, state}), or null. */
    get(id) {
      return state.items.get(idKey(id)) || null;
    },
    destroy() {
      state.destroyed = true;
      state.token += 1;
      clearTimeout(state.timer);
      if (offAlert) offAlert();
      release();
    },
  };
}
