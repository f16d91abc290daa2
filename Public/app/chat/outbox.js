// Messages the agent sent that the server has not acknowledged yet. Each keeps
// its clientMessageId, so a resend after a reconnect can never create a second
// message (the server answers a duplicate with the original ack).

const entries = new Map(); // clientMessageId (lower case) → {frame, conversationId, state, error, sentAt, previews}
const listeners = new Set();
let sender = null;

/** Ids compare without case: the server writes UUIDs in upper case, browsers make lower-case ones. */
export function idKey(id) {
  return String(id || '').toLowerCase();
}

function changed(conversationId, settled = null) {
  for (const fn of Array.from(listeners)) fn(conversationId, settled);
}

/** `send(frame)` → bool: how frames leave (the agent socket). */
export function setSender(send) {
  sender = send;
}

export function onOutboxChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * Queues and sends a message.send frame. `attachments` are the uploads' descriptions
 * and `previews` local image URLs, both shown until the server has the message.
 */
export function enqueue(frame, { previews = [], attachments = [] } = {}) {
  const entry = {
    frame, conversationId: frame.conversationId, state: 'sending', error: null, sentAt: 0,
    previews, attachments, createdAt: new Date().toISOString(),
  };
  entries.set(idKey(frame.clientMessageId), entry);
  transmit(entry);
  changed(entry.conversationId);
  return entry;
}

function transmit(entry) {
  entry.sentAt = Date.now();
  entry.state = 'sending';
  entry.error = null;
  if (sender) sender(entry.frame);
}

export function pendingFor(conversationId) {
  return Array.from(entries.values()).filter((e) => e.conversationId === conversationId);
}

export function has(clientMessageId) {
  return entries.has(idKey(clientMessageId));
}

/** The server stored it (`ack`), or the agent gave up on it: forget it, release the previews. */
export function settle(clientMessageId, ack = null) {
  const entry = entries.get(idKey(clientMessageId));
  if (!entry) return null;
  entries.delete(idKey(clientMessageId));
  // The stored message shows the server's copy of the image; let the local one go a bit later.
  setTimeout(() => {
    for (const url of entry.previews) {
      try { URL.revokeObjectURL(url); } catch { /* not a blob URL */ }
    }
  }, 30000);
  changed(entry.conversationId, ack ? { entry, ack } : null);
  return entry;
}

export function fail(clientMessageId, error) {
  const entry = entries.get(idKey(clientMessageId));
  if (!entry) return false;
  entry.state = 'failed';
  entry.error = error;
  changed(entry.conversationId);
  return true;
}

export function retry(clientMessageId) {
  const entry = entries.get(idKey(clientMessageId));
  if (!entry) return;
  transmit(entry);
  changed(entry.conversationId);
}

export function discard(clientMessageId) {
  settle(clientMessageId);
}

/** After a reconnect: send every unacknowledged message again, same ids. */
export function resendAll() {
  for (const entry of entries.values()) {
    if (entry.state === 'sending') transmit(entry);
  }
}

/** Resends what waited longer than `ms` for its ack while the link was up. */
export function resendStale(ms) {
  const now = Date.now();
  for (const entry of entries.values()) {
    if (entry.state === 'sending' && now - entry.sentAt > ms) transmit(entry);
  }
}

export function clearAll() {
  for (const id of Array.from(entries.keys())) settle(id);
}
