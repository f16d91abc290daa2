// Business hours of an inbox: the one-line summary shown in the inboxes table and the
// editor panel (always open, or a time zone + weekly ranges + holidays). An inbox keeps its
// hours by a calendar (the SLA page's, GET /api/v1/sla/calendars): the editor picks one
// (PATCH /api/v1/inboxes/{id} {"calendarId": id}; its hours become the inbox's) or none, open
// around the clock ({"calendarId": null}); hours edited here ({"businessHours": {...}}) change
// the inbox's calendar, and so every inbox on it, or make one named after the inbox. The
// schedule part of the editor (hoursSchedule) also edits SLA calendars (sla/calendars.js),
// which add special working days.
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

/** Ids compare case-insensitively (the API writes UUIDs upper case). */
function sameId(a, b) {
  return Boolean(a) && Boolean(b) && String(a).toLowerCase() === String(b).toLowerCase();
}

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
/**
 * An error about business hours in `errorBox` (its text and detail), with the control it names
 * marked invalid and brought into view (the inbox page and SLA calendars).
 */
export function showHoursError(errorBox, text, detail, control) {
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

export function hoursSummary(hours) {
  return summaryPieces(hours).map((p) => (typeof p === 'string' ? p : p.keep)).join('');
}

/**
 * The table cell: the summary (with `action`, the button opening the editor, beside it),
 * the zone when it is not the default one, and a warning when the bot would never answer.
 */
export function hoursCell(inbox, action, { calendars = null, inboxes = [] } = {}) {
  const hours = inbox.businessHours || null;
  const calendar = inbox.calendarId && calendars ? calendars.find((c) => sameId(c.id, inbox.calendarId)) : null;
  const sharing = calendar ? inboxes.filter((i) => i.id !== inbox.id && sameId(i.calendarId, inbox.calendarId)).length : 0;
  return h('div', { class: 'hours-cell' },
    h('div', { class: 'hours-cell-line' },
      h('span', {
        class: ['hours-summary', !hours && 'hours-summary-always'], 'data-testid': 'hours-summary',
        title: hours ? t('routing.hours.timeZoneOf', { zone: hours.timeZone }) : null,
      }, summaryPieces(hours).map((p) => (typeof p === 'string' ? p : h('span', { class: 'hours-keep' }, p.keep)))),
      action || null),
    hours && hours.timeZone !== DEFAULT_TIME_ZONE ? h('span', { class: 'hours-zone' }, hours.timeZone) : null,
    calendar ? h('span', {
      class: 'hours-calendar-line', 'data-testid': 'hours-calendar-name', 'data-calendar-id': calendar.id,
      title: sharing ? t('routing.hours.calendarSharedTitle', { count: sharing }) : null,
    }, t('routing.hours.calendarOf', { name: calendar.name }), sharing ? h('span', { class: 'hours-calendar-shared' }, t('routing.hours.calendarSharedCount', { count: sharing + 1 })) : null) : null,
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
    weekly[day] = ranges.map(toInput);
  }
  if (!hours) {
    // A first schedule starts from the usual office week rather than from "closed all week".
    for (const day of ['mon', ...WEEKDAYS_AFTER_MONDAY]) weekly[day] = [{ ...DEFAULT_RANGE }];
  }
  const workdays = hours && Array.isArray(hours.workdays) ? hours.workdays : [];
  return {
    timeZone: (hours && hours.timeZone) || DEFAULT_TIME_ZONE,
    weekly,
    holidays: hours && Array.isArray(hours.holidays) ? Array.from(new Set(hours.holidays)).sort() : [],
    // Special working days (a Sunday worked to make up for a holiday): kept as they are when
    // the editor does not show them (an inbox), edited when it does (a calendar).
    workdays: workdays.map((w) => ({ date: w.date, ranges: (w.ranges || []).map(toInput) }))
      .sort((a, b) => a.date.localeCompare(b.date)),
  };
}

function toInput(range) {
  return { start: range.start, end: range.end === '24:00' ? '00:00' : range.end };
}

function fromInput(range) {
  return { start: range.start, end: range.end === '00:00' ? '24:00' : range.end };
}

function payloadFrom(draft) {
  const weekly = {};
  for (const day of DAYS) weekly[day] = draft.weekly[day].map(fromInput);
  const payload = { timeZone: draft.timeZone, weekly, holidays: draft.holidays.slice().sort() };
  if (draft.workdays.length) payload.workdays = draft.workdays.map((w) => ({ date: w.date, ranges: w.ranges.map(fromInput) }));
  return payload;
}

/** A new range after the day's last one: from its end, two hours long (or 09:00–18:00 first). */
function nextRange(ranges) {
  if (!ranges.length) return { ...DEFAULT_RANGE };
  const last = minutes(ranges[ranges.length - 1].end);
  if (last === null || last === 0) return { ...DEFAULT_RANGE };
  return { start: clock(last), end: clock(Math.min(last + 120, 1440)) };
}

let scheduleSeq = 0;

/**
 * The schedule of a business-hours editor: time zone, weekly ranges, holidays and, when
 * `workdays` is given, special working days with their own ranges. `hours`: what is stored
 * (null: a first schedule, Monday to Friday 09:00–18:00). `field`: the API field the hours are
 * sent as ('businessHours' for an inbox, 'hours' for a calendar), which the server's messages
 * name ("hours.weekly.mon[0].end: …"). `workdays`: the labels of that section, as functions
 * {title, hint, date, add, remove(date), missing, duplicate(date), holiday(date), noRanges(date)}.
 *
 * Returns {el, payload(), controlFor(message), snapshot()}: payload() answers {hours} or, when a
 * range is incomplete, {message, control}; controlFor(message) is the control a server message
 * names (or null); snapshot() is a string that changes with every edit.
 */
export function hoursSchedule({ hours = null, id = null, field = 'businessHours', workdays = null } = {}) {
  scheduleSeq += 1;
  const draft = draftFrom(hours);

  // -- time zone
  const zones = TIME_ZONES.includes(draft.timeZone) ? TIME_ZONES : [draft.timeZone, ...TIME_ZONES];
  const zone = h('select', {
    name: 'timeZone', 'data-testid': 'hours-timezone', id: `hours-zone-${id || scheduleSeq}`,
    onchange: () => { draft.timeZone = zone.value; },
  }, zones.map((z) => h('option', { value: z, selected: z === draft.timeZone }, zoneLabel(z))));

  // -- ranges: the inputs of one day (a weekday or a special working day)
  function rangeInputs(ranges, { dayLabel, data, redraw }) {
    return ranges.map((range, index) => {
      const start = h('input', {
        type: 'time', class: 'hours-time', 'data-testid': 'hours-range-start', required: true,
        value: range.start, 'aria-label': t('routing.hours.rangeStart', { day: dayLabel }),
        dataset: { ...data, index, part: 'start' },
        oninput: () => { range.start = start.value; },
        onchange: () => { range.start = start.value; },
      });
      const end = h('input', {
        type: 'time', class: 'hours-time', 'data-testid': 'hours-range-end', required: true,
        value: range.end, 'aria-label': t('routing.hours.rangeEnd', { day: dayLabel }),
        dataset: { ...data, index, part: 'end' },
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
            const row = redraw();
            const add = row.querySelector('.hours-add-range');
            if (add) add.focus();
          },
        }, '\u00d7'));
    });
  }

  function addRangeButton(ranges, { dayLabel, testid, redraw }) {
    const full = ranges.length >= MAX_RANGES;
    return h('button', {
      type: 'button', class: 'btn btn-small hours-add-range', 'data-testid': testid,
      disabled: full, title: full ? t('routing.hours.maxRanges', { count: MAX_RANGES }) : t('routing.hours.addRangeFor', { day: dayLabel }),
      'aria-label': t('routing.hours.addRangeFor', { day: dayLabel }),
      onclick: () => {
        if (ranges.length >= MAX_RANGES) return;
        ranges.push(nextRange(ranges));
        const row = redraw();
        const starts = row.querySelectorAll('[data-testid="hours-range-start"]');
        if (starts.length) starts[starts.length - 1].focus();
      },
    }, '+ ', t('routing.hours.addRange'));
  }

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
    const redraw = () => redrawDay(day);
    const list = rangeInputs(ranges, { dayLabel: dayName(day), data: { day }, redraw });
    return h('div', {
      class: ['hours-day', !ranges.length && 'hours-day-closed'], role: 'listitem',
      'data-testid': `hours-day-${day}`, 'data-day': day,
    },
    h('div', { class: 'hours-day-name' }, dayName(day)),
    h('div', { class: 'hours-ranges' },
      list.length ? list : h('span', { class: 'hours-closed' }, t('routing.hours.closed'))),
    h('div', { class: 'hours-day-actions' },
      addRangeButton(ranges, { dayLabel: dayName(day), testid: `hours-add-${day}`, redraw })));
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

  // -- special working days (calendars only)
  const workdayInput = workdays ? h('input', {
    type: 'date', class: 'hours-date', 'data-testid': 'hours-workday-input', 'aria-label': workdays.date(),
    onkeydown: (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        addWorkday();
      }
    },
    oninput: () => { workdayNote.textContent = ''; },
  }) : null;
  const workdayNote = h('div', { class: 'field-error', role: 'status' });
  const workdayList = h('div', { class: 'hours-days hours-workdays', role: 'list', 'data-testid': 'hours-workdays' });

  function workdayLabel(date) {
    const wd = weekdayOf(date);
    return wd ? `${date} ${dayShort(wd)}` : date;
  }

  function drawWorkdays() {
    if (!workdays) return;
    workdayList.hidden = !draft.workdays.length;
    workdayList.replaceChildren(...draft.workdays.map((w) => workdayRow(w)));
  }

  function workdayRow(w) {
    const label = workdayLabel(w.date);
    const redraw = () => {
      const row = workdayRow(w);
      const old = workdayList.querySelector(`[data-testid="hours-workday"][data-date="${w.date}"]`);
      if (old) old.replaceWith(row);
      return row;
    };
    const list = rangeInputs(w.ranges, { dayLabel: label, data: { workday: w.date }, redraw });
    return h('div', { class: ['hours-day', 'hours-workday', !w.ranges.length && 'hours-day-closed'], role: 'listitem', 'data-testid': 'hours-workday', 'data-date': w.date },
      h('div', { class: 'hours-day-name' }, label),
      h('div', { class: 'hours-ranges' }, list.length ? list : h('span', { class: 'hours-closed' }, t('routing.hours.closed'))),
      h('div', { class: 'hours-day-actions' },
        addRangeButton(w.ranges, { dayLabel: label, testid: 'hours-workday-add-range', redraw }),
        h('button', {
          type: 'button', class: 'btn btn-small btn-ghost hours-icon-btn', 'data-testid': 'hours-workday-remove',
          'aria-label': workdays.remove(w.date), title: workdays.remove(w.date),
          onclick: () => {
            draft.workdays = draft.workdays.filter((x) => x !== w);
            drawWorkdays();
            workdayInput.focus();
          },
        }, '\u00d7')));
  }

  /** Adds the picked date as a working day (Monday's ranges, or 09:00–18:00); false with a note when it cannot. */
  function addWorkday({ quiet = false } = {}) {
    const date = workdayInput.value;
    workdayNote.textContent = '';
    const note = (text) => { if (!quiet) workdayNote.textContent = text; return false; };
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
      if (!quiet) workdayInput.focus();
      return note(workdays.missing());
    }
    workdayInput.value = '';
    if (draft.workdays.some((w) => w.date === date)) return note(workdays.duplicate(date));
    if (draft.holidays.includes(date)) return note(workdays.holiday(date));
    const ranges = draft.weekly.mon.length ? draft.weekly.mon.map((r) => ({ ...r })) : [{ ...DEFAULT_RANGE }];
    draft.workdays = [...draft.workdays, { date, ranges }].sort((a, b) => a.date.localeCompare(b.date));
    drawWorkdays();
    return true;
  }

  /** The control a server message such as "businessHours.weekly.mon[0].end: ..." names. */
  function controlFor(message) {
    const text = String(message || '');
    const p = `${field}\\.`;
    let m = new RegExp(`${p}weekly\\.(mon|tue|wed|thu|fri|sat|sun)\\[(\\d+)\\]\\.(start|end)`).exec(text);
    if (m) return el.querySelector(`input[data-day="${m[1]}"][data-index="${m[2]}"][data-part="${m[3]}"]`);
    m = new RegExp(`${p}weekly\\.(mon|tue|wed|thu|fri|sat|sun)\\b`).exec(text);
    if (m) return el.querySelector(`[data-testid="hours-add-${m[1]}"]`);
    if (new RegExp(`${p}timeZone`).test(text)) return zone;
    m = new RegExp(`${p}holidays\\[(\\d+)\\]`).exec(text);
    if (m) return chips.querySelectorAll('.hours-chip-remove')[Number(m[1])] || holidayInput;
    m = new RegExp(`${p}workdays\\[(\\d+)\\](?:\\.ranges\\[(\\d+)\\])?`).exec(text);
    if (m && workdays) {
      const w = draft.workdays[Number(m[1])];
      if (!w) return workdayInput;
      const row = workdayList.querySelector(`[data-testid="hours-workday"][data-date="${w.date}"]`);
      const input = m[2] !== undefined ? el.querySelector(`input[data-workday="${w.date}"][data-index="${m[2]}"]`) : null;
      return input || (row && row.querySelector('[data-testid="hours-workday-add-range"]')) || workdayInput;
    }
    return null;
  }

  /** The first incomplete range, as {label, index, input}, or null. */
  function incompleteRange() {
    for (const day of DAYS) {
      for (const [index, range] of draft.weekly[day].entries()) {
        for (const part of ['start', 'end']) {
          if (minutes(range[part]) === null) {
            return { label: dayName(day), index, input: el.querySelector(`input[data-day="${day}"][data-index="${index}"][data-part="${part}"]`) };
          }
        }
      }
    }
    if (!workdays) return null;
    for (const w of draft.workdays) {
      for (const [index, range] of w.ranges.entries()) {
        for (const part of ['start', 'end']) {
          if (minutes(range[part]) === null) {
            return { label: workdayLabel(w.date), index, input: el.querySelector(`input[data-workday="${w.date}"][data-index="${index}"][data-part="${part}"]`) };
          }
        }
      }
    }
    return null;
  }

  function payload() {
    // A date picked but not yet added is meant to be in the list.
    if (holidayInput.value) addHoliday({ quiet: true });
    if (workdays && workdayInput.value) addWorkday({ quiet: true });
    const missing = incompleteRange();
    if (missing) {
      return { message: t('routing.hours.incompleteRange', { day: missing.label, index: missing.index + 1 }), control: missing.input };
    }
    if (workdays) {
      const empty = draft.workdays.find((w) => !w.ranges.length);
      if (empty) {
        const row = workdayList.querySelector(`[data-testid="hours-workday"][data-date="${empty.date}"]`);
        return { message: workdays.noRanges(empty.date), control: row ? row.querySelector('[data-testid="hours-workday-add-range"]') : null };
      }
    }
    return { hours: payloadFrom(draft) };
  }

  const el = h('div', { class: 'hours-schedule' },
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
      chips),
    workdays ? h('fieldset', { class: 'field hours-workdays-field' },
      h('legend', null, workdays.title()),
      h('div', { class: 'field-hint' }, workdays.hint()),
      h('div', { class: 'hours-holiday-add' },
        workdayInput,
        h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'hours-workday-add', onclick: () => addWorkday() },
          workdays.add())),
      workdayNote,
      workdayList) : null);

  drawHolidays();
  drawWorkdays();
  return {
    el,
    payload,
    controlFor,
    snapshot: () => JSON.stringify([draft, holidayInput.value, workdayInput ? workdayInput.value : '']),
  };
}

const NEW_CALENDAR = 'new';

/**
 * The editor panel for one inbox. `calendars`: the shop's calendars ([{id, name, hours,
 * policyIds}], or null when they could not be read: no calendar choice then); `inboxes`: every
 * inbox (who shares a calendar). `onDone(saved)` after a successful save, `onCancel()`.
 * Returns the element; `element.setBotMode(mode)` keeps its bot warning current.
 *
 * The choice "keep hours by calendar" and the switch "always open" go together: open around the
 * clock is no calendar; turning the switch off picks the inbox's calendar (or a new one named
 * after the inbox). Saving sends what changed, never both fields at once:
 * - no calendar: {"calendarId": null};
 * - the inbox's own calendar: {"businessHours": {...}};
 * - a new one: {"businessHours": {...}}, after {"calendarId": null} when it had a calendar;
 * - another calendar: {"calendarId": id}, then {"businessHours": {...}} when its hours were edited here.
 */
export function hoursEditor({ inbox, calendars = null, inboxes = [], onDone, onCancel }) {
  let botMode = inbox.botMode || 'off';
  const list = Array.isArray(calendars) ? calendars.slice().sort((a, b) => String(a.name).localeCompare(String(b.name))) : null;
  const calendarOf = (id) => (list && id ? list.find((c) => sameId(c.id, id)) : null) || null;
  const own = calendarOf(inbox.calendarId);
  // The inbox's calendar as it is stored (its hours may be newer than the inbox's copy).
  const ownKey = own ? own.id : NEW_CALENDAR;
  let chosen = inbox.businessHours || own ? ownKey : '';

  // -- always open switch
  const always = h('input', {
    type: 'checkbox', role: 'switch', class: 'hours-switch-input', 'data-testid': 'hours-always-open',
    checked: !inbox.businessHours && !own,
    onchange: () => {
      if (!choice) { syncMode(); return; }
      // Off: the calendar picked before, else the inbox's own (or a new one).
      pick(always.checked ? '' : (lastCalendar || ownKey));
    },
  });
  const modeHint = h('p', { class: 'field-hint hours-mode-hint' });
  const botWarning = h('p', { class: 'hours-warning', role: 'note', hidden: true }, t('routing.hours.botNeverAnswers'));

  // -- keep hours by calendar
  let lastCalendar = chosen || null;
  const choice = list ? h('select', {
    id: `hours-calendar-${inbox.id}`, class: 'hours-calendar-select', 'data-testid': 'hours-calendar', name: 'calendarId',
    onchange: () => pick(choice.value),
  },
  h('option', { value: '', 'data-testid': 'hours-calendar-option' }, t('routing.hours.calendarAlways')),
  h('option', { value: NEW_CALENDAR, 'data-testid': 'hours-calendar-option' }, t('routing.hours.calendarNew', { name: inbox.name })),
  list.map((c) => h('option', { value: c.id, 'data-testid': 'hours-calendar-option' },
    sameId(c.id, inbox.calendarId) ? t('routing.hours.calendarCurrent', { name: c.name }) : c.name))) : null;
  const choiceHint = h('div', { class: 'field-hint', 'data-testid': 'hours-calendar-hint' });
  const shared = h('p', { class: 'hours-warning hours-shared', role: 'note', 'data-testid': 'hours-calendar-shared', hidden: true });

  let schedule = hoursSchedule({ hours: inbox.businessHours || (own && own.hours) || null, id: inbox.id, field: 'businessHours' });
  let loaded = schedule.snapshot();
  const scheduleHost = h('div', { class: 'hours-schedule-host' }, schedule.el);

  /** Shows the hours of calendar `key` ('' none, NEW_CALENDAR a new one, or an id). */
  function pick(key) {
    const before = chosen;
    chosen = key;
    if (key) lastCalendar = key;
    if (choice && choice.value !== key) choice.value = key;
    always.checked = !key;
    const calendar = calendarOf(key);
    if (calendar && !sameId(calendar.id, before)) {
      // Another calendar: its hours (a new calendar starts from what is shown).
      schedule = hoursSchedule({ hours: calendar.hours, id: inbox.id, field: 'businessHours' });
      loaded = schedule.snapshot();
      scheduleHost.replaceChildren(schedule.el);
    }
    clearErrors();
    syncMode();
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
    showHoursError(errorBox, text, detail, control);
  }

  /** The note under the schedule: who else keeps hours by the calendar an edit here changes. */
  function drawShared() {
    const calendar = always.checked ? null : calendarOf(chosen);
    const others = calendar ? inboxes.filter((i) => i.id !== inbox.id && sameId(i.calendarId, calendar.id)) : [];
    const policies = calendar ? (calendar.policyIds || []).length : 0;
    shared.hidden = !others.length && !policies;
    if (shared.hidden) { shared.replaceChildren(); return; }
    const sep = t('routing.hours.listSeparator');
    shared.textContent = [
      others.length ? t('routing.hours.calendarShared', { name: calendar.name, count: others.length, names: others.map((i) => i.name).join(sep) }) : '',
      policies ? t('routing.hours.calendarPolicies', { count: policies }) : '',
    ].filter(Boolean).join(' ');
    shared.dataset.count = String(others.length);
  }

  function syncMode() {
    const on = always.checked;
    schedule.el.hidden = on;
    // With the calendar choice its hint says what the switch would.
    modeHint.textContent = on ? t('routing.hours.alwaysOpenOnHint') : t('routing.hours.alwaysOpenOffHint');
    modeHint.hidden = Boolean(choice);
    botWarning.hidden = !(on && botMode === 'outside_hours');
    if (choice) {
      const calendar = calendarOf(chosen);
      choiceHint.textContent = !chosen ? t('routing.hours.calendarAlwaysHint')
        : chosen === NEW_CALENDAR ? t('routing.hours.calendarNewHint', { name: inbox.name })
          : sameId(calendar && calendar.id, inbox.calendarId) ? t('routing.hours.calendarOwnHint', { name: calendar.name })
            : t('routing.hours.calendarOtherHint', { name: calendar ? calendar.name : '' });
    }
    drawShared();
  }

  const form = h('form', { class: 'hours-editor', 'data-testid': 'hours-editor', 'data-inbox-id': inbox.id, novalidate: true },
    h('h3', { class: 'hours-title' }, t('routing.hours.editorTitle', { name: inbox.name })),
    choice ? h('div', { class: 'field hours-calendar' },
      h('label', { for: choice.id }, t('routing.hours.calendar')),
      choice,
      choiceHint) : null,
    h('div', { class: 'hours-mode' },
      h('label', { class: 'hours-switch' }, always, h('span', null, t('routing.hours.alwaysOpen'))),
      modeHint,
      botWarning),
    scheduleHost,
    shared,
    errorBox,
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'hours-save' }, t('app.common.save')),
      h('button', { type: 'button', class: 'btn', 'data-testid': 'hours-cancel', onclick: () => onCancel() }, t('app.common.cancel'))));

  const patch = (body) => api.patch(`/api/v1/inboxes/${encodeURIComponent(inbox.id)}`, body);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors();
    let businessHours = null;
    if (!always.checked) {
      const result = schedule.payload();
      if (!result.hours) {
        showError(result.message, '', result.control);
        return;
      }
      businessHours = result.hours;
    }
    // Without the calendar choice: the hours as before (null: always open).
    const linkTo = choice && !always.checked ? calendarOf(chosen) : null;
    const linking = Boolean(linkTo) && !sameId(linkTo.id, inbox.calendarId);
    const edited = schedule.snapshot() !== loaded;
    await busy(form, async () => {
      let saved = null;
      try {
        if (choice && always.checked) {
          saved = await patch({ calendarId: null });
        } else if (choice && chosen === NEW_CALENDAR && inbox.calendarId) {
          // Hours of its own, apart from the calendar it shared: a new calendar named after it.
          saved = await patch({ calendarId: null });
          saved = await patch({ businessHours });
        } else if (linking) {
          saved = await patch({ calendarId: linkTo.id });
          // Hours changed here too: they change the calendar just linked.
          if (edited) saved = await patch({ businessHours });
        } else {
          saved = await patch({ businessHours });
        }
        toast(linking ? t('routing.hours.calendarLinked', { name: inbox.name, calendar: linkTo.name }) : t('routing.hours.saved', { name: inbox.name }));
        onDone(saved);
      } catch (error) {
        const detail = errorDetail(error);
        showError(errorText(error), detail, error.field === 'businessHours' ? schedule.controlFor(error.serverMessage) : null);
      }
    });
  });

  form.setBotMode = (mode) => {
    botMode = mode || 'off';
    syncMode();
  };

  if (choice) choice.value = chosen;
  syncMode();
  return form;
}
