// The right column of a ticket's page: its properties (status limited to the moves the ticket
// allows, type, priority, urgency, inbox, assignee, tags), the shop's own fields, what is
// linked (conversations, orders, and a box to link an order by its platform id) and the
// ticket's dates. Every change is saved at once (PATCH); a closed ticket is read only.
// `extra` (the SLA section, sla/panel.js) keeps its own content and sits below the properties.
import { h, mount } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { user } from '../session.js';
import { agentLabel } from '../chat/format.js';
import { formatMoney, orderStatusChip } from '../orders/shared.js';
import {
  PRIORITIES, URGENCIES, statusLabel, priorityLabel, urgencyLabel, sourceLabel, typeOptions, myInboxes,
  assignableMembers, sameId, isMe, inboxName,
} from './shared.js';
import { customFieldInput, customFieldValue } from './fields.js';

const MAX_TAG = 40;

function prop(labelText, control, testid = null) {
  return h('div', { class: 'tk-prop', 'data-testid': testid },
    h('label', { class: 'tk-prop-label', for: control.id || null }, labelText),
    control);
}

let seq = 0;
function selectControl(name, options, value, { disabled, testid, onchange }) {
  seq += 1;
  return h('select', {
    id: `tk-prop-${name}-${seq}`, name, class: ['tk-prop-select', `tk-prop-${name}`], 'data-testid': testid, disabled,
    'data-value': value || '', onchange: (event) => onchange(event.target.value),
  }, options.map((o) => h('option', { value: o.value, selected: o.value === (value || '') }, o.label)));
}

function fact(labelText, iso, testid) {
  if (!iso) return null;
  return h('div', { class: 'side-row' }, h('dt', null, labelText),
    h('dd', { 'data-testid': testid }, h('time', { datetime: iso }, formatDateTime(iso))));
}

/**
 * onPatch(body) saves a change (a Promise); onLink({orderId}) links an order (a Promise);
 * extra: an element shown below the properties, drawn by its owner.
 * Returns {el, update(ticket, settings, directory)}.
 */
export function createTicketProps({ onPatch, onLink, extra = null }) {
  const el = h('aside', { class: 'tk-props', 'data-testid': 'ticket-props', 'aria-label': t('tickets.props.title') });
  let ticket = null;
  let settings = null;
  let directory = null;
  let orderDraft = '';

  function readOnly() {
    return !ticket || ticket.status === 'closed';
  }

  function save(body) {
    return onPatch(body).catch(() => draw()); // refused: show the saved values again
  }

  // ---- properties ----
  function statusSelect() {
    const choices = [ticket.status].concat((ticket.nextStatuses || []).filter((s) => s !== ticket.status));
    return selectControl('status', choices.map((s) => ({ value: s, label: statusLabel(s) })), ticket.status, {
      testid: 'ticket-prop-status', disabled: readOnly() || choices.length < 2, onchange: (status) => save({ status }),
    });
  }

  function assigneeSelect() {
    const me = user();
    const current = ticket.assignee ? ticket.assignee.id : '';
    const members = assignableMembers(directory, ticket.inboxId, current || null);
    const options = [{ value: '', label: t('tickets.unassigned') }].concat(members.map((a) => ({
      value: a.id, label: me && sameId(a.id, me.id) ? t('tickets.props.me', { name: agentLabel(a) }) : agentLabel(a),
    })));
    if (current && !members.some((a) => sameId(a.id, current))) options.push({ value: current, label: ticket.assignee.name });
    const value = (options.find((o) => sameId(o.value, current)) || { value: '' }).value;
    return selectControl('assignee', options, value, {
      testid: 'ticket-prop-assignee', disabled: readOnly(), onchange: (id) => save({ assigneeId: id || null }),
    });
  }

  function inboxSelect() {
    const options = [{ value: '', label: t('tickets.props.noInbox') }].concat(myInboxes(directory).map((i) => ({ value: i.id, label: i.name })));
    const current = ticket.inboxId || '';
    if (current && !options.some((o) => sameId(o.value, current))) {
      options.push({ value: current, label: inboxName(current, directory) || t('tickets.change.someInbox') });
    }
    const value = (options.find((o) => sameId(o.value, current)) || { value: '' }).value;
    return selectControl('inbox', options, value, {
      testid: 'ticket-prop-inbox', disabled: readOnly(), onchange: (id) => save({ inboxId: id || null }),
    });
  }

  function tagEditor() {
    const tags = ticket.tags || [];
    const input = h('input', {
      type: 'text', class: 'tk-tag-input', 'data-testid': 'ticket-tag-input', maxlength: String(MAX_TAG),
      placeholder: t('tickets.props.addTag'), 'aria-label': t('tickets.props.addTag'), disabled: readOnly(),
    });
    const add = () => {
      const words = input.value.split(/[,\s]+/).map((w) => w.trim()).filter(Boolean);
      const next = tags.concat(words.filter((w) => !tags.includes(w)));
      input.value = '';
      if (next.length !== tags.length) save({ tags: next });
    };
    input.addEventListener('keydown', (event) => {
      if ((event.key === 'Enter' || event.key === ',') && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        add();
      } else if (event.key === 'Backspace' && !input.value && tags.length) {
        save({ tags: tags.slice(0, -1) });
      }
    });
    input.addEventListener('blur', () => { if (input.value.trim()) add(); });
    return h('div', { class: 'tk-tags', 'data-testid': 'ticket-tags' },
      tags.map((tag) => h('span', { class: 'tag-chip', 'data-testid': 'ticket-tag', 'data-tag': tag },
        h('span', null, tag),
        readOnly() ? null : h('button', {
          type: 'button', class: 'tag-remove', 'aria-label': t('tickets.props.removeTag', { tag }), title: t('tickets.props.removeTag', { tag }),
          onclick: () => save({ tags: tags.filter((x) => x !== tag) }),
        }, '\u00d7'))),
      readOnly() ? null : input);
  }

  function propertiesSection() {
    const me = user();
    const mine = ticket.assignee && isMe(ticket.assignee.id);
    return h('section', { class: 'tk-props-section' },
      h('h3', null, t('tickets.props.title')),
      prop(t('tickets.field.status'), statusSelect()),
      prop(t('tickets.field.type'), selectControl('type', typeOptions(settings, ticket.type), ticket.type, {
        testid: 'ticket-prop-type', disabled: readOnly(), onchange: (type) => save({ type }),
      })),
      prop(t('tickets.field.priority'), selectControl('priority', PRIORITIES.map((p) => ({ value: p, label: priorityLabel(p) })), ticket.priority, {
        testid: 'ticket-prop-priority', disabled: readOnly(), onchange: (priority) => save({ priority }),
      })),
      prop(t('tickets.field.urgency'), selectControl('urgency', URGENCIES.map((u) => ({ value: u, label: urgencyLabel(u) })), ticket.urgency, {
        testid: 'ticket-prop-urgency', disabled: readOnly(), onchange: (urgency) => save({ urgency }),
      })),
      prop(t('tickets.field.inbox'), inboxSelect()),
      h('div', { class: 'tk-prop' },
        h('div', { class: 'tk-prop-label tk-prop-label-row' },
          h('span', null, t('tickets.field.assignee')),
          !readOnly() && me && !mine ? h('button', {
            type: 'button', class: 'link-btn tk-assign-me', 'data-testid': 'ticket-assign-me', onclick: () => save({ assigneeId: me.id }),
          }, t('tickets.props.assignMe')) : null),
        assigneeSelect()),
      h('div', { class: 'tk-prop' }, h('span', { class: 'tk-prop-label' }, t('tickets.field.tags')), tagEditor()));
  }

  // ---- the shop's fields ----
  function fieldsSection() {
    const definitions = (settings && settings.fields) || [];
    if (!definitions.length) return null;
    const values = ticket.fields || {};
    return h('section', { class: 'tk-props-section', 'data-testid': 'ticket-fields' },
      h('h3', null, t('tickets.props.fields')),
      definitions.map((d) => {
        const input = customFieldInput(d, values[d.key], 'ticket-field', { class: 'tk-prop-input', disabled: readOnly() });
        seq += 1;
        input.id = `tk-field-${d.key}-${seq}`;
        input.addEventListener('change', () => {
          const value = customFieldValue(input);
          if (value === (values[d.key] || '')) return;
          save({ fields: { [d.key]: value } });
        });
        return prop(d.required ? t('tickets.props.requiredField', { field: d.label }) : d.label, input);
      }));
  }

  // ---- links ----
  function linksSection() {
    const links = ticket.links || [];
    const conversations = links.filter((l) => l.conversationId);
    const orders = links.filter((l) => l.order);
    const orderInput = h('input', {
      type: 'text', class: 'tk-link-input', 'data-testid': 'ticket-link-order-input', maxlength: '64', value: orderDraft,
      placeholder: t('tickets.props.linkOrderPlaceholder'), 'aria-label': t('tickets.props.linkOrder'),
      oninput: (event) => { orderDraft = event.target.value; },
    });
    const linkOrder = async () => {
      const orderId = orderInput.value.trim();
      if (!orderId) return;
      try {
        await onLink({ orderId });
        orderDraft = '';
      } catch {
        // The page showed the error; the id stays to be corrected.
      }
    };
    orderInput.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.isComposing && event.keyCode !== 229) { event.preventDefault(); linkOrder(); }
    });
    return h('section', { class: 'tk-props-section', 'data-testid': 'ticket-links' },
      h('h3', null, t('tickets.props.links')),
      conversations.length || orders.length ? h('ul', { class: 'tk-links' },
        conversations.map((l) => h('li', { class: 'tk-link', 'data-testid': 'ticket-link-conversation', 'data-conversation-id': l.conversationId },
          h('span', { class: 'tk-link-kind' }, t('tickets.field.conversation')),
          h('a', { href: `#/conversations/${encodeURIComponent(l.conversationId)}` }, t('tickets.props.openConversation')),
          h('time', { class: 'muted', datetime: l.createdAt, title: formatDateTime(l.createdAt) }, formatDateTime(l.createdAt)))),
        orders.map((l) => h('li', { class: 'tk-link tk-link-order', 'data-testid': 'ticket-link-order', 'data-order-id': l.order.externalId },
          h('span', { class: 'tk-link-kind' }, t('tickets.field.order')),
          h('span', { class: 'mono tk-link-number' }, l.order.number || l.order.externalId),
          orderStatusChip(l.order.status),
          h('span', { class: 'tk-link-total' }, formatMoney(l.order.total, l.order.currency))))) : h('p', { class: 'muted tk-links-empty' }, t('tickets.props.noLinks')),
      readOnly() ? null : h('div', { class: 'tk-link-form' }, orderInput,
        h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'ticket-link-order', onclick: linkOrder }, t('tickets.props.link'))));
  }

  function factsSection() {
    return h('section', { class: 'tk-props-section' },
      h('h3', null, t('tickets.props.details')),
      h('dl', { class: 'side-list tk-facts' },
        h('div', { class: 'side-row' }, h('dt', null, t('tickets.field.source')), h('dd', { 'data-testid': 'ticket-source' }, sourceLabel(ticket.source))),
        fact(t('tickets.field.createdAt'), ticket.createdAt, 'ticket-created-at'),
        fact(t('tickets.field.firstReplyAt'), ticket.firstReplyAt, 'ticket-first-reply-at'),
        fact(t('tickets.field.solvedAt'), ticket.solvedAt, 'ticket-solved-at'),
        fact(t('tickets.field.closedAt'), ticket.closedAt, 'ticket-closed-at'),
        fact(t('tickets.field.updatedAt'), ticket.updatedAt, 'ticket-updated-at')));
  }

  function draw() {
    if (!ticket) return;
    // Redrawn after each save: keep the agent's place (the field they moved to).
    const focused = el.contains(document.activeElement) ? document.activeElement : null;
    const focusKey = focused ? focused.getAttribute('data-testid') : null;
    const focusField = focused ? focused.getAttribute('data-field') : null;
    mount(el, propertiesSection(), extra, fieldsSection(), linksSection(), factsSection());
    if (focusKey) {
      const again = Array.from(el.querySelectorAll(`[data-testid="${focusKey}"]`))
        .find((node) => (node.getAttribute('data-field') || null) === focusField);
      if (again && !again.disabled) again.focus();
    }
  }

  return {
    el,
    /** True while the agent types in one of the column's boxes (a quiet look must not redraw it). */
    editing() {
      const active = document.activeElement;
      return Boolean(active) && el.contains(active) && (active.tagName === 'TEXTAREA'
        || (active.tagName === 'INPUT' && active.type !== 'checkbox'));
    },
    update(next, nextSettings, nextDirectory) {
      ticket = next;
      settings = nextSettings;
      directory = nextDirectory;
      draw();
    },
  };
}
