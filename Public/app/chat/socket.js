// The agent's live-chat socket (docs/protocol.md): GET /api/v1/agent/ws with the
// session cookie. Reconnects with exponential back-off and jitter, pings every
// 25 s, and hands every frame to the listeners of its `type` (and of '*').
// Listeners of 'status' hear {state: 'connecting'|'open'|'closed', reconnected}.

const PING_MS = 25000;
const SILENCE_MS = 70000; // no frame at all (not even a pong) for this long: the link is dead
const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 30000;

export function socketUrl(path = '/api/v1/agent/ws') {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${window.location.host}${path}`;
}

/** Back-off before reconnect attempt `attempt` (0-based): 1 s, 2 s, 4 s … 30 s, each 50–100 %. */
export function backoffDelay(attempt) {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 10));
  return Math.round(ceiling * (0.5 + Math.random() * 0.5));
}

export class AgentSocket {
  constructor(url = socketUrl()) {
    this.url = url;
    this.ws = null;
    this.listeners = new Map();
    this.state = 'closed';
    this.running = false;
    this.attempt = 0;
    this.everOpened = false;
    this.reconnectTimer = null;
    this.pingTimer = null;
    this.lastFrameAt = 0;
    this.hello = null;
    this.onOnline = () => { if (this.running && this.state === 'closed') this.reconnectNow(); };
  }

  /** fn(frame) for frames of `type` ('*' for all, 'status' for connection changes); returns an unsubscribe function. */
  on(type, fn) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type).add(fn);
    return () => {
      const set = this.listeners.get(type);
      if (set) set.delete(fn);
    };
  }

  emit(type, payload) {
    for (const key of [type, '*']) {
      const set = this.listeners.get(key);
      if (!set) continue;
      for (const fn of Array.from(set)) {
        try {
          fn(payload);
        } catch (error) {
          // One broken listener must not stop the others.
          setTimeout(() => { throw error; });
        }
      }
    }
  }

  get connected() {
    return this.state === 'open';
  }

  start() {
    if (this.running) return;
    this.running = true;
    window.addEventListener('online', this.onOnline);
    this.connect();
  }

  stop() {
    this.running = false;
    window.removeEventListener('online', this.onOnline);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.stopPing();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close(1000, 'bye');
      } catch {
        // already closed
      }
    }
    this.setState('closed');
  }

  /** Drops any wait and tries again at once (the banner's "reconnect" button). */
  reconnectNow() {
    if (!this.running) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    if (this.ws) {
      this.ws.onclose = null;
      try { this.ws.close(); } catch { /* ignore */ }
      this.ws = null;
    }
    this.attempt = 0;
    this.connect();
  }

  setState(state, extra = {}) {
    const changed = this.state !== state;
    this.state = state;
    if (changed || extra.reconnected) this.emit('status', { state, attempt: this.attempt, ...extra });
  }

  connect() {
    if (!this.running) return;
    this.setState('connecting');
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.lastFrameAt = Date.now();
      const reconnected = this.everOpened;
      this.everOpened = true;
      this.attempt = 0;
      this.startPing();
      this.setState('open', { reconnected });
    };
    ws.onmessage = (event) => {
      if (this.ws !== ws) return;
      this.lastFrameAt = Date.now();
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (!frame || typeof frame !== 'object' || typeof frame.type !== 'string') return;
      if (frame.type === 'hello') this.hello = frame;
      if (frame.type === 'pong') return;
      this.emit(frame.type, frame);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stopPing();
      this.emit('close', { code: event.code, reason: event.reason });
      this.scheduleReconnect();
    };
    ws.onerror = () => {
      // onclose follows and schedules the retry.
    };
  }

  scheduleReconnect() {
    this.setState('closed');
    if (!this.running) return;
    clearTimeout(this.reconnectTimer);
    const delay = backoffDelay(this.attempt);
    this.attempt += 1;
    this.nextRetryAt = Date.now() + delay;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  startPing() {
    this.stopPing();
    this.pingTimer = setInterval(() => {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
      if (Date.now() - this.lastFrameAt > SILENCE_MS) {
        // Half-open link: nothing came back for too long. Start over.
        const ws = this.ws;
        this.ws = null;
        ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
        try { ws.close(); } catch { /* ignore */ }
        this.stopPing();
        this.scheduleReconnect();
        return;
      }
      this.send({ type: 'ping' });
    }, PING_MS);
  }

  stopPing() {
    clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  /** Sends a frame when the socket is open; returns whether it went out. */
  send(frame) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    try {
      this.ws.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }
}
