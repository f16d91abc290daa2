// Automation rules (#/automation, supervisors and above): the rules in the order they are tried,
// with their editor and its try-out against a past conversation or ticket (automation/rules.js),
// and the firing log of what they did (automation/runs.js, #/automation/runs).
// API: /api/v1/automation/rules, /api/v1/automation/runs, GET /api/v1/ticket-settings,
// GET /api/v1/inboxes and /api/v1/agents (names and pickers).
import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { pageHeader, toast, loadError, loadingBlock } from '../ui.js';
import { loadDirectory } from '../chat/runtime.js';
import { loadSettings } from '../tickets/shared.js';
import { createRuleSection } from '../automation/rules.js';
import { createRunLog } from '../automation/runs.js';

const TABS = ['rules', 'runs'];
let active = null; // the drawn page: {show(tab)}

function tabFrom(subpath) {
  const first = String(subpath || '').split(/[/?]/)[0];
  return TABS.includes(first) ? first : 'rules';
}

/** #/automation/runs after #/automation: the other tab, the page kept. */
export function subroute(subpath) {
  if (!active) return false;
  active.show(tabFrom(subpath));
  return true;
}

export function render(container, ctx) {
  const state = { settings: null, directory: null, stopped: false, tab: null, loaded: false };
  const notify = (text, kind = 'success') => toast(text, kind === 'ok' ? 'success' : kind);
  const context = () => ({ settings: state.settings, directory: state.directory });

  const rules = createRuleSection({ context, notify });
  const runs = createRunLog({ rules: () => rules.rules() });
  rules.el.append(loadingBlock());

  const tabButtons = TABS.map((tab) => h('button', {
    type: 'button', role: 'tab', class: 'auto-tab', 'data-testid': `automation-tab-${tab}`, 'data-tab': tab,
    onclick: () => { window.location.hash = tab === 'rules' ? '#/automation' : `#/automation/${tab}`; },
  }, t(`automation.tab.${tab}`)));
  const rulesCard = h('section', { class: 'card auto-card', 'data-testid': 'automation-rules-card', role: 'tabpanel' },
    h('div', { class: 'auto-card-head' },
      h('h2', { class: 'card-title' }, t('automation.rule.title'), rules.count),
      rules.newButton),
    h('p', { class: 'card-note' }, t('automation.rule.hint')),
    rules.el);
  const runsCard = h('section', { class: 'card auto-card', 'data-testid': 'automation-runs-card', role: 'tabpanel', hidden: true },
    h('div', { class: 'auto-card-head' },
      h('h2', { class: 'card-title' }, t('automation.runs.title'))),
    h('p', { class: 'card-note' }, t('automation.runs.hint')),
    runs.el);

  const refreshButton = h('button', {
    type: 'button', class: 'btn', 'data-testid': 'automation-refresh', onclick: () => { load({ quiet: true }); if (state.tab === 'runs') runs.load(); },
  }, t('app.common.refresh'));

  container.append(
    pageHeader(t('automation.title'), t('automation.subtitle'), refreshButton),
    h('div', { class: 'auto-page', 'data-testid': 'automation-page' },
      h('div', { class: 'auto-tabs', role: 'tablist', 'aria-label': t('automation.title') }, tabButtons),
      rulesCard,
      runsCard));

  function show(tab) {
    state.tab = tab;
    for (const b of tabButtons) b.setAttribute('aria-selected', String(b.dataset.tab === tab));
    rulesCard.hidden = tab !== 'rules';
    runsCard.hidden = tab !== 'runs';
    if (tab === 'runs') {
      runs.setRules();
      runs.load();
    } else if (state.loaded) {
      load({ quiet: true }); // how often the rules fired since
    }
  }

  async function load({ quiet = false } = {}) {
    try {
      const [list, settings, directory] = await Promise.all([
        api.get('/api/v1/automation/rules'), loadSettings(), loadDirectory(quiet),
      ]);
      if (state.stopped) return;
      state.settings = settings;
      state.directory = directory;
      state.loaded = true;
      rules.setRules((list && list.items) || []);
      runs.setRules();
    } catch (error) {
      if (state.stopped) return;
      if (quiet) toast(t('automation.loadFailed'), 'error');
      else rules.el.replaceChildren(loadError(error, () => load()));
    }
  }

  active = { show };
  show(tabFrom(ctx && ctx.subpath));
  load();

  return () => {
    state.stopped = true;
    if (active && active.show === show) active = null;
    rules.destroy();
    runs.destroy();
  };
}
