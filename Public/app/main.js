// Boot: who is signed in? 401 → sign-in view, 200 → the workbench shell.
// Pages are chosen by a hash router (#/conversations, #/account, ...); see routes.js.
// A page may own the rest of the address (#/conversations/<id>): when only that
// part changes, the router calls the view's subroute(rest) instead of drawing it again.
import { api, setUnauthorizedHandler } from './api.js';
import { h } from './dom.js';
import { t, loadLocale, setLocale, rememberedLocale, getLocale, errorText } from './i18n.js';
import { setSession, clearSession, session, isAdmin } from './session.js';
import { renderShell } from './shell.js';
import { routes, defaultRoute } from './routes.js';
import './panels.js'; // the tabs beside a conversation, registered by each capability
import { renderSignIn } from './views/signin.js';
import { toast, loadError } from './ui.js';
import { startChat, stopChat } from './chat/runtime.js';
import { refreshBadges } from './chat/notify.js';
import { watchNotices } from './automation/notice.js';

const root = document.getElementById('app');
let shell = null;
let cleanup = null;
let renderToken = 0;
let shownPath = null;

function currentPath() {
  const hash = window.location.hash.replace(/^#\/?/, '');
  return hash.split(/[/?]/)[0] || '';
}

/** What follows the page in the address: "abc" for #/conversations/abc. */
function currentSubpath() {
  const hash = window.location.hash.replace(/^#\/?/, '');
  const slash = hash.indexOf('/');
  return slash >= 0 ? hash.slice(slash + 1) : '';
}

function navigate(path) {
  const target = `#/${path}`;
  if (window.location.hash === target) renderRoute();
  else window.location.hash = target;
}

function saveLocaleToAccount(locale) {
  if (!session()) return Promise.resolve();
  return api.patch('/api/v1/auth/me', { locale }).then((data) => {
    if (data && data.user) setSession({ ...session(), ...data, csrfToken: data.csrfToken || session().csrfToken });
  });
}

async function changeLocale(locale) {
  try {
    await setLocale(locale, saveLocaleToAccount);
  } catch (error) {
    toast(errorText(error), 'error');
  }
  render();
}

async function signOut() {
  try {
    await api.post('/api/v1/auth/logout');
  } catch {
    // Signed out locally either way.
  }
  clearSession();
  stopChat();
  const toasts = document.getElementById('toasts');
  if (toasts) toasts.replaceChildren();
  history.replaceState(null, '', window.location.pathname + window.location.search);
  render();
}

function onSignedIn() {
  if (!currentPath()) history.replaceState(null, '', `#/${defaultRoute}`);
  render();
}

function renderRoute({ force = false } = {}) {
  if (!session() || !shell) return;
  let path = currentPath();
  let route = routes.find((r) => r.path === path);
  if (!route || (route.admin && !isAdmin())) {
    path = defaultRoute;
    route = routes.find((r) => r.path === path);
    history.replaceState(null, '', `#/${path}`);
  }
  if (!force && path === shownPath && typeof route.view.subroute === 'function' && route.view.subroute(currentSubpath()) !== false) {
    shell.setActive(path);
    return;
  }
  if (typeof cleanup === 'function') cleanup();
  cleanup = null;
  shownPath = path;
  shell.setActive(path);
  const container = shell.content;
  container.replaceChildren();
  container.setAttribute('data-route', path);
  const token = ++renderToken;
  const ctx = {
    navigate,
    refreshShell: () => render(),
    isCurrent: () => token === renderToken,
    subpath: currentSubpath(),
  };
  try {
    const result = route.view.render(container, ctx);
    if (result && typeof result.then === 'function') {
      result.then((fn) => { if (token === renderToken) cleanup = fn; })
        .catch((error) => { if (token === renderToken) container.replaceChildren(loadError(error, renderRoute)); });
    } else {
      cleanup = result;
    }
  } catch (error) {
    container.replaceChildren(loadError(error, renderRoute));
  }
}

/** Draws the whole page for the current state (signed in or not). */
function render() {
  if (session()) {
    document.body.classList.remove('signed-out');
    watchNotices(startChat()); // automation rules' notices on every page
    shell = renderShell(root, { onSignOut: signOut, onLocale: changeLocale });
    refreshBadges();
    renderRoute({ force: true });
  } else {
    shell = null;
    shownPath = null;
    stopChat();
    if (typeof cleanup === 'function') cleanup();
    cleanup = null;
    document.body.classList.add('signed-out');
    renderSignIn(root, { onSignedIn, onLocale: async (locale) => {
      try {
        await setLocale(locale);
      } catch (error) {
        toast(errorText(error), 'error');
      }
      render();
    } });
  }
  root.removeAttribute('aria-busy');
}

async function boot() {
  setUnauthorizedHandler(() => {
    if (!session()) return;
    clearSession();
    render();
  });

  let me = null;
  let failure = null;
  try {
    me = await api.get('/api/v1/auth/me', { quiet401: true });
  } catch (error) {
    if (error.status !== 401) failure = error;
  }
  if (me && me.user) setSession(me);

  const wanted = (me && me.user && me.user.locale) || rememberedLocale() || null;
  try {
    await loadLocale(wanted);
  } catch (error) {
    // A remembered locale the server no longer offers: let the server choose.
    try {
      if (!wanted) throw error;
      await loadLocale(null);
    } catch (again) {
      failure = failure || again;
    }
  }

  if (failure && !me) {
    root.replaceChildren(h('div', { class: 'boot-error', role: 'alert' },
      h('p', null, errorText(failure)),
      h('button', { type: 'button', class: 'btn', onclick: () => window.location.reload() }, t('app.common.retry'))));
    root.removeAttribute('aria-busy');
    return;
  }
  if (session() && !currentPath()) history.replaceState(null, '', `#/${defaultRoute}`);
  render();
  window.addEventListener('hashchange', () => {
    if (session()) renderRoute();
  });
  document.documentElement.dataset.ready = getLocale() || '';
}

boot();
