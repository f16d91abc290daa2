// Forms (#/forms, #/forms/new, #/forms/<id>): the shop's public forms (online feedback, repair
// requests, complaints; each submission becomes a ticket). The list (forms/list.js) for every
// member; the editor (forms/editor.js) for admins and owners.
import { h } from '../dom.js';
import { isAdmin } from '../session.js';
import { createFormList } from '../forms/list.js';
import { createFormEditor } from '../forms/editor.js';

let active = null;

/** 'new', a form's id, or null for the list. */
function targetFrom(subpath) {
  const part = String(subpath || '').split(/[/?]/)[0];
  if (part === 'new') return 'new';
  return /^[0-9a-fA-F-]{32,36}$/.test(part) ? part : null;
}

/** Called by the router when only the part after #/forms/ changed. */
export function subroute(subpath) {
  if (!active) return false;
  active.show(targetFrom(subpath));
  return true;
}

export function render(container, ctx) {
  const host = h('div', { class: 'fo-host' });
  container.append(host);
  let list = null;
  let editor = null;

  function show(target) {
    if (editor) {
      editor.destroy();
      editor = null;
    }
    if (target && isAdmin()) {
      if (list) {
        list.destroy();
        list = null;
      }
      editor = createFormEditor({
        id: target === 'new' ? null : target,
        onDone: () => ctx.navigate('forms'),
      });
      host.replaceChildren(editor.el);
      window.scrollTo(0, 0);
      return;
    }
    if (target && window.location.hash !== '#/forms') window.history.replaceState(null, '', '#/forms');
    list = createFormList({
      onEdit: (id) => ctx.navigate(`forms/${id}`),
      onNew: () => ctx.navigate('forms/new'),
    });
    host.replaceChildren(list.el);
  }

  active = { show };
  show(targetFrom(ctx.subpath));

  return () => {
    if (active && active.show === show) active = null;
    if (editor) editor.destroy();
    if (list) list.destroy();
  };
}
