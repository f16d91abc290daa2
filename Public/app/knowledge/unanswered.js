// Questions shoppers asked that the knowledge base could not answer, grouped:
// how often, an example of each way it was put, when it was last asked. Editors
// turn a group into an article or dismiss it.
import { api, query } from '../api.js';
import { h } from '../dom.js';
import { t, errorText, formatDateTime } from '../i18n.js';
import { toast, loadingBlock } from '../ui.js';
import { relativeTime } from '../chat/format.js';

const PERIODS = [7, 30, 90];
const EXAMPLES = 5;

/**
 * onCreate(group): open the editor for a new article answering `group`;
 * onCount(total): the number of open groups changed (for the tab badge).
 */
export function createUnanswered({ onCreate, onCount }) {
  const state = { days: 30, groups: [], loading: false, error: null, token: 0 };
  const days = h('select', {
    class: 'kb-filter', 'data-testid': 'kb-unanswered-days', 'aria-label': t('knowledge.unansweredPeriod'),
    onchange: () => { state.days = Number(days.value) || 30; load(); },
  }, PERIODS.map((d) => h('option', { value: String(d), selected: d === state.days }, t('knowledge.lastDays', { days: d }))));
  const list = h('div', { class: 'kb-groups', 'data-testid': 'kb-unanswered-list' }, loadingBlock());
  const el = h('section', { class: 'card kb-unanswered', 'data-testid': 'kb-unanswered' },
    h('div', { class: 'kb-card-head' },
      h('div', null,
        h('h2', { class: 'card-title' }, t('knowledge.unansweredTitle')),
        h('p', { class: 'card-note' }, t('knowledge.unansweredHelp'))),
      h('div', { class: 'kb-card-tools' },
        days,
        h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'kb-unanswered-refresh', onclick: () => load() }, t('app.common.refresh')))),
    list);

  async function dismiss(group, button) {
    button.disabled = true;
    try {
      await api.post('/api/v1/knowledge/unanswered/dismiss', { ids: group.ids || [] });
      state.groups = state.groups.filter((g) => g !== group);
      toast(t('knowledge.dismissed'));
      draw();
    } catch (error) {
      button.disabled = false;
      toast(errorText(error), 'error');
    }
  }

  function groupNode(group) {
    const examples = (group.examples || []).filter((e) => e && e !== group.representative).slice(0, EXAMPLES);
    const dismissButton = h('button', {
      type: 'button', class: 'btn btn-small', 'data-testid': 'kb-unanswered-dismiss',
      onclick: () => dismiss(group, dismissButton),
    }, t('knowledge.dismiss'));
    return h('article', { class: 'kb-group', 'data-testid': 'kb-unanswered-group', 'data-key': group.key || '' },
      h('div', { class: 'kb-group-main' },
        h('div', { class: 'kb-group-top' },
          h('span', { class: 'kb-group-title', 'data-testid': 'kb-unanswered-question' }, group.representative || '—'),
          h('span', { class: 'kb-group-count', 'data-testid': 'kb-unanswered-count' }, t('knowledge.askedTimes', { count: group.count || 0 }))),
        examples.length ? h('ul', { class: 'kb-group-examples', 'data-testid': 'kb-unanswered-examples' },
          examples.map((e) => h('li', null, e))) : null,
        group.lastAskedAt ? h('div', { class: 'kb-group-meta muted', title: formatDateTime(group.lastAskedAt) },
          t('knowledge.lastAsked', { time: relativeTime(group.lastAskedAt) })) : null),
      h('div', { class: 'kb-group-actions' },
        h('button', {
          type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'kb-unanswered-create', onclick: () => onCreate(group),
        }, t('knowledge.createArticle')),
        dismissButton));
  }

  function draw() {
    if (onCount) onCount(state.groups.length);
    if (state.error) {
      list.replaceChildren(h('div', { class: 'load-error', role: 'alert' },
        h('p', null, errorText(state.error)),
        h('button', { type: 'button', class: 'btn', onclick: () => load() }, t('app.common.retry'))));
    } else if (state.loading && !state.groups.length) {
      list.replaceChildren(loadingBlock());
    } else if (!state.groups.length) {
      list.replaceChildren(h('p', { class: 'kb-empty-block', 'data-testid': 'kb-unanswered-empty' }, t('knowledge.unansweredEmpty', { days: state.days })));
    } else {
      list.replaceChildren(...state.groups.map(groupNode));
    }
  }

  async function load() {
    const token = ++state.token;
    state.loading = true;
    state.error = null;
    draw();
    try {
      const data = await api.get(`/api/v1/knowledge/unanswered${query({ days: state.days })}`);
      if (token !== state.token) return;
      state.groups = (data && data.groups) || [];
    } catch (error) {
      if (token !== state.token) return;
      state.error = error;
    } finally {
      if (token === state.token) {
        state.loading = false;
        draw();
      }
    }
  }

  return {
    el,
    load,
    /** Takes a group off the list once an article answers it. */
    forget(group) {
      state.groups = state.groups.filter((g) => g !== group && (!group.key || g.key !== group.key));
      draw();
    },
    destroy() { state.token += 1; },
  };
}
