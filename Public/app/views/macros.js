// Macros (#/macros, every member): the macros the member can use, their own (Mine) and the team's
// (Shared), with how often each was used and when last; creating, editing and deleting them
// (shared ones by supervisors and above) in macros/list.js and macros/editor.js. They are applied
// from the reply boxes of conversations and tickets (macros/menu.js, macros/preview.js).
// API: GET /api/v1/macros, GET /api/v1/agents (names, the assignee picker).
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { pageHeader, toast, loadError, loadingBlock } from '../ui.js';
import { loadDirectory } from '../chat/runtime.js';
import { macrosApi } from '../macros/shared.js';
import { createMacroLists } from '../macros/list.js';

export function render(container) {
  const state = { directory: null, stopped: false };
  const notify = (text, kind = 'success') => toast(text, kind === 'ok' ? 'success' : kind);
  const lists = createMacroLists({ context: () => ({ directory: state.directory }), notify });
  const status = h('div', { class: 'mac-status' }, loadingBlock());

  const refreshButton = h('button', {
    type: 'button', class: 'btn', 'data-testid': 'macros-refresh', onclick: () => load({ quiet: true }),
  }, t('app.common.refresh'));

  container.append(
    pageHeader(t('macros.title'), t('macros.subtitle'), refreshButton),
    h('div', { class: 'mac-page', 'data-testid': 'macros-page' },
      status,
      lists.cards.mine,
      lists.cards.shared,
      h('p', { class: 'mac-page-foot muted' }, t('macros.keysHint'))));
  lists.cards.mine.hidden = true;
  lists.cards.shared.hidden = true;

  async function load({ quiet = false } = {}) {
    try {
      const [list, directory] = await Promise.all([macrosApi.list(), loadDirectory(quiet).catch(() => null)]);
      if (state.stopped) return;
      state.directory = directory;
      status.replaceChildren();
      status.hidden = true;
      lists.cards.mine.hidden = false;
      lists.cards.shared.hidden = false;
      if (quiet && lists.isDirty()) return; // the open form keeps what is typed in it
      lists.setMacros((list && list.items) || []);
    } catch (error) {
      if (state.stopped) return;
      if (quiet) toast(t('macros.loadFailed'), 'error');
      else status.replaceChildren(loadError(error, () => { status.replaceChildren(loadingBlock()); load(); }));
    }
  }

  load();

  return () => {
    state.stopped = true;
    lists.destroy();
  };
}
