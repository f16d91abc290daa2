// Sign-in: e-mail + password, errors inline (401 wrong credentials, 429 with the
// Retry-After hint), and the language switch before anyone is signed in.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, getLocale, setLocale } from '../i18n.js';
import { icon } from '../icons.js';
import { languageSelect } from '../langswitch.js';
import { setSession, session } from '../session.js';
import { field, showFormError, clearFormErrors, busy } from '../ui.js';

// The language chosen on this screen during this visit; saved to the account on sign-in.
let pickedHere = null;
// What was typed in the e-mail box, kept when the page is redrawn in another language.
let draftEmail = '';

export function renderSignIn(root, { onSignedIn, onLocale }) {
  const email = h('input', {
    type: 'email', name: 'email', id: 'signin-email', 'data-testid': 'signin-email',
    autocomplete: 'username', required: true, placeholder: t('auth.signin.emailPlaceholder'),
    value: draftEmail, oninput: (event) => { draftEmail = event.target.value; },
  });
  const password = h('input', {
    type: 'password', name: 'password', id: 'signin-password', 'data-testid': 'signin-password',
    autocomplete: 'current-password', required: true,
  });

  const form = h('form', { class: 'signin-form', id: 'signin-form', 'data-testid': 'signin-form', novalidate: true },
    field(t('auth.signin.email'), email),
    field(t('auth.signin.password'), password),
    h('button', { type: 'submit', class: 'btn btn-primary btn-block', id: 'signin-submit', 'data-testid': 'signin-submit' },
      t('auth.signin.submit')),
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    if (!email.value.trim() || !password.value) {
      showFormError(form, { message: t('auth.signin.missing'), field: !email.value.trim() ? 'email' : 'password' });
      return;
    }
    await busy(form, async () => {
      try {
        const data = await api.post('/api/v1/auth/login', { email: email.value.trim(), password: password.value }, { quiet401: true });
        setSession(data);
        const stored = data.user.locale;
        if (pickedHere && pickedHere !== stored) {
          try {
            const updated = await api.patch('/api/v1/auth/me', { locale: pickedHere });
            if (updated && updated.user) setSession({ ...data, ...updated, csrfToken: updated.csrfToken || data.csrfToken });
          } catch {
            // Best effort: the language is still used in this browser.
          }
        } else if (stored && stored !== getLocale()) {
          try {
            await setLocale(stored);
          } catch {
            // Keep the current language.
          }
        }
        pickedHere = null;
        draftEmail = '';
        if (session()) onSignedIn();
      } catch (error) {
        password.value = '';
        showFormError(form, error);
        if (error.code === 'invalid_credentials') password.focus();
      }
    });
  });

  const card = h('div', { class: 'signin-card' },
    h('div', { class: 'signin-brand' },
      icon('logo', 'brand-mark brand-mark-large'),
      h('div', null,
        h('div', { class: 'signin-title' }, t('app.title')),
        h('div', { class: 'signin-subtitle' }, t('auth.signin.subtitle')))),
    h('h1', { class: 'signin-heading' }, t('auth.signin.title')),
    form,
  );

  const lang = h('div', { class: 'signin-lang' },
    icon('globe', 'icon icon-muted'),
    languageSelect((locale) => {
      pickedHere = locale;
      onLocale(locale);
    }, { id: 'signin-locale', 'data-testid': 'signin-locale' }));

  root.replaceChildren(h('div', { class: 'signin-page', 'data-testid': 'signin-page' },
    lang,
    card,
    h('p', { class: 'signin-foot' }, t('auth.signin.footer'))));
  (draftEmail ? password : email).focus();
}
