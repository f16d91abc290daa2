// The shop's own ticket fields (ticket settings: text, number, date or a choice of options)
// as form controls, named fields.<key> so the server's errors land next to them.
import { h } from '../dom.js';
import { t } from '../i18n.js';

const MAX_TEXT = 500;

/** The control of one field definition {key, label, kind, options, required} holding `value`. */
export function customFieldInput(definition, value, testid, attrs = {}) {
  const name = `fields.${definition.key}`;
  const common = { name, 'data-testid': testid, 'data-field': definition.key, ...attrs };
  const current = value === null || value === undefined ? '' : String(value);
  switch (definition.kind) {
    case 'select': {
      const options = (definition.options || []).slice();
      if (current && !options.includes(current)) options.push(current);
      return h('select', common,
        h('option', { value: '', selected: !current }, t('tickets.fields.none')),
        options.map((o) => h('option', { value: o, selected: o === current }, o)));
    }
    case 'number':
      return h('input', { type: 'text', inputmode: 'decimal', maxlength: '30', value: current, ...common });
    case 'date':
      return h('input', { type: 'date', value: current, ...common });
    default:
      return h('input', { type: 'text', maxlength: String(MAX_TEXT), value: current, ...common });
  }
}

/** The control's value as the API wants it (trimmed text; '' clears the field). */
export function customFieldValue(input) {
  return String(input.value || '').trim();
}
