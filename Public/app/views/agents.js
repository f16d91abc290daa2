// Agents: list, create, edit, reset password, deactivate / reactivate.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, errorText } from '../i18n.js';
import { user, isOwner } from '../session.js';
import { roleLabel, assignableRoles } from '../format.js';
import {
  field, select, showFormError, clearFormErrors, busy, toast, confirmDialog,
  pageHeader, card, emptyRow, statusPill, loadingBlock, loadError,
} from '../ui.js';

function roleOptions(includeRole) {
  const roles = assignableRoles(user().role);
  if (includeRole && !roles.includes(includeRole)) roles.push(includeRole);
  return roles.map((r) => ({ value: r, label: roleLabel(r) }));
}

function inboxChecks(inboxes, chosen, prefix) {
  const usable = inboxes.filter((i) => i.active || chosen.includes(i.id));
  if (!usable.length) return h('p', { class: 'muted' }, t('accounts.agents.noInboxes'));
  return h('div', { class: 'checks', 'data-testid': `${prefix}-inboxes` },
    usable.map((inbox) => h('label', { class: 'check' },
      h('input', {
        type: 'checkbox', name: 'inboxIds', value: inbox.id, checked: chosen.includes(inbox.id),
        'data-inbox-name': inbox.name,
      }),
      h('span', null, inbox.name))));
}

function checkedInboxes(form) {
  return Array.from(form.querySelectorAll('input[name="inboxIds"]:checked')).map((el) => el.value);
}

function sameSet(a, b) {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((x) => set.has(x));
}

function parseNumber(raw) {
  const text = String(raw).trim();
  if (!text) return null;
  const n = Number(text);
  return Number.isInteger(n) ? n : NaN;
}

function createForm(inboxes, onCreated) {
  const email = h('input', { type: 'email', name: 'email', 'data-testid': 'agent-email', required: true, autocomplete: 'off', placeholder: t('accounts.agents.emailPlaceholder') });
  const password = h('input', { type: 'password', name: 'password', 'data-testid': 'agent-password', required: true, autocomplete: 'new-password' });
  const name = h('input', { type: 'text', name: 'displayName', 'data-testid': 'agent-display-name', required: true, maxlength: '80', placeholder: t('accounts.agents.displayNamePlaceholder') });
  const number = h('input', { type: 'number', name: 'agentNumber', 'data-testid': 'agent-number', min: '1', max: '9999', step: '1', placeholder: t('accounts.agents.numberPlaceholder') });
  const role = select('role', roleOptions(), 'agent', { 'data-testid': 'agent-role' });
  const form = h('form', { class: 'form form-grid', id: 'agent-create-form', 'data-testid': 'agent-create-form', novalidate: true },
    field(t('accounts.agents.email'), email),
    field(t('accounts.agents.password'), password, { hint: t('auth.account.passwordRules') }),
    field(t('accounts.agents.displayName'), name),
    field(t('accounts.agents.number'), number, { hint: t('accounts.agents.numberHint') }),
    field(t('accounts.agents.role'), role),
    h('fieldset', { class: 'field field-wide' },
      h('legend', null, t('accounts.agents.inboxes')),
      inboxChecks(inboxes, [], 'agent-create')),
    h('div', { class: 'form-actions field-wide' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'agent-create-submit' }, t('accounts.agents.create'))));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    const body = {
      email: email.value.trim(),
      password: password.value,
      displayName: name.value.trim(),
      role: role.value,
      inboxIds: checkedInboxes(form),
    };
    const n = parseNumber(number.value);
    if (Number.isNaN(n)) {
      showFormError(form, { message: t('accounts.agents.numberInvalid'), field: 'agentNumber' });
      return;
    }
    if (n !== null) body.agentNumber = n;
    await busy(form, async () => {
      try {
        const created = await api.post('/api/v1/agents', body);
        form.reset();
        toast(t('accounts.agents.created', { name: created.displayName, number: created.agentNumber }));
        onCreated(created);
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  return form;
}

function editForm(agent, inboxes, onSaved, onCancel) {
  const name = h('input', { type: 'text', name: 'displayName', 'data-testid': 'edit-display-name', value: agent.displayName, required: true, maxlength: '80' });
  const number = h('input', { type: 'number', name: 'agentNumber', 'data-testid': 'edit-number', value: agent.agentNumber ?? '', min: '1', max: '9999', step: '1' });
  const self = agent.id === user().id;
  const lockedRole = self || (agent.role === 'owner' && !isOwner());
  const role = select('role', roleOptions(agent.role), agent.role, { 'data-testid': 'edit-role', disabled: lockedRole });
  const password = h('input', { type: 'password', name: 'password', 'data-testid': 'edit-password', autocomplete: 'new-password', placeholder: t('accounts.agents.resetPasswordPlaceholder') });
  const form = h('form', { class: 'form form-grid', 'data-testid': 'agent-edit-form', novalidate: true },
    field(t('accounts.agents.displayName'), name),
    field(t('accounts.agents.number'), number),
    field(t('accounts.agents.role'), role, { hint: lockedRole ? t('accounts.agents.roleLocked') : null }),
    field(t('accounts.agents.resetPassword'), password, { hint: t('accounts.agents.resetPasswordHint') }),
    h('fieldset', { class: 'field field-wide' },
      h('legend', null, t('accounts.agents.inboxes')),
      inboxChecks(inboxes, agent.inboxIds || [], 'agent-edit')),
    h('div', { class: 'form-actions field-wide' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'agent-edit-save' }, t('app.common.save')),
      h('button', { type: 'button', class: 'btn', 'data-testid': 'agent-edit-cancel', onclick: onCancel }, t('app.common.cancel'))));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    const body = {};
    if (name.value.trim() !== agent.displayName) body.displayName = name.value.trim();
    const n = parseNumber(number.value);
    if (Number.isNaN(n) || (n === null && agent.agentNumber !== null && agent.agentNumber !== undefined)) {
      showFormError(form, { message: t('accounts.agents.numberInvalid'), field: 'agentNumber' });
      return;
    }
    if (n !== null && n !== agent.agentNumber) body.agentNumber = n;
    if (!lockedRole && role.value !== agent.role) body.role = role.value;
    const ids = checkedInboxes(form);
    if (!sameSet(ids, agent.inboxIds || [])) body.inboxIds = ids;
    if (password.value) body.password = password.value;
    if (!Object.keys(body).length) {
      onCancel();
      return;
    }
    await busy(form, async () => {
      try {
        const saved = await api.patch(`/api/v1/agents/${encodeURIComponent(agent.id)}`, body);
        toast(body.password ? t('accounts.agents.savedWithPassword', { name: saved.displayName }) : t('accounts.agents.saved', { name: saved.displayName }));
        onSaved(saved);
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  return form;
}

export async function render(container, ctx) {
  const state = { agents: [], inboxes: [], editing: null, showCreate: false };
  const body = h('div', { class: 'stack' }, loadingBlock());
  const createCard = h('div', { hidden: true, 'data-testid': 'agent-create-card' });
  const toggleCreate = h('button', {
    type: 'button', class: 'btn btn-primary', id: 'agent-create-open', 'data-testid': 'agent-create-open',
    onclick: () => {
      state.showCreate = !state.showCreate;
      createCard.hidden = !state.showCreate;
      toggleCreate.setAttribute('aria-expanded', String(state.showCreate));
      if (state.showCreate) {
        const first = createCard.querySelector('input');
        if (first) first.focus();
      }
    },
    'aria-expanded': 'false',
  }, t('accounts.agents.add'));

  container.append(pageHeader(t('accounts.agents.title'), t('accounts.agents.subtitle'), toggleCreate), createCard, body);

  async function load() {
    const [agents, inboxes] = await Promise.all([api.get('/api/v1/agents'), api.get('/api/v1/inboxes')]);
    state.agents = (agents && agents.items) || [];
    state.inboxes = (inboxes && inboxes.items) || [];
    state.agents.sort((a, b) => (a.agentNumber ?? 1e9) - (b.agentNumber ?? 1e9));
  }

  function inboxNames(agent) {
    const byId = new Map(state.inboxes.map((i) => [i.id, i.name]));
    return (agent.inboxIds || []).map((id) => byId.get(id)).filter(Boolean);
  }

  async function toggleActive(agent) {
    const deactivate = agent.active;
    const ok = await confirmDialog(
      deactivate ? t('accounts.agents.confirmDeactivate', { name: agent.displayName }) : t('accounts.agents.confirmReactivate', { name: agent.displayName }),
      { confirmLabel: deactivate ? t('accounts.agents.deactivate') : t('accounts.agents.reactivate'), danger: deactivate });
    if (!ok) return;
    try {
      const saved = await api.patch(`/api/v1/agents/${encodeURIComponent(agent.id)}`, { active: !deactivate });
      toast(deactivate ? t('accounts.agents.deactivated', { name: saved.displayName }) : t('accounts.agents.reactivated', { name: saved.displayName }));
      await refresh();
    } catch (error) {
      toast(errorText(error), 'error');
    }
  }

  function table() {
    const me = user();
    const rows = [];
    for (const agent of state.agents) {
      const names = inboxNames(agent);
      const canEdit = agent.role !== 'owner' || isOwner();
      rows.push(h('tr', {
        class: [!agent.active && 'row-inactive', state.editing === agent.id && 'row-editing'],
        'data-testid': 'agent-row', 'data-agent-id': agent.id, 'data-agent-number': agent.agentNumber ?? '',
      },
      h('td', { class: 'num', 'data-label': t('accounts.agents.number') }, agent.agentNumber ?? '—'),
      h('td', { 'data-label': t('accounts.agents.displayName') },
        h('span', { class: 'cell-strong' }, agent.displayName),
        agent.id === me.id ? h('span', { class: 'tag tag-self' }, t('accounts.agents.you')) : null),
      h('td', { 'data-label': t('accounts.agents.email') }, agent.email),
      h('td', { 'data-label': t('accounts.agents.role') }, h('span', { class: ['role-pill', `role-${agent.role}`] }, roleLabel(agent.role))),
      h('td', { 'data-label': t('accounts.agents.inboxes') }, names.length ? names.map((n) => h('span', { class: 'tag' }, n)) : h('span', { class: 'muted' }, '—')),
      h('td', { 'data-label': t('accounts.agents.status') }, statusPill(agent.active)),
      h('td', { class: 'actions' },
        canEdit ? h('button', {
          type: 'button', class: 'btn btn-small', 'data-testid': 'agent-edit',
          onclick: () => { state.editing = state.editing === agent.id ? null : agent.id; draw(); },
        }, t('app.common.edit')) : null,
        canEdit && agent.id !== me.id ? h('button', {
          type: 'button', class: ['btn', 'btn-small', agent.active ? 'btn-danger-ghost' : ''], 'data-testid': agent.active ? 'agent-deactivate' : 'agent-reactivate',
          onclick: () => toggleActive(agent),
        }, agent.active ? t('accounts.agents.deactivate') : t('accounts.agents.reactivate')) : null)));
      if (state.editing === agent.id) {
        rows.push(h('tr', { class: 'edit-row', 'data-testid': 'agent-edit-row' },
          h('td', { colspan: '7' },
            editForm(agent, state.inboxes, async () => { state.editing = null; await refresh(); }, () => { state.editing = null; draw(); }))));
      }
    }
    if (!rows.length) rows.push(emptyRow(7, t('accounts.agents.empty')));
    return h('div', { class: 'table-wrap' },
      h('table', { class: 'table', id: 'agents-table', 'data-testid': 'agents-table' },
        h('thead', null, h('tr', null,
          h('th', { class: 'num' }, t('accounts.agents.number')),
          h('th', null, t('accounts.agents.displayName')),
          h('th', null, t('accounts.agents.email')),
          h('th', null, t('accounts.agents.role')),
          h('th', null, t('accounts.agents.inboxes')),
          h('th', null, t('accounts.agents.status')),
          h('th', { class: 'actions' }, t('app.common.actions')))),
        h('tbody', null, rows)));
  }

  function draw() {
    if (!ctx.isCurrent()) return;
    body.replaceChildren(card(t('accounts.agents.listTitle', { count: state.agents.length }), table()));
  }

  function drawCreate() {
    createCard.replaceChildren(card(t('accounts.agents.createTitle'), createForm(state.inboxes, async () => {
      state.showCreate = false;
      createCard.hidden = true;
      toggleCreate.setAttribute('aria-expanded', 'false');
      await refresh();
    })));
  }

  async function refresh() {
    try {
      await load();
      draw();
      if (createCard.hidden || !createCard.firstChild) drawCreate();
    } catch (error) {
      body.replaceChildren(loadError(error, refresh));
    }
  }

  await refresh();
}
