// The SLA tab beside a conversation: the chat's SLA policy, its clocks with their countdowns
// and the SLA log, drawn by the ticket page's renderer (sla/panel.js). Its badge counts the
// clocks already late and not yet met, highlighted. It looks again every 30 s and on the
// server's sla.alert frames for this chat (both in sla/panel.js), and a moment after the chat
// changes (conversation.updated) or a message in it arrives (a reply meets the first-reply
// clock, the customer's message starts the next-reply one).
// API: GET /api/v1/conversations/{id}/sla.
import { t } from '../i18n.js';
import { registerPanel } from '../chat/panels.js';
import { createSlaPanel, isOpenBreach } from './panel.js';
import { idKey, metricLabel } from './shared.js';

registerPanel({
  id: 'sla',
  order: 30,
  label: () => t('sla.side.tab'),
  testid: 'side-tab-sla',
  create: ({ conversation, socket }) => {
    const id = conversation.id;
    const listeners = new Set();
    let summary = null;

    const panel = createSlaPanel({
      type: 'conversation',
      id,
      tab: true,
      onStatus: (status) => {
        const late = ((status && status.clocks) || []).filter(isOpenBreach);
        summary = {
          count: late.length,
          due: late.length > 0,
          title: late.length ? t('sla.side.badgeTitle', { metrics: late.map((c) => metricLabel(c.metric)).join(t('sla.listSeparator')) }) : '',
        };
        for (const fn of listeners) fn(summary);
      },
    });

    const mine = (frame) => {
      const c = frame && (frame.conversation || frame.message);
      const of = (frame && frame.conversationId) || (c && (c.conversationId || (frame.conversation && c.id)));
      return idKey(of) === idKey(id);
    };
    const offs = socket ? [
      socket.on('conversation.updated', (frame) => { if (mine(frame)) panel.refreshSoon(); }),
      socket.on('message', (frame) => { if (mine(frame)) panel.refreshSoon(); }),
      socket.on('status', ({ state, reconnected }) => { if (state === 'open' && reconnected) panel.refresh(); }),
    ] : [];

    return {
      el: panel.el,
      onSummary(fn) {
        listeners.add(fn);
        if (summary) fn(summary);
        return () => listeners.delete(fn);
      },
      destroy() {
        for (const off of offs) if (typeof off === 'function') off();
        listeners.clear();
        panel.destroy();
      },
    };
  },
});
