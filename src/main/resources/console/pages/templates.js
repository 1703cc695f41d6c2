// User templates: defaults for new users.
import { get, post, patch, del } from '../api.js';
import { t, bytes } from '../i18n.js';
import { h, field, input, select, checkbox, table, section, act, confirmDialog, gbToBytes, bytesToGb, toast } from '../ui.js';

const RESETS = ['no_reset', 'day', 'week', 'month', 'year'];

export async function render(main, ctx, args) {
  const [tpls, groups] = await Promise.all([get('/user-templates?limit=1000'), get('/groups?limit=1000')]);
  if (args[0]) {
    const x = args[0] === 'new' ? null : tpls.items.find((y) => y.id === args[0]) || await get('/user-templates/' + encodeURIComponent(args[0]));
    return form(main, ctx, x, groups.items);
  }
  main.append(h('div.toolbar', h('h1', t('nav.templates')), h('span.spacer'),
    ctx.canWrite ? h('a.btn.primary#template-new', { href: '#/templates/new' }, t('templates.create')) : null));
  main.append(h('div.card', table([t('common.name'), t('users.limit_gb'), t('templates.expire_days'), t('users.reset_strategy'), t('users.on_hold')],
    tpls.items.map((x) => [h('a', { href: '#/templates/' + encodeURIComponent(x.id) }, x.name), x.data_limit_bytes ? bytes(x.data_limit_bytes) : '∞',
      x.expire_seconds ? String(Math.round(x.expire_seconds / 86400)) : t('users.never'), t('reset.' + x.reset_strategy), x.on_hold ? t('common.yes') : t('common.no')]), t('nav.templates'))));
  return null;
}

function form(main, ctx, x, groups) {
  const name = input({ value: x ? x.name : '', required: true });
  const note = input({ value: x ? x.note : '' });
  const limit = input({ type: 'number', min: '0', step: 'any', value: x ? bytesToGb(x.data_limit_bytes) : '' });
  const days = input({ type: 'number', min: '0', value: x && x.expire_seconds ? String(x.expire_seconds / 86400) : '' });
  const reset = select(RESETS.map((r) => [r, t('reset.' + r)]), x ? x.reset_strategy : 'no_reset');
  const onHold = checkbox(x ? x.on_hold : false);
  const ohDays = input({ type: 'number', min: '0', value: x && x.on_hold_expire_seconds ? String(x.on_hold_expire_seconds / 86400) : '' });
  const gBox = h('div.checks', groups.map((g) => { const c = checkbox(x ? x.group_ids.includes(g.id) : false); c.value = g.id; return field('g_' + g.id, g.name, c); }));
  const save = h('button.btn.primary#template-save', { type: 'submit', hidden: !ctx.canWrite }, x ? t('common.save') : t('templates.create'));
  const f = h('form.card#template-form', { novalidate: true }, h('h1', x ? x.name : t('templates.create')),
    h('div.form-grid', field('name', t('common.name'), name), field('note', t('users.note'), note),
      field('data_limit_bytes', t('users.limit_gb'), limit, t('users.limit_hint')),
      field('expire_seconds', t('templates.expire_days'), days, t('templates.expire_hint')),
      field('reset_strategy', t('users.reset_strategy'), reset),
      field('on_hold_expire_seconds', t('users.on_hold_days'), ohDays)),
    field('on_hold', t('users.on_hold'), onHold, t('users.on_hold_hint')),
    h('fieldset.field', { 'data-field': 'group_ids' }, h('legend', t('users.groups')), groups.length ? gBox : h('p.muted', t('users.no_groups')), h('p.field-error', { role: 'alert' })),
    h('div.actions', save, h('a.btn.ghost', { href: '#/templates' }, t('common.back'))));
  if (!ctx.canWrite) f.querySelectorAll('input, select').forEach((y) => { y.disabled = true; });
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    act(save, f, async () => {
      const b = {
        name: name.value.trim(), note: note.value, data_limit_bytes: gbToBytes(limit.value, 'data_limit_bytes'),
        expire_seconds: Math.round(Number(days.value || 0) * 86400), reset_strategy: reset.value, on_hold: onHold.checked,
        on_hold_expire_seconds: Math.round(Number(ohDays.value || 0) * 86400),
        group_ids: [...gBox.querySelectorAll('input:checked')].map((c) => c.value),
      };
      const r = x ? await patch('/user-templates/' + encodeURIComponent(x.id), b) : await post('/user-templates', b);
      toast(t('common.saved'));
      ctx.navigate('#/templates');
      return r;
    });
  });
  main.append(f);
  if (x && ctx.canWrite) {
    const d = h('button.btn.danger', { type: 'button' }, t('common.delete'));
    const card = section(t('nodes.danger'), d);
    d.addEventListener('click', async () => {
      if (!await confirmDialog({ title: t('common.delete'), text: t('templates.delete_text', { name: x.name }), ok: t('common.delete') })) return;
      const r = await act(d, card, () => del('/user-templates/' + encodeURIComponent(x.id)));
      if (r !== undefined) { toast(t('common.deleted')); ctx.navigate('#/templates'); }
    });
    main.append(card);
  }
  return null;
}
