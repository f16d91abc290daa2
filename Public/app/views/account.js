// My account: profile, display name, password.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, getSupported, getLocale } from '../i18n.js';
import { session, setSession, user } from '../session.js';
import { roleLabel } from '../format.js';
import { field, showFormError, clearFormErrors, busy, toast, pageHeader, card } from '../ui.js';

function profileCard() {
  const u = user();
  const { account } = session();
  const localeName = (getSupported().find((l) => l.code === (u.locale || getLocale())) || {}).name || u.locale || '';
  const row = (label, value, testid) => [
    h('dt', null, label),
    h('dd', { 'data-testid': testid }, value === null || value === undefined || value === '' ? '—' : String(value)),
  ];
  return card(t('auth.account.profile'),
    h('dl', { class: 'profile' },
      row(t('auth.account.displayName'), u.displayName, 'profile-name'),
      row(t('auth.account.agentNumber'), u.agentNumber, 'profile-number'),
      row(t('auth.account.email'), u.email, 'profile-email'),
      row(t('auth.account.role'), roleLabel(u.role), 'profile-role'),
      row(t('auth.account.shop'), account && account.name, 'profile-shop'),
      row(t('auth.account.language'), localeName, 'profile-language')));
}

function nameForm(ctx) {
  const input = h('input', {
    type: 'text', name: 'displayName', id: 'account-display-name', 'data-testid': 'account-display-name',
    value: user().displayName, maxlength: '80', required: true, autocomplete: 'nickname',
  });
  const form = h('form', { class: 'form', 'data-testid': 'account-name-form', novalidate: true },
    field(t('auth.account.displayName'), input, { hint: t('auth.account.displayNameHint') }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'account-name-save' }, t('app.common.save'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    await busy(form, async () => {
      try {
        const data = await api.patch('/api/v1/auth/me', { displayName: input.value.trim() });
        setSession({ ...session(), ...data, csrfToken: data.csrfToken || session().csrfToken });
        toast(t('auth.account.nameSaved'));
        ctx.refreshShell();
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  return card(t('auth.account.editName'), form);
}

function passwordForm() {
  const current = h('input', { type: 'password', name: 'currentPassword', id: 'account-current-password', 'data-testid': 'account-current-password', autocomplete: 'current-password', required: true });
  const next = h('input', { type: 'password', name: 'newPassword', id: 'account-new-password', 'data-testid': 'account-new-password', autocomplete: 'new-password', required: true });
  const repeat = h('input', { type: 'password', name: 'repeatPassword', id: 'account-repeat-password', 'data-testid': 'account-repeat-password', autocomplete: 'new-password', required: true });
  const form = h('form', { class: 'form', 'data-testid': 'account-password-form', novalidate: true },
    field(t('auth.account.currentPassword'), current),
    field(t('auth.account.newPassword'), next, { hint: t('auth.account.passwordRules') }),
    field(t('auth.account.repeatPassword'), repeat),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'account-password-save' }, t('auth.account.changePassword'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    if (!current.value) {
      showFormError(form, { message: t('auth.account.currentPasswordMissing'), field: 'currentPassword' });
      return;
    }
    if (!next.value) {
      showFormError(form, { message: t('auth.account.newPasswordMissing'), field: 'newPassword' });
      return;
    }
    if (next.value !== repeat.value) {
      showFormError(form, { message: t('auth.account.passwordMismatch'), field: 'repeatPassword' });
      return;
    }
    await busy(form, async () => {
      try {
        await api.post('/api/v1/auth/password', { currentPassword: current.value, newPassword: next.value });
        form.reset();
        toast(t('auth.account.passwordChanged'));
      } catch (error) {
        if (error.code === 'invalid_credentials' || error.code === 'wrong_password') {
          showFormError(form, { message: t('auth.account.currentPasswordWrong'), field: 'currentPassword' });
        } else {
          showFormError(form, error, { password: 'newPassword' });
        }
      }
    });
  });
  return card(t('auth.account.changePassword'), h('p', { class: 'card-note' }, t('auth.account.passwordNote')), form);
}

export function render(container, ctx) {
  container.append(
    pageHeader(t('auth.account.title'), t('auth.account.subtitle')),
    h('div', { class: 'grid grid-2' },
      profileCard(),
      h('div', { class: 'stack' }, nameForm(ctx), passwordForm())));
}
