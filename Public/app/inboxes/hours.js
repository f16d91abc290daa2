// Business hours of an inbox: the one-line summary shown in the inboxes table and the
// editor panel (always open, or a time zone + weekly ranges + holidays), saved with
// PATCH /api/v1/inboxes/{id} {"businessHours": null | {...}}.
//
// Times are "HH:mm" wall-clock times in the chosen zone. An end not after its start runs
// past midnight; "24:00" (until midnight) is shown as 00:00 in <input type="time"> and
// sent back as "24:00", which the server treats the same.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, errorText, errorDetail, getLocale } from '../i18n.js';
import { busy, toast } from '../ui.js';

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const WEEKDAYS_AFTER_MONDAY = ['tue', 'wed', 'thu', 'fri'];
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
export const TIME_ZONES = [
  'Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Seoul', 'Asia/Tokyo', 'Asia/Singapore',
  'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'UTC',
];
const MAX_RANGES = 10;
const DEFAULT_RANGE = { start: '09:00', end: '18:00' };

// ---- time helpers -------------------------------------------------------------------------

function minutes(text) {
  const m = /^(\d{2}):(\d{2})$/.exec(text || '');
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

function clock(total) {
  const n = ((total % 1440) + 1440) % 1440;
  return `${String(Math.floor(n / 60)).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}`;
}

function dayName(day) {
  return t(`routing.hours.day.${day}`);
}

function dayShort(day) {
  return t(`routing.hours.dayShort.${day}`);
}

/** "Asia/Shanghai · China Standard Time (GMT+8)" in the interface language, or the name alone. */
function zoneLabel(zone) {
  if (zone === 'UTC') return 'UTC';
  try {
    const part = (style) => new Intl.DateTimeFormat(getLocale() || undefined, { timeZone: zone, timeZoneName: style })
      .formatToParts(new Date()).find((p) => p.type === 'timeZoneName');
    const long = part('longGeneric');
    const offset = part('shortOffset');
    if (long && offset) return `${zone} · ${long.value} (${offset.value})`;
    if (offset) return `${zone} (${offset.value})`;
  } catch {
    // An engine without the zone (or the option): the IANA name is still clear.
  }
  return zone;
}

/** Monday-first weekday key of an ISO date "YYYY-MM-DD", or null. */
function weekdayOf(date) {
  const d = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return null;
  return DAYS[(d.getUTCDay() + 6) % 7];
}

// ---- summary --------------------------------------------------------------------------------

function rangeText({ start, end }) {
  const s = minutes(start);
  const e = end === '24:00' ? 1440 : minutes(end);
  if (s === 0 && (e === 1440 || e === 0)) return t('routing.hours.allDay');
  if (e === 1440) return `${start}\u201324:00`;
  if (s !== null && e !== null && e <= s) return t('routing.hours.rangeOvernight', { start, end });
  return `${start}\u2013${end}`;
}

function sortedRanges(hours, day) {
  const ranges = (hours.weekly && Array.isArray(hours.weekly[day])) ? hours.weekly[day] : [];
  return ranges.slice().sort((a, b) => (minutes(a.start) ?? 0) - (minutes(b.start) ?? 0));
}

/**
 * The summary as pieces: strings, and {keep} pieces that should not break across lines
 * (a time range, the holiday count). Joined, they make hoursSummary().
 */
function summaryPieces(hours) {
  if (!hours) return [t('routing.hours.summaryAlwaysOpen')];
  const key = (ranges) => ranges.map((r) => `${r.start}-${r.end}`).join(',');
  const groups = [];
  for (let i = 0; i < DAYS.length;) {
    const ranges = sortedRanges(hours, DAYS[i]);
    let j = i;
    while (j + 1 < DAYS.length && key(sortedRanges(hours, DAYS[j + 1])) === key(ranges)) j += 1;
    if (ranges.length) groups.push({ from: i, to: j, ranges });
    i = j + 1;
  }
  const listSep = t('routing.hours.listSeparator');
  const pieces = [];
  const allDay = (ranges) => ranges.some((range) => rangeText(range) === t('routing.hours.allDay'));
  if (!groups.length) {
    pieces.push(t('routing.hours.summaryAllClosed'));
  } else if (groups.length === 1 && groups[0].from === 0 && groups[0].to === DAYS.length - 1 && allDay(groups[0].ranges)) {
    pieces.push(t('routing.hours.summaryAroundTheClock'));
    groups.length = 0;
  }
  groups.forEach(({ from, to, ranges }, g) => {
    if (g) pieces.push(t('routing.hours.groupSeparator'));
    let days;
    if (from === 0 && to === DAYS.length - 1) days = t('routing.hours.everyDay');
    else if (from === to) days = dayShort(DAYS[from]);
    else if (to === from + 1) days = `${dayShort(DAYS[from])}${listSep}${dayShort(DAYS[to])}`;
    else days = t('routing.hours.dayRange', { from: dayShort(DAYS[from]), to: dayShort(DAYS[to]) });
    pieces.push(`${days} `);
    ranges.forEach((range, r) => {
      if (r) pieces.push(listSep);
      pieces.push({ keep: rangeText(range) });
    });
  });
  const holidays = Array.isArray(hours.holidays) ? hours.holidays.length : 0;
  if (holidays) {
    pieces.push(' \u00b7 ', { keep: holidays === 1 ? t('routing.hours.holidayCountOne') : t('routing.hours.holidayCount', { count: holidays }) });
  }
  return pieces;
}

/** e.g. "Mon–Fri 09:00–18:00 · 2 holidays", "Always open"; product text from the catalogue. */
export function hoursSummary(hours) {
  return summaryPieces(hours).map((p) => (typeof p === 'string' ? p : p.keep)).join('');
}

/**
 * The table cell: the summary (with `action`, the button opening the editor, beside it),
 * the zone when it is not the default one, and a warning when the bot would never answer.
 */
export function hoursCell(inbox, action) {
  const hours = inbox.businessHours || null;
  return h('div', { class: 'hours-cell' },
    h('div', { class: 'hours-cell-line' },
      h('span', {
        class: ['hours-summary', !hours && 'hours-summary-always'], 'data-testid': 'hours-summary',
        title: hours ? t('routing.hours.timeZoneOf', { zone: hours.timeZone }) : null,
      }, summaryPieces(hours).map((p) => (typeof p === 'string' ? p : h('span', { class: 'hours-keep' }, p.keep)))),
      action || null),
    hours && hours.timeZone !== DEFAULT_TIME_ZONE ? h('span', { class: 'hours-zone' }, hours.timeZone) : null,
    inbox.botMode === 'outside_hours' && !hours
      ? h('span', { class: 'hours-warning', 'data-testid': 'hours-bot-hint', role: 'note', title: t('routing.hours.botNeverAnswers') },
        t('routing.hours.botNeverAnswersShort'))
      : null);
}

// ---- editor ------------------------------------------------------------------------------------

function draftFrom(hours) {
  const weekly = {};
  for (const day of DAYS) {
    const ranges = hours && hours.weekly && Array.isArray(hours.weekly[day]) ? hours.weekly[day] : [];
    // <input type="time"> cannot show 24:00; 00:00 as an end means the same (until midnight).
    weekly[day] = ranges.map((r) => ({ start: r.start, end: r.end === '24:00' ? '00:00' : r.end }));
  }
  if (!hours) {
    // A first schedule starts from the usual office week rather than from "closed all week".
    for (const day of ['mon', ...WEEKDAYS_AFTER_MONDAY]) weekly[day] = [{ ...DEFAULT_RANGE }];
  }
  return {
    timeZone: (hours && hours.timeZone) || DEFAULT_TIME_ZONE,
    weekly,
    holidays: hours && Array.isArray(hours.holidays) ? Array.from(new Set(hours.holidays)).sort() : [],
  };
}

function payloadFrom(draft) {
  const weekly = {};
  for (const day of DAYS) {
    weekly[day] = draft.weekly[day].map((r) => ({ start: r.start, end: r.end === '00:00' ? '24:00' : r.end }));
  }
  return { timeZone: draft.timeZone, weekly, holidays: draft.holidays.slice().sort() };
}

/** A new range after the day's last one: from its end, two hours long (or 09:00–18:00 first). */
function nextRange(ranges) {
  if (!ranges.length) return { ...DEFAULT_RANGE };
  const last = minutes(ranges[ranges.length - 1].end);
  if (last === null || last === 0) return { ...DEFAULT_RANGE };
  return { start: clock(last), end: clock(Math.min(last + 120, 1440)) };
}

/**
 * The editor panel for one inbox. `onDone(saved)` after a successful save, `onCancel()`.
 * Returns the element; `element.setBotMode(mode)` keeps its bot warning current.
 */
export function hoursEditor({ inbox, onDone, onCancel }) {
  const draft = draftFrom(inbox.businessHours || null);
  let botMode = inbox.botMode || 'off';

  // -- always open switch
  const always = h('input', {
    type: 'checkbox', role: 'switch', class: 'hours-switch-input', 'data-testid': 'hours-always-open',
    checked: !inbox.businessHours,
    onchange: () => syncMode(),
  });
  const modeHint = h('p', { class: 'field-hint hours-mode-hint' });
  const botWarning = h('p', { class: 'hours-warning', role: 'note', hidden: true }, t('routing.hours.botNeverAnswers'));

  // -- time zone
  const zones = TIME_ZONES.includes(draft.timeZone) ? TIME_ZONES : [draft.timeZone, ...TIME_ZONES];
  const zone = h('select', {
    name: 'timeZone', 'data-testid': 'hours-timezone', id: `hours-zone-${inbox.id}`,
    onchange: () => { draft.timeZone = zone.value; },
  }, zones.map((z) => h('option', { value: z, selected: z === draft.timeZone }, zoneLabel(z))));

  // -- weekly rows
  const dayRows = new Map();
  const days = h('div', { class: 'hours-days', role: 'list' });
  for (const day of DAYS) {
    const row = dayRow(day);
    dayRows.set(day, row);
    days.append(row);
  }

  function redrawDay(day) {
    const row = dayRow(day);
    dayRows.get(day).replaceWith(row);
    dayRows.set(day, row);
    return row;
  }

  function dayRow(day) {
    const ranges = draft.weekly[day];
    const full = ranges.length >= MAX_RANGES;
    const list = ranges.map((range, index) => {
      const start = h('input', {
        type: 'time', class: 'hours-time', 'data-testid': 'hours-range-start', required: true,
        value: range.start, 'aria-label': t('routing.hours.rangeStart', { day: dayName(day) }),
        dataset: { day, index, part: 'start' },
        oninput: () => { range.start = start.value; },
        onchange: () => { range.start = start.value; },
      });
      const end = h('input', {
        type: 'time', class: 'hours-time', 'data-testid': 'hours-range-end', required: true,
        value: range.end, 'aria-label': t('routing.hours.rangeEnd', { day: dayName(day) }),
        dataset: { day, index, part: 'end' },
        oninput: () => { range.end = end.value; },
        onchange: () => { range.end = end.value; },
      });
      return h('div', { class: 'hours-range', role: 'group' },
        start,
        h('span', { class: 'hours-dash', 'aria-hidden': 'true' }, '\u2013'),
        end,
        h('button', {
          type: 'button', class: 'btn btn-small btn-ghost hours-icon-btn', 'data-testid': 'hours-range-remove',
          'aria-label': t('routing.hours.removeRange'), title: t('routing.hours.removeRange'),
          onclick: () => {
            ranges.splice(index, 1);
            const row = redrawDay(day);
            const add = row.querySelector(`[data-testid="hours-add-${day}"]`);
            if (add) add.focus();
          },
        }, '\u00d7'));
    });
    return h('div', {
      class: ['hours-day', !ranges.length && 'hours-day-closed'], role: 'listitem',
      'data-testid': `hours-day-${day}`, 'data-day': day,
    },
    h('div', { class: 'hours-day-name' }, dayName(day)),
    h('div', { class: 'hours-ranges' },
      list.length ? list : h('span', { class: 'hours-closed' }, t('routing.hours.closed'))),
    h('div', { class: 'hours-day-actions' },
      h('button', {
        type: 'button', class: 'btn btn-small', 'data-testid': `hours-add-${day}`,
        disabled: full, title: full ? t('routing.hours.maxRanges', { count: MAX_RANGES }) : t('routing.hours.addRangeFor', { day: dayName(day) }),
        'aria-label': t('routing.hours.addRangeFor', { day: dayName(day) }),
        onclick: () => {
          if (draft.weekly[day].length >= MAX_RANGES) return;
          draft.weekly[day].push(nextRange(draft.weekly[day]));
          const row = redrawDay(day);
          const starts = row.querySelectorAll('[data-testid="hours-range-start"]');
          if (starts.length) starts[starts.length - 1].focus();
        },
      }, '+ ', t('routing.hours.addRange'))));
  }

  const copyWeekdays = h('button', {
    type: 'button', class: 'btn btn-small', 'data-testid': 'hours-copy-weekdays',
    onclick: () => {
      for (const day of WEEKDAYS_AFTER_MONDAY) {
        draft.weekly[day] = draft.weekly.mon.map((r) => ({ ...r }));
        redrawDay(day);
      }
      toast(t('routing.hours.copiedWeekdays'), 'info');
    },
  }, t('routing.hours.copyWeekdays'));

  // -- holidays
  const holidayInput = h('input', {
    type: 'date', class: 'hours-date', 'data-testid': 'hours-holiday-input', 'aria-label': t('routing.hours.holidayDate'),
    onkeydown: (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        addHoliday();
      }
    },
    oninput: () => { holidayNote.textContent = ''; },
  });
  const holidayNote = h('div', { class: 'field-error', role: 'status' });
  const chips = h('div', { class: 'hours-chips', 'data-testid': 'hours-holidays' });

  function drawHolidays() {
    chips.replaceChildren(...(draft.holidays.length
      ? draft.holidays.map((date) => {
        const wd = weekdayOf(date);
        return h('span', { class: 'hours-chip', 'data-testid': 'hours-holiday', 'data-date': date },
          h('span', { class: 'hours-chip-date' }, date),
          wd ? h('span', { class: 'hours-chip-day' }, dayShort(wd)) : null,
          h('button', {
            type: 'button', class: 'hours-chip-remove', 'data-testid': 'hours-holiday-remove',
            'aria-label': t('routing.hours.holidayRemove', { date }), title: t('routing.hours.holidayRemove', { date }),
            onclick: () => {
              draft.holidays = draft.holidays.filter((d) => d !== date);
              drawHolidays();
              holidayInput.focus();
            },
          }, '\u00d7'));
      })
      : [h('span', { class: 'muted hours-none' }, t('routing.hours.holidaysEmpty'))]));
  }

  /** Adds the picked date; false (with a note) when there is none or it is listed already. */
  function addHoliday({ quiet = false } = {}) {
    const date = holidayInput.value;
    holidayNote.textContent = '';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
      if (!quiet) {
        holidayNote.textContent = t('routing.hours.holidayMissing');
        holidayInput.focus();
      }
      return false;
    }
    if (draft.holidays.includes(date)) {
      if (!quiet) holidayNote.textContent = t('routing.hours.holidayDuplicate', { date });
      holidayInput.value = '';
      return false;
    }
    draft.holidays = [...draft.holidays, date].sort();
    holidayInput.value = '';
    drawHolidays();
    return true;
  }

  // -- error box, next to the save button
  const errorBox = h('div', { class: 'form-error hours-error', role: 'alert', 'data-testid': 'hours-error', hidden: true });

  function clearErrors() {
    errorBox.replaceChildren();
    errorBox.hidden = true;
    for (const el of form.querySelectorAll('.is-invalid')) {
      el.classList.remove('is-invalid');
      el.removeAttribute('aria-invalid');
    }
  }

  function showError(text, detail, control) {
    errorBox.replaceChildren(h('span', { class: 'form-error-text' }, text));
    if (detail) errorBox.append(h('span', { class: 'form-error-detail' }, detail));
    errorBox.hidden = false;
    if (control) {
      control.classList.add('is-invalid');
      control.setAttribute('aria-invalid', 'true');
      control.focus();
      control.scrollIntoView({ block: 'center', behavior: 'auto' });
    } else {
      errorBox.scrollIntoView({ block: 'nearest', behavior: 'auto' });
    }
  }

  /** The control a server message such as "businessHours.weekly.mon[0].end: ..." names. */
  function controlFor(message) {
    const text = String(message || '');
    let m = /businessHours\.weekly\.(mon|tue|wed|thu|fri|sat|sun)\[(\d+)\]\.(start|end)/.exec(text);
    if (m) return form.querySelector(`input[data-day="${m[1]}"][data-index="${m[2]}"][data-part="${m[3]}"]`);
    m = /businessHours\.weekly\.(mon|tue|wed|thu|fri|sat|sun)\b/.exec(text);
    if (m) return form.querySelector(`[data-testid="hours-add-${m[1]}"]`);
    if (/businessHours\.timeZone/.test(text)) return zone;
    m = /businessHours\.holidays\[(\d+)\]/.exec(text);
    if (m) return chips.querySelectorAll('.hours-chip-remove')[Number(m[1])] || holidayInput;
    return null;
  }

  /** The first incomplete range, as {day, index, input}, or null. */
  function incompleteRange() {
    for (const day of DAYS) {
      for (const [index, range] of draft.weekly[day].entries()) {
        for (const part of ['start', 'end']) {
          if (minutes(range[part]) === null) {
            return { day, index, input: form.querySelector(`input[data-day="${day}"][data-index="${index}"][data-part="${part}"]`) };
          }
        }
      }
    }
    return null;
  }

  function syncMode() {
    const on = always.checked;
    schedule.hidden = on;
    modeHint.textContent = on ? t('routing.hours.alwaysOpenOnHint') : t('routing.hours.alwaysOpenOffHint');
    botWarning.hidden = !(on && botMode === 'outside_hours');
  }

  const schedule = h('div', { class: 'hours-schedule' },
    h('div', { class: 'field' },
      h('label', { for: zone.id }, t('routing.hours.timeZone')),
      zone,
      h('div', { class: 'field-hint' }, t('routing.hours.timeZoneHint'))),
    h('fieldset', { class: 'field hours-weekly' },
      h('legend', null, t('routing.hours.weekly')),
      h('div', { class: 'hours-toolbar' },
        h('div', { class: 'field-hint' }, t('routing.hours.weeklyHint')),
        copyWeekdays),
      days),
    h('fieldset', { class: 'field hours-holidays' },
      h('legend', null, t('routing.hours.holidays')),
      h('div', { class: 'field-hint' }, t('routing.hours.holidaysHint')),
      h('div', { class: 'hours-holiday-add' },
        holidayInput,
        h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'hours-holiday-add', onclick: () => addHoliday() },
          t('routing.hours.holidayAdd'))),
      holidayNote,
      chips));

  const form = h('form', { class: 'hours-editor', 'data-testid': 'hours-editor', 'data-inbox-id': inbox.id, novalidate: true },
    h('h3', { class: 'hours-title' }, t('routing.hours.editorTitle', { name: inbox.name })),
    h('div', { class: 'hours-mode' },
      h('label', { class: 'hours-switch' }, always, h('span', null, t('routing.hours.alwaysOpen'))),
      modeHint,
      botWarning),
    schedule,
    errorBox,
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'hours-save' }, t('app.common.save')),
      h('button', { type: 'button', class: 'btn', 'data-testid': 'hours-cancel', onclick: () => onCancel() }, t('app.common.cancel'))));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors();
    let businessHours = null;
    if (!always.checked) {
      // A date picked but not yet added is meant to be in the list.
      if (holidayInput.value) addHoliday({ quiet: true });
      const missing = incompleteRange();
      if (missing) {
        showError(t('routing.hours.incompleteRange', { day: dayName(missing.day), index: missing.index + 1 }), '', missing.input);
        return;
      }
      businessHours = payloadFrom(draft);
    }
    await busy(form, async () => {
      try {
        const saved = await api.patch(`/api/v1/inboxes/${encodeURIComponent(inbox.id)}`, { businessHours });
        toast(t('routing.hours.saved', { name: inbox.name }));
        onDone(saved);
      } catch (error) {
        const detail = errorDetail(error);
        showError(errorText(error), detail, error.field === 'businessHours' ? controlFor(error.serverMessage) : null);
      }
    });
  });

  form.setBotMode = (mode) => {
    botMode = mode || 'off';
    syncMode();
  };

  drawHolidays();
  syncMode();
  return form;
}
