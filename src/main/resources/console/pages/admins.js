// Admin accounts and API tokens (owner only; the API refuses others with 403 as well).
import { get, post, patch, del } from '../api.js';
import { t, date, ago } from '../i18n.js';
import { h, field, input, select, checkbox, table, section, badge, act, confirmDialog, copyButton, showError } from '../ui.js';

const ROLES = ['owner', 'admin', 'viewer'];

export async function render(main, ctx) {
  main.append(h('h1', t('nav.admins')));
  await admins(main, ctx);
  await tokens(main, ctx);
  return null;
}

async function admins(main, ctx) {
  const card = section(t('admins.accounts'));
  card.id = 'admins';
  const list = h('div');
  const draw = async () => {
    let res;
    try { res = await get('/admins?limit=1000'); } catch (e) {
      if (e.status === 404) { list.replaceChildren(h('p.notice', t('admins.not_available'))); return; }
      throw e;
    }
    list.replaceChildren(table([t('admins.username'), t('admins.role'), t('admins.state'), t('admins.totp'), t('admins.last_login'), ''],
      res.items.map((a) => {
        const role = select(ROLES.map((r) => [r, t('role.' + r)]), a.role);
        role.setAttribute('aria-label', t('admins.role_of', { name: a.username }));
        role.addEventListener('change', () => act(role, card, () => patch('/admins/' + a.id, { role: role.value }), t('common.saved')).then(draw));
        const toggle = h('button.btn.small', { type: 'button' }, a.disabled ? t('users.enable') : t('users.disable'));
        toggle.addEventListener('click', () => act(toggle, card, () => patch('/admins/' + a.id, { disabled: !a.disabled }), t('common.saved')).then(draw));
        const pw = h('button.btn.small', { type: 'button' }, t('admins.set_password'));
        pw.addEventListener('click', () => setPassword(card, a, draw));
        const d = h('button.btn.small.danger', { type: 'button' }, t('common.delete'));
        d.addEventListener('click', async () => {
          if (await confirmDialog({ title: t('common.delete'), text: t('admins.delete_text', { name: a.username }), ok: t('common.delete'), typeName: a.username })) {
            act(d, card, () => del('/admins/' + a.id), t('common.deleted')).then(draw);
          }
        });
        return [a.username, role, a.disabled ? badge(t('status.disabled'), 'disabled') : badge(t('status.active'), 'active'),
          a.totp_enabled ? t('common.yes') : t('common.no'), a.last_login_at ? ago(a.last_login_at) : t('common.never'),
          h('div.row-actions', toggle, pw, d)];
      }), t('admins.accounts')));
  };
  const username = input({ autocomplete: 'off', autocapitalize: 'none' });
  const password = input({ type: 'password', autocomplete: 'new-password' });
  const role = select(ROLES.map((r) => [r, t('role.' + r)]), 'admin');
  const create = h('button.btn.primary#admin-create', { type: 'submit' }, t('admins.create'));
  const f = h('form#admin-form', { novalidate: true }, h('h3', t('admins.create')),
    h('div.form-grid', field('username', t('admins.username'), username), field('password', t('login.password'), password, t('admins.password_hint')), field('role', t('admins.role'), role)),
    h('div.actions', create));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    act(create, f, async () => {
      const r = await post('/admins', { username: username.value.trim(), password: password.value, role: role.value });
      username.value = ''; password.value = '';
      await draw();
      return r;
    }, t('admins.created'));
  });
  card.append(list, f);
  main.append(card);
  await draw();
}

function setPassword(card, a, draw) {
  const pw = input({ type: 'password', autocomplete: 'new-password' });
  const save = h('button.btn.primary', { type: 'submit' }, t('common.save'));
  const f = h('form.card', { novalidate: true }, h('h3', t('admins.set_password_for', { name: a.username })), field('password', t('login.password'), pw), h('div.actions', save));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    act(save, f, () => patch('/admins/' + a.id, { password: pw.value }), t('common.saved')).then((r) => { if (r !== undefined) { f.remove(); draw(); } });
  });
  card.append(f);
  pw.focus();
}

async function tokens(main) {
  const card = section(t('admins.tokens'));
  const list = h('div');
  const draw = async () => {
    const res = await get('/admin-tokens?limit=1000');
    list.replaceChildren(table([t('common.name'), t('admins.role'), t('common.created'), t('admins.last_used'), ''],
      res.items.filter((x) => !x.revoked).map((x) => {
        const b = h('button.btn.small.danger', { type: 'button' }, t('nodes.revoke'));
        b.addEventListener('click', async () => {
          if (await confirmDialog({ title: t('nodes.revoke'), text: t('admins.revoke_text', { name: x.name }), ok: t('nodes.revoke') })) {
            act(b, card, () => del('/admin-tokens/' + x.id), t('nodes.revoked')).then(draw);
          }
        });
        return [x.name, t('role.' + x.role), date(x.created_at), x.last_used_at ? ago(x.last_used_at) : t('common.never'), b];
      }), t('admins.tokens')));
  };
  const name = input({ autocomplete: 'off' });
  const role = select(ROLES.map((r) => [r, t('role.' + r)]), 'viewer');
  const out = h('div');
  const create = h('button.btn.primary#token-create', { type: 'submit' }, t('admins.create_token'));
  const f = h('form', { novalidate: true }, h('h3', t('admins.create_token')),
    h('div.form-grid', field('name', t('common.name'), name), field('role', t('admins.role'), role)), h('div.actions', create), out);
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    act(create, f, async () => {
      const r = await post('/admin-tokens', { name: name.value.trim(), role: role.value });
      out.replaceChildren(h('p.notice', t('admins.token_once')), h('div.secret', h('code#new-token', r.token), copyButton(() => r.token)));
      name.value = '';
      await draw();
      return r;
    });
  });
  card.append(list, f);
  main.append(card);
  try { await draw(); } catch (e) { showError(card, e); }
}
