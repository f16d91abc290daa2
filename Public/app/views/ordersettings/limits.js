// Order settings: how far each role may change prices and shipping fees before payment.
import { api, query } from '../../api.js';
import { h } from '../../dom.js';
import { t, errorText, formatDateTime } from '../../i18n.js';
import {
  field, showFormError, clearFormErrors, busy, toast, confirmDialog, copyText,
  pageHeader, loadingBlock, loadError,
} from '../../ui.js';
import { roleLabel } from '../../format.js';
import { ROLES, parseInteger, section } from './common.js';

export function createLimits() {
  const state = { limits: null };
  const host = h('div', { class: 'os-limits-host' }, loadingBlock());
  const el = section('os-limits', t('orders.settings.limitsTitle'), t('orders.settings.limitsHint'), host);

  function draw() {
    const limits = state.limits || {};
    const price = limits.maxDiscountPercent || {};
    const shipping = limits.maxShippingDiscountPercent || {};
    const raise = new Set(limits.rolesAllowedToRaise || []);
    const inputs = {};
    const rows = ROLES.map((role) => {
      const priceInput = h('input', {
        type: 'number', name: `price.${role}`, min: '0', max: '100', step: '1', inputmode: 'numeric', required: true,
        'data-testid': `limits-price-${role}`, value: String(price[role] ?? 0),
        'aria-label': t('orders.settings.limitPriceFor', { role: roleLabel(role) }),
      });
      const shippingInput = h('input', {
        type: 'number', name: `shipping.${role}`, min: '0', max: '100', step: '1', inputmode: 'numeric', required: true,
        'data-testid': `limits-shipping-${role}`, value: String(shipping[role] ?? price[role] ?? 0),
        'aria-label': t('orders.settings.limitShippingFor', { role: roleLabel(role) }),
      });
      const raiseInput = h('input', {
        type: 'checkbox', name: `raise.${role}`, checked: raise.has(role), 'data-testid': `limits-raise-${role}`,
        'aria-label': t('orders.settings.limitRaiseFor', { role: roleLabel(role) }),
      });
      inputs[role] = { priceInput, shippingInput, raiseInput };
      return h('tr', { 'data-testid': 'limits-row', 'data-role': role },
        h('th', { scope: 'row' }, h('span', { class: ['role-pill', `role-${role}`] }, roleLabel(role))),
        h('td', null, h('div', { class: 'os-percent' }, priceInput, h('span', { 'aria-hidden': 'true' }, '%'))),
        h('td', null, h('div', { class: 'os-percent' }, shippingInput, h('span', { 'aria-hidden': 'true' }, '%'))),
        h('td', { class: 'os-center' }, raiseInput));
    });
    const form = h('form', { class: 'form os-limits-form', 'data-testid': 'limits-form', novalidate: true },
      h('div', { class: 'table-wrap' },
        h('table', { class: 'table os-limits-table' },
          h('thead', null, h('tr', null,
            h('th', { scope: 'col' }, t('orders.settings.role')),
            h('th', { scope: 'col' }, t('orders.settings.limitPrice')),
            h('th', { scope: 'col' }, t('orders.settings.limitShipping')),
            h('th', { scope: 'col', class: 'os-center' }, t('orders.settings.limitRaise')))),
          h('tbody', null, rows))),
      h('p', { class: 'field-hint' }, t('orders.settings.limitsFootnote')),
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'limits-save' }, t('app.common.save'))));

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearFormErrors(form);
      const body = { maxDiscountPercent: {}, maxShippingDiscountPercent: {}, rolesAllowedToRaise: [] };
      for (const role of ROLES) {
        const { priceInput, shippingInput, raiseInput } = inputs[role];
        for (const [input, target] of [[priceInput, body.maxDiscountPercent], [shippingInput, body.maxShippingDiscountPercent]]) {
          const n = parseInteger(input.value);
          if (Number.isNaN(n) || n < 0 || n > 100) {
            showFormError(form, { message: t('orders.settings.percentInvalid', { role: roleLabel(role) }) });
            input.classList.add('is-invalid');
            input.setAttribute('aria-invalid', 'true');
            input.focus();
            return;
          }
          target[role] = n;
        }
        if (raiseInput.checked) body.rolesAllowedToRaise.push(role);
      }
      await busy(form, async () => {
        try {
          const saved = await api.put('/api/v1/order-settings', { priceLimits: body });
          state.limits = (saved && saved.priceLimits) || body;
          toast(t('orders.settings.limitsSaved'));
          draw();
        } catch (error) {
          showFormError(form, error);
        }
      });
    });
    host.replaceChildren(form);
  }

  async function load() {
    host.replaceChildren(loadingBlock());
    try {
      const data = await api.get('/api/v1/order-settings');
      state.limits = (data && data.priceLimits) || {};
      draw();
    } catch (error) {
      host.replaceChildren(loadError(error, load));
    }
  }

  return { el, load };
}

// ---- (b) reminder rules -----------------------------------------------------------------
