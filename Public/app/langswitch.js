// The language <select>, listing the server's supported locales by their own names.
import { h } from './dom.js';
import { t, getLocale, getSupported } from './i18n.js';

export function languageSelect(onChange, attrs = {}) {
  const supported = getSupported();
  const current = getLocale();
  const options = supported.length ? supported : [{ code: current, name: current }];
  const el = h('select', {
    class: 'lang-select',
    'aria-label': t('app.shell.language'),
    title: t('app.shell.language'),
    ...attrs,
    onchange: (event) => onChange(event.target.value),
  }, options.map((o) => h('option', { value: o.code, lang: o.code, selected: o.code === current }, o.name)));
  return el;
}
