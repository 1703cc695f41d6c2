// Settings: cluster settings, subscription settings, and the signed-in admin's own account.
import { api, get, patch, post, ApiError } from '../api.js';
import { t } from '../i18n.js';
import { h, field, input, checkbox, section, act } from '../ui.js';

export async function render(main, ctx) {
  const [s, sub] = await Promise.all([get('/settings'), get('/subscription-settings')]);
  main.append(h('h1', t('nav.settings')));
  const ro = !ctx.canWrite;

  const retention = input({ type: 'number', min: '100', max: '1000000', value: String(s.audit_retention) });
  const devices = input({ type: 'number', min: '0', max: '100', value: String(s.hwid_device_limit) });
  const hwid = checkbox(s.hwid_required);
  const bases = h('textarea.mono', { rows: '3', spellcheck: 'false', placeholder: 'https://sub.example.com' });
  bases.value = (s.public_base_urls || []).join('\n');
  const save1 = h('button.btn.primary#settings-save', { type: 'submit', hidden: ro }, t('common.save'));
  const f1 = h('form.card#settings-form', { novalidate: true }, h('h2', t('settings.cluster')),
    h('div.form-grid', field('audit_retention', t('settings.audit_retention'), retention, t('settings.audit_retention_hint')),
      field('hwid_device_limit', t('settings.device_limit'), devices, t('settings.device_limit_hint'))),
    field('hwid_required', t('settings.hwid_required'), hwid, t('settings.hwid_required_hint')),
    field('public_base_urls', t('settings.public_base_urls'), bases, t('settings.public_base_urls_hint')), h('div.actions', save1));
  f1.addEventListener('submit', (e) => {
    e.preventDefault();
    const urls = bases.value.split('\n').map((u) => u.trim()).filter((u) => u);
    act(save1, f1, () => patch('/settings', { audit_retention: Number(retention.value), hwid_device_limit: Number(devices.value),
      hwid_required: hwid.checked, public_base_urls: urls }), t('common.saved'));
  });

  const interval = input({ type: 'number', min: '1', max: '8760', value: String(sub.update_interval_hours) });
  const title = input({ value: sub.title_template || '' });
  const remark = input({ value: sub.remark_template || '' });
  const support = input({ type: 'url', value: sub.support_url || '' });
  const web = input({ type: 'url', value: sub.web_page_url || '' });
  const builtin = checkbox(sub.ua_rules_builtin);
  const rules = h('textarea.mono', { rows: '6', spellcheck: 'false' });
  rules.value = JSON.stringify(sub.ua_rules, null, 1);
  const save2 = h('button.btn.primary#sub-settings-save', { type: 'submit', hidden: ro }, t('common.save'));
  const f2 = h('form.card#sub-settings-form', { novalidate: true }, h('h2', t('settings.subscription')),
    h('div.form-grid', field('update_interval_hours', t('settings.update_interval'), interval),
      field('title_template', t('settings.title_template'), title, t('settings.template_hint')),
      field('remark_template', t('settings.remark_template'), remark, t('settings.template_hint')),
      field('support_url', t('settings.support_url'), support), field('web_page_url', t('settings.web_page_url'), web)),
    field('ua_rules_builtin', t('settings.ua_builtin'), builtin),
    field('ua_rules', t('settings.ua_rules'), rules, t('settings.ua_rules_hint')), h('div.actions', save2));
  f2.addEventListener('submit', (e) => {
    e.preventDefault();
    act(save2, f2, () => {
      const b = { update_interval_hours: Number(interval.value), title_template: title.value, remark_template: remark.value,
        support_url: support.value.trim() || null, web_page_url: web.value.trim() || null };
      if (builtin.checked) b.ua_rules_builtin = true;
      else {
        try { b.ua_rules = JSON.parse(rules.value); } catch (err) {
          throw new ApiError(400, { detail: t('error.invalid_input'), errors: [{ field: 'ua_rules', message: t('settings.ua_rules_json') }] });
        }
        b.ua_rules_builtin = false;
      }
      return patch('/subscription-settings', b);
    }, t('common.saved'));
  });
  if (ro) [f1, f2].forEach((f) => f.querySelectorAll('input, textarea').forEach((x) => { x.disabled = true; }));
  main.append(f1, f2);
  if (ctx.admin) account(main, ctx);
  return null;
}

function account(main, ctx) {
  const cur = input({ type: 'password', autocomplete: 'current-password' });
  const next = input({ type: 'password', autocomplete: 'new-password' });
  const save = h('button.btn.primary', { type: 'submit' }, t('settings.change_password'));
  const f = h('form.card#password-form', { novalidate: true }, h('h2', t('settings.account', { name: ctx.admin.username })),
    h('div.form-grid', field('current_password', t('settings.current_password'), cur), field('new_password', t('settings.new_password'), next)),
    h('div.actions', save));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    act(save, f, async () => {
      await post('/auth/password', { current_password: cur.value, new_password: next.value });
      cur.value = ''; next.value = '';
      // a new password ends every session of the admin: sign in again with it
      setTimeout(() => location.reload(), 1500);
      return true;
    }, t('settings.password_changed'));
  });
  main.append(f);
  const totp = section(t('settings.totp'));
  const code = input({ inputmode: 'numeric', autocomplete: 'one-time-code' });
  const out = h('div');
  const draw = () => {
    out.replaceChildren();
    if (ctx.admin.totp_enabled) {
      const off = h('button.btn.danger', { type: 'submit' }, t('settings.totp_disable'));
      const f2 = h('form', { novalidate: true }, h('p', t('settings.totp_on')), field('code', t('login.totp'), code), h('div.actions', off));
      f2.addEventListener('submit', (e) => { e.preventDefault(); act(off, f2, async () => { ctx.admin = await api('DELETE', '/auth/totp', { code: code.value.trim() }); draw(); return true; }, t('common.saved')); });
      out.append(f2);
    } else {
      const start = h('button.btn', { type: 'button' }, t('settings.totp_enroll'));
      start.addEventListener('click', () => act(start, totp, async () => {
        const r = await post('/auth/totp/enroll');
        const confirmBtn = h('button.btn.primary', { type: 'submit' }, t('settings.totp_confirm'));
        const f3 = h('form', { novalidate: true }, h('p', t('settings.totp_scan')), h('div.secret', h('code', r.secret)), h('p.mono', r.otpauth_uri),
          field('code', t('login.totp'), code), h('div.actions', confirmBtn));
        f3.addEventListener('submit', (e) => { e.preventDefault(); act(confirmBtn, f3, async () => { ctx.admin = await post('/auth/totp/confirm', { code: code.value.trim() }); draw(); return true; }, t('common.saved')); });
        out.replaceChildren(f3);
        return true;
      }));
      out.append(h('p', t('settings.totp_off')), start);
    }
  };
  totp.append(out);
  draw();
  main.append(totp);
}
