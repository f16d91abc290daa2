// The "new ticket" dialog of the tickets page: a ticket filed by hand (a phone call, an e-mail,
// a message on social media): subject, where it came from, the inbox (an agent: one of theirs,
// or none when they take it themselves), type, priority, urgency, the shop's required fields
// and a description (the first entry of the timeline, a private note), and the customer, found by
// name, phone, e-mail or platform id.
// API: POST /api/v1/tickets, GET /api/v1/contacts?q=.
import { api, query } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { user } from '../session.js';
import { field, formDialog, select, liveSearch } from '../ui.js';
import {
  MANUAL_SOURCES, PRIORITIES, URGENCIES, sourceLabel, priorityLabel, urgencyLabel, typeOptions, myInboxes,
} from './shared.js';
import { customFieldInput, customFieldValue } from './fields.js';

const MAX_SUBJECT = 200;

/** Opens the dialog; resolves the created Ticket, or null when cancelled. */
export function openNewTicket({ settings, directory }) {
  const me = user();
  const inboxes = myInboxes(directory);
  const subject = h('input', { type: 'text', name: 'subject', maxlength: String(MAX_SUBJECT), 'data-testid': 'ticket-new-subject', required: true });
  const source = select('source', MANUAL_SOURCES.map((s) => ({ value: s, label: sourceLabel(s) })), 'phone', { 'data-testid': 'ticket-new-source' });
  const inbox = select('inboxId', [{ value: '', label: t('tickets.form.noInbox') }]
    .concat(inboxes.map((i) => ({ value: i.id, label: i.name }))), inboxes.length ? inboxes[0].id : '', { 'data-testid': 'ticket-new-inbox' });
  const type = select('type', typeOptions(settings), 'question', { 'data-testid': 'ticket-new-type' });
  const priority = select('priority', PRIORITIES.map((p) => ({ value: p, label: priorityLabel(p) })), 'normal', { 'data-testid': 'ticket-new-priority' });
  const urgency = select('urgency', URGENCIES.map((u) => ({ value: u, label: urgencyLabel(u) })), 'normal', { 'data-testid': 'ticket-new-urgency' });
  const assignMe = h('input', { type: 'checkbox', name: 'assigneeId', checked: true, 'data-testid': 'ticket-new-assign-me' });
  const description = h('textarea', {
    name: 'description', rows: '4', maxlength: '5000', 'data-testid': 'ticket-new-description', placeholder: t('tickets.form.descriptionPlaceholder'),
  });
  // The customer: a search box, its hits as buttons, the chosen one as a chip that can be cleared.
  let customer = null;
  const customerInput = h('input', {
    type: 'search', name: 'contactId', autocomplete: 'off', maxlength: '100', 'data-testid': 'ticket-new-customer',
    placeholder: t('tickets.form.customerPlaceholder'),
  });
  const customerHits = h('div', { class: 'tk-customer-hits', 'data-testid': 'ticket-new-customer-hits' });
  const customerChosen = h('div', { class: 'tk-customer-chosen', 'data-testid': 'ticket-new-customer-chosen', hidden: true });
  const describe = (c) => [c.name, c.phone, c.email, c.externalId].filter(Boolean).join(' · ') || c.id;
  function choose(c) {
    customer = c;
    customerHits.replaceChildren();
    customerInput.value = '';
    customerInput.hidden = Boolean(c);
    customerChosen.hidden = !c;
    customerChosen.replaceChildren(...(c ? [
      h('span', { class: 'tk-customer-name' }, describe(c)),
      h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'ticket-new-customer-clear', onclick: () => { choose(null); customerInput.focus(); } },
        t('tickets.form.customerChange')),
    ] : []));
  }
  liveSearch(customerInput, {
    search: async (q) => ((await api.get(`/api/v1/contacts${query({ q, limit: 8 })}`)) || {}).items || [],
    render: (view) => {
      if (!view.q) { customerHits.replaceChildren(); return; }
      if (view.searching && !view.result) { customerHits.replaceChildren(h('div', { class: 'muted' }, t('tickets.form.customerSearching'))); return; }
      if (view.error) { customerHits.replaceChildren(h('div', { class: 'form-error' }, view.error.message || t('tickets.form.customerNone'))); return; }
      const hits = view.result || [];
      customerHits.replaceChildren(...(hits.length ? hits.map((c) => h('button', {
        type: 'button', class: 'tk-customer-hit', 'data-testid': 'ticket-new-customer-hit', 'data-contact-id': c.id, onclick: () => choose(c),
      }, describe(c))) : [h('div', { class: 'muted' }, t('tickets.form.customerNone'))]));
    },
  });
  const required = ((settings && settings.fields) || []).filter((f) => f.required);
  const customInputs = required.map((definition) => ({ definition, input: customFieldInput(definition, '', `ticket-new-field-${definition.key}`) }));

  return formDialog({
    title: t('tickets.form.newTitle'),
    testid: 'ticket-new-dialog',
    className: 'tk-new-dialog',
    formClass: 'tk-new-form',
    submitLabel: t('tickets.form.create'),
    submitTestid: 'ticket-new-submit',
    focus: subject,
    body: [
      field(t('tickets.field.subject'), subject, { wide: true }),
      field(t('tickets.form.customer'), h('div', { class: 'tk-customer' }, customerInput, customerChosen, customerHits),
        { hint: t('tickets.form.customerHint'), wide: true }),
      h('div', { class: 'form-grid tk-new-grid' },
        field(t('tickets.field.source'), source),
        field(t('tickets.field.inbox'), inbox),
        field(t('tickets.field.type'), type),
        field(t('tickets.field.priority'), priority),
        field(t('tickets.field.urgency'), urgency),
        customInputs.map(({ definition, input }) => field(definition.label, input))),
      h('label', { class: 'check tk-new-assign' }, assignMe, h('span', null, t('tickets.form.assignMe'))),
      field(t('tickets.form.description'), description, { hint: t('tickets.form.descriptionHint'), wide: true }),
    ],
    onSubmit: async ({ close }) => {
      const text = subject.value.trim();
      if (!text) throw { message: t('tickets.form.subjectRequired'), field: 'subject' };
      if (!inbox.value && !assignMe.checked) throw { message: t('tickets.form.inboxOrMe'), field: 'inboxId' };
      const body = {
        subject: text, source: source.value, type: type.value, priority: priority.value, urgency: urgency.value,
      };
      if (inbox.value) body.inboxId = inbox.value;
      if (customer) body.contactId = customer.id;
      if (assignMe.checked && me) body.assigneeId = me.id;
      if (description.value.trim()) body.description = description.value.trim();
      const fields = {};
      for (const { definition, input } of customInputs) {
        const value = customFieldValue(input);
        if (!value) throw { message: t('tickets.form.fieldRequired', { field: definition.label }), field: input.name };
        fields[definition.key] = value;
      }
      if (Object.keys(fields).length) body.fields = fields;
      close(await api.post('/api/v1/tickets', body));
    },
  });
}
