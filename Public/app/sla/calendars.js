// The SLA page's calendars (supervisors and above change them): each a name and business hours
// (time zone, weekly ranges such as 09:00–12:00 and 13:00–18:00, holidays and special working
// days), edited with the business-hours editor of the inboxes (inboxes/hours.js). A policy
// counts its targets on one of them, or around the clock; an inbox may keep its hours by one
// (an edit here reaches it too). A calendar a policy or an inbox uses cannot be deleted (the
// server says which).
// API: GET/POST /api/v1/sla/calendars, PUT/DELETE /api/v1/sla/calendars/{id}.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, errorText, errorDetail } from '../i18n.js';
import { field, clearFormErrors, showFormError, busy, editableList } from '../ui.js';
import { hoursSchedule, hoursSummary, showHoursError, DEFAULT_TIME_ZONE } from '../inboxes/hours.js';
import { slaErrorText } from './shared.js';

const MAX_NAME = 60;

const WORKDAY_LABELS = {
  title: () => t('sla.calendar.workdays'),
  hint: () => t('sla.calendar.workdaysHint'),
  date: () => t('sla.calendar.workdayDate'),
  add: () => t('sla.calendar.workdayAdd'),
  remove: (date) => t('sla.calendar.workdayRemove', { date }),
  missing: () => t('sla.calendar.workdayMissing'),
  duplicate: (date) => t('sla.calendar.workdayDuplicate', { date }),
  holiday: (date) => t('sla.calendar.workdayHoliday', { date }),
  noRanges: (date) => t('sla.calendar.workdayNoRanges', { date }),
};

/** "Mon–Sun 09:00–12:00, 13:00–24:00 · 1 holiday · 1 working day · Asia/Tokyo". */
export function calendarSummary(calendar) {
  const hours = calendar && calendar.hours;
  if (!hours) return '';
  const parts = [hoursSummary(hours)];
  const workdays = Array.isArray(hours.workdays) ? hours.workdays.length : 0;
  if (workdays) parts.push(t('sla.calendar.workdayCount', { count: workdays }));
  if (hours.timeZone && hours.timeZone !== DEFAULT_TIME_ZONE) parts.push(hours.timeZone);
  return parts.join(' \u00b7 ');
}

/**
 * notify(text, kind): tells how an action went; onChanged(): a calendar was created, renamed
 * or deleted (the policies show its name); policyName(id): a policy's name; inboxesOf(id): the
 * inboxes keeping their hours by calendar `id`. Returns {el, count, newButton,
 * setCalendars(items), calendars(), draw(), isDirty(), destroy()}.
 */
export function createCalendarSection({ notify, onChanged, policyName, inboxesOf = () => [] }) {
  const host = h('div', { class: 'sla-list-host' });
  const count = h('span', { class: 'pill sla-count-pill', 'data-testid': 'sla-calendars-count' });
  const newButton = h('button', {
    type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'sla-calendar-new', onclick: () => list.startEdit('new'),
  }, t('sla.calendar.new'));
  // The open form survives redraws (a policy saved elsewhere reloads the calendars).
  let open = null;

  function calendarForm(calendar, handlers) {
    const key = calendar ? calendar.id : 'new';
    if (open && open.key === key) return open.form;
    const name = h('input', {
      type: 'text', name: 'name', maxlength: String(MAX_NAME), value: calendar ? calendar.name : '', autocomplete: 'off',
      'data-testid': 'sla-calendar-name-input', placeholder: t('sla.calendar.namePlaceholder'),
    });
    const schedule = hoursSchedule({ hours: calendar ? calendar.hours : null, id: calendar ? calendar.id : 'sla-new', field: 'hours', workdays: WORKDAY_LABELS });
    const errorBox = h('div', { class: 'form-error hours-error', role: 'alert', 'data-testid': 'sla-calendar-error', hidden: true });
    const users = calendar ? (calendar.policyIds || []) : [];
    const inboxes = calendar ? inboxesOf(calendar.id) : [];
    const names = users.map(policyName).filter(Boolean).concat(inboxes.map((i) => i.name));
    const close = () => { open = null; };
    const form = h('form', { class: 'form hours-editor sla-calendar-form', 'data-testid': 'sla-calendar-form', novalidate: true },
      field(t('sla.calendar.name'), name),
      schedule.el,
      errorBox,
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'sla-calendar-save' }, calendar ? t('app.common.save') : t('sla.calendar.create')),
        h('button', { type: 'button', class: 'btn', 'data-testid': 'sla-calendar-cancel', onclick: () => { close(); handlers.cancel(); } }, t('app.common.cancel')),
        calendar ? h('span', { class: 'sla-foot-spacer' }) : null,
        calendar && (users.length || inboxes.length) ? h('span', { class: 'field-hint sla-in-use', 'data-testid': 'sla-calendar-in-use' },
          t('sla.calendar.inUse', { names: names.join(t('sla.listSeparator')) || users.length })) : null,
        calendar ? h('button', {
          type: 'button', class: 'btn btn-danger-ghost', 'data-testid': 'sla-calendar-delete', disabled: users.length + inboxes.length > 0,
          title: users.length + inboxes.length ? t('sla.calendar.inUseHint') : null, onclick: () => handlers.remove(),
        }, t('sla.calendar.delete')) : null));

    function clearErrors() {
      clearFormErrors(form);
      errorBox.replaceChildren();
      errorBox.hidden = true;
    }

    /** An error about the hours goes beside the save button, with the control it names marked. */
    function hoursError(text, detail, control) {
      showHoursError(errorBox, text, detail, control);
    }

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors();
      if (!name.value.trim()) {
        showFormError(form, { message: t('sla.calendar.nameMissing'), field: 'name' });
        return;
      }
      const result = schedule.payload();
      if (!result.hours) {
        hoursError(result.message, '', result.control);
        return;
      }
      const body = { name: name.value.trim(), hours: result.hours };
      await busy(form, async () => {
        try {
          const answer = calendar
            ? await api.put(`/api/v1/sla/calendars/${encodeURIComponent(calendar.id)}`, body)
            : await api.post('/api/v1/sla/calendars', body);
          close();
          handlers.saved(answer);
          notify(calendar ? t('sla.calendar.saved', { name: answer.name }) : t('sla.calendar.created', { name: answer.name }));
          onChanged();
        } catch (error) {
          if (!form.isConnected) return;
          if (error.field === 'hours') hoursError(errorText(error), errorDetail(error), schedule.controlFor(error.serverMessage));
          else showFormError(form, error);
        }
      });
    });

    const snapshot = () => JSON.stringify([name.value, schedule.snapshot()]);
    const initial = snapshot();
    open = { key, form: { el: form, isDirty: () => snapshot() !== initial, focus: () => name.focus() } };
    return open.form;
  }

  function calendarRow(calendar, { edit }) {
    const users = calendar.policyIds || [];
    const inboxes = inboxesOf(calendar.id);
    return [
      h('div', { class: 'sla-row-main' },
        h('div', { class: 'sla-row-top' },
          h('strong', { class: 'sla-row-name', 'data-testid': 'sla-calendar-name' }, calendar.name)),
        h('div', { class: 'sla-calendar-summary', 'data-testid': 'sla-calendar-summary', title: t('routing.hours.timeZoneOf', { zone: calendar.hours.timeZone }) },
          calendarSummary(calendar)),
        h('div', { class: 'sla-row-meta muted', 'data-testid': 'sla-calendar-usage' },
          users.length ? t('sla.calendar.usedBy', { count: users.length }) : t('sla.calendar.unused'),
          inboxes.length ? [' \u00b7 ', t('sla.calendar.inboxes', { names: inboxes.map((i) => i.name).join(t('sla.listSeparator')) })] : null)),
      h('div', { class: 'sla-row-side' },
        h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'sla-calendar-edit', onclick: edit }, t('app.common.edit'))),
    ];
  }

  const list = editableList({
    host, count, newButton,
    listClass: 'sla-list', listTestid: 'sla-calendars', rowClass: 'sla-row', rowTestid: 'sla-calendar-row', newRowTestid: 'sla-calendar-new-row',
    formTitle: { tag: 'h3', className: 'sla-form-title', edit: () => t('sla.calendar.editTitle'), create: () => t('sla.calendar.newTitle') },
    empty: { className: 'sla-empty-state', testid: 'sla-calendars-empty', text: () => t('sla.calendar.empty'), hint: () => t('sla.calendar.emptyHint') },
    sort: (items) => items.slice().sort((a, b) => String(a.name).localeCompare(String(b.name))),
    renderRow: calendarRow,
    renderForm: calendarForm,
    discard: { question: () => t('sla.discardConfirm'), confirmLabel: () => t('sla.discard') },
    removal: {
      question: (calendar) => t('sla.calendar.deleteConfirm', { name: calendar.name }),
      confirmLabel: () => t('sla.calendar.delete'),
      request: async (calendar) => {
        open = null;
        try {
          await api.del(`/api/v1/sla/calendars/${encodeURIComponent(calendar.id)}`);
        } catch (error) {
          // The server names the policies that still use it: say it in full.
          notify(slaErrorText(error), 'error');
          throw error;
        }
      },
      done: (calendar) => { notify(t('sla.calendar.deleted', { name: calendar.name })); onChanged(); },
    },
    toggle: { request: async () => null, done: () => {} },
    // A failed deletion was told above, with the server's words.
    notify: (text, kind) => { if (kind !== 'error') notify(text, kind); },
  });

  return {
    el: host,
    count,
    newButton,
    setCalendars: (items) => list.setRules(items),
    calendars: () => list.rules(),
    draw: () => list.draw(),
    isDirty: () => list.isDirty(),
    destroy: () => list.destroy(),
  };
}
