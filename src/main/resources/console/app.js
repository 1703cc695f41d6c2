// The console shell: language and theme, session (cookie login or an API token kept in memory),
// the navigation for the role, and the hash router (#/users, #/users/<id>, ...).
import { setLang, pick, t, lang } from './i18n.js';
import { api, get, post, setCsrf, setBearer, usingBearer, onUnauthorized, ApiError } from './api.js';
import { h, field, input, showError, clearErrors } from './ui.js';

const PAGES = {
  overview: () => import('./pages/overview.js'),
  users: () => import('./pages/users.js'),
  nodes: () => import('./pages/nodes.js'),
  endpoints: () => import('./pages/endpoints.js'),
  groups: () => import('./pages/groups.js'),
  templates: () => import('./pages/templates.js'),
  admins: () => import('./pages/admins.js'),
  audit: () => import('./pages/audit.js'),
  settings: () => import('./pages/settings.js'),
};
const NAV = ['overview', 'users', 'nodes', 'endpoints', 'groups', 'templates', 'admins', 'audit', 'settings'];

const ctx = {
  role: null, // owner | admin | viewer
  admin: null, // the logged-in admin account (null with an API token)
  get canWrite() { return this.role === 'owner' || this.role === 'admin'; },
  get isOwner() { return this.role === 'owner'; },
  navigate(hash) { if (location.hash === hash) route(); else location.hash = hash; },
};
let cleanup = null;
let routeSeq = 0;

const main = () => document.getElementById('main');

function theme(initial) {
  const root = document.documentElement;
  const saved = localStorage.getItem('raftray.theme');
  const dark = saved ? saved === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
  if (initial) root.dataset.theme = dark ? 'dark' : 'light';
  else {
    root.dataset.theme = root.dataset.theme === 'dark' ? 'light' : 'dark';
    localStorage.setItem('raftray.theme', root.dataset.theme);
  }
  const b = document.getElementById('theme-toggle');
  b.setAttribute('aria-label', t(root.dataset.theme === 'dark' ? 'shell.theme_light' : 'shell.theme_dark'));
  b.title = b.getAttribute('aria-label');
}

function translateShell() {
  document.getElementById('skip-link').textContent = t('shell.skip');
  document.getElementById('lang-label').textContent = t('shell.language');
  document.getElementById('logout').textContent = t('shell.logout');
  document.getElementById('menu-toggle').setAttribute('aria-label', t('shell.menu'));
  document.getElementById('lang-select').value = lang();
  document.title = t('shell.title');
  theme(true);
}

function buildNav() {
  const nav = document.getElementById('nav');
  nav.replaceChildren(h('ul', NAV.filter((p) => p !== 'admins' || ctx.isOwner).map((p) =>
    h('li', h('a', { href: '#/' + p, 'data-page': p, id: 'nav-' + p }, t('nav.' + p))))));
  nav.hidden = false;
  document.getElementById('menu-toggle').hidden = false;
  const who = document.getElementById('who');
  who.textContent = (ctx.admin ? ctx.admin.username : t('shell.api_token')) + ' · ' + t('role.' + ctx.role);
  document.getElementById('logout').hidden = false;
}

async function route() {
  const my = ++routeSeq;
  if (cleanup) { try { cleanup(); } catch (e) { /* page already gone */ } cleanup = null; }
  if (!ctx.role) { renderLogin(); return; }
  // a page's own state (the users list's filters and sort) may follow a '?' in the hash
  const [page, ...rest] = location.hash.replace(/^#\/?/, '').split('?')[0].split('/');
  const name = PAGES[page] && (page !== 'admins' || ctx.isOwner) ? page : 'overview';
  document.querySelectorAll('#nav a').forEach((a) => {
    if (a.dataset.page === name) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  document.getElementById('nav').classList.remove('open');
  document.getElementById('menu-toggle').setAttribute('aria-expanded', 'false');
  const m = main();
  m.replaceChildren(h('p.muted', t('common.loading')));
  try {
    const mod = await PAGES[name]();
    if (my !== routeSeq) return;
    m.replaceChildren();
    m.dataset.page = name;
    cleanup = (await mod.render(m, ctx, rest.map(decodeURIComponent))) || null;
  } catch (e) {
    if (my !== routeSeq) return;
    m.replaceChildren(h('div.card', h('p.form-error', { role: 'alert' },
      e instanceof ApiError ? e.text() : t('error.page', { message: String(e && e.message || e) }))));
  }
}

/** Finds the role of an API token: what it may read. */
async function tokenRole() {
  try { await get('/admin-tokens?limit=1', { quiet: true }); return 'owner'; } catch (e) {
    if (e.status === 401) throw e;
  }
  try { await get('/join-requests?limit=1', { quiet: true }); return 'admin'; } catch (e) {
    if (e.status === 401) throw e;
  }
  return 'viewer';
}

function signedIn(session) {
  if (session) {
    ctx.admin = session.admin;
    ctx.role = session.admin.role;
    setCsrf(session.csrf_token);
  }
  buildNav();
  if (!location.hash || location.hash === '#/login') location.hash = '#/overview';
  else route();
}

function signedOut(message) {
  ctx.role = null; ctx.admin = null;
  setCsrf(null); setBearer(null);
  document.getElementById('nav').hidden = true;
  document.getElementById('menu-toggle').hidden = true;
  document.getElementById('logout').hidden = true;
  document.getElementById('who').textContent = '';
  renderLogin(message);
}

function renderLogin(message) {
  if (cleanup) { try { cleanup(); } catch (e) { /* ignore */ } cleanup = null; }
  const m = main();
  m.dataset.page = 'login';
  const user = input({ autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: false });
  const pass = input({ type: 'password', autocomplete: 'current-password', required: true });
  const code = input({ inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9]{6,8}' });
  const codeField = field('totp_code', t('login.totp'), code, t('login.totp_hint'));
  codeField.hidden = true;
  const submit = h('button.btn.primary', { type: 'submit', id: 'login-submit' }, t('login.submit'));
  const form = h('form.card.login#login-form', { novalidate: true },
    h('h1', t('login.title')),
    message ? h('p.notice', { role: 'status' }, message) : null,
    field('username', t('login.username'), user),
    field('password', t('login.password'), pass),
    codeField,
    h('div.actions', submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    submit.disabled = true;
    try {
      const body = { username: user.value.trim(), password: pass.value };
      if (!codeField.hidden && code.value) body.totp_code = code.value.trim();
      // quiet: a 401 here is a wrong password or a missing code, not an ended session
      const s = await api('POST', '/auth/login', body, { quiet: true });
      pass.value = '';
      signedIn(s);
    } catch (e) {
      if (e instanceof ApiError && e.errors.some((x) => x.field === 'totp_code')) {
        codeField.hidden = false;
      }
      if (e instanceof ApiError && e.status === 404) {
        showError(form, new ApiError(404, { detail: t('login.no_password_login') }));
      } else showError(form, e);
      if (!codeField.hidden && e.errors && e.errors.some((x) => x.field === 'totp_code')) code.focus();
    } finally { submit.disabled = false; }
  });
  const token = input({ type: 'password', autocomplete: 'off', spellcheck: false });
  const tokenBtn = h('button.btn', { type: 'submit', id: 'token-submit' }, t('login.token_submit'));
  const tokenForm = h('form#token-form', { novalidate: true },
    field('token', t('login.token'), token, t('login.token_hint')), h('div.actions', tokenBtn));
  tokenForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(tokenForm);
    const v = token.value.trim();
    if (!v) { showError(tokenForm, new ApiError(400, { detail: t('error.invalid_input'), errors: [{ field: 'token', message: t('error.required') }] })); return; }
    setBearer(v);
    try {
      ctx.role = await tokenRole();
      ctx.admin = null;
      token.value = '';
      signedIn(null);
    } catch (e) {
      setBearer(null);
      showError(tokenForm, e.status === 401 ? new ApiError(401, { detail: t('login.token_wrong') }) : e);
    }
  });
  m.replaceChildren(h('div.login-wrap', form,
    h('details.card.login', h('summary', t('login.with_token')), tokenForm)));
  user.focus();
}

async function start() {
  await setLang(localStorage.getItem('raftray.lang') || pick(navigator.languages));
  translateShell();
  document.getElementById('lang-select').addEventListener('change', async (e) => {
    localStorage.setItem('raftray.lang', e.target.value);
    await setLang(e.target.value);
    translateShell();
    if (ctx.role) buildNav();
    route();
  });
  document.getElementById('theme-toggle').addEventListener('click', () => theme(false));
  document.getElementById('menu-toggle').addEventListener('click', (e) => {
    const nav = document.getElementById('nav');
    const open = nav.classList.toggle('open');
    e.currentTarget.setAttribute('aria-expanded', String(open));
  });
  document.getElementById('logout').addEventListener('click', async () => {
    if (!usingBearer()) {
      try { await post('/auth/logout'); } catch (e) { /* the session is gone either way */ }
    }
    signedOut(t('login.signed_out'));
  });
  onUnauthorized(() => signedOut(t('login.expired')));
  window.addEventListener('hashchange', route);
  try {
    const s = await get('/auth/session', { quiet: true });
    signedIn(s);
  } catch (e) {
    signedOut(e.status === 401 || e.status === 404 ? null : (e.text ? e.text() : String(e)));
  }
}

start();
