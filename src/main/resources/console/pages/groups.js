// Groups: endpoints by list and/or selector (protocols, node labels, endpoint labels).
import { get, post, patch, del } from '../api.js';
import { t } from '../i18n.js';
import { h, field, input, checkbox, table, section, act, confirmDialog, labelsText, parseLabels, toast } from '../ui.js';

const PROTOCOLS = ['vless', 'vmess', 'trojan', 'shadowsocks'];

export async function render(main, ctx, args) {
  const [groups, eps] = await Promise.all([get('/groups?limit=1000'), get('/endpoints?limit=1000')]);
  if (args[0]) {
    const g = args[0] === 'new' ? null : groups.items.find((x) => x.id === args[0]) || await get('/groups/' + encodeURIComponent(args[0]));
    return form(main, ctx, g, eps.items);
  }
  main.append(h('div.toolbar', h('h1', t('nav.groups')), h('span.spacer'),
    ctx.canWrite ? h('a.btn.primary#group-new', { href: '#/groups/new' }, t('groups.create')) : null));
  main.append(h('div.card', table([t('common.name'), t('groups.description'), t('groups.members'), t('groups.endpoints'), t('groups.selector')],
    groups.items.map((g) => [h('a', { href: '#/groups/' + encodeURIComponent(g.id) }, g.name), g.description, String(g.member_count), String(g.endpoint_ids.length),
      g.selector ? [g.selector.protocols.join(', '), labelsText(g.selector.node_labels), labelsText(g.selector.endpoint_labels)].filter(Boolean).join(' · ') : '—']), t('nav.groups'))));
  return null;
}

function form(main, ctx, g, endpoints) {
  const name = input({ value: g ? g.name : '', required: true });
  const desc = input({ value: g ? g.description : '' });
  const epBox = h('div.checks', endpoints.map((e) => {
    const c = checkbox(g ? g.endpoint_ids.includes(e.id) : false); c.value = e.id;
    return field('ep_' + e.id, e.tag + ' (' + e.protocol + ':' + e.port + ')', c);
  }));
  const sel = g && g.selector;
  const protoBox = h('div.checks', PROTOCOLS.map((p) => { const c = checkbox(sel ? sel.protocols.includes(p) : false); c.value = p; return field('proto_' + p, p, c); }));
  const nodeLabels = h('textarea', { rows: '2' }); nodeLabels.value = sel ? labelsText(sel.node_labels) : '';
  const epLabels = h('textarea', { rows: '2' }); epLabels.value = sel ? labelsText(sel.endpoint_labels) : '';
  const save = h('button.btn.primary#group-save', { type: 'submit', hidden: !ctx.canWrite }, g ? t('common.save') : t('groups.create'));
  const f = h('form.card#group-form', { novalidate: true }, h('h1', g ? g.name : t('groups.create')),
    h('div.form-grid', field('name', t('common.name'), name), field('description', t('groups.description'), desc)),
    h('fieldset.field', { 'data-field': 'endpoint_ids' }, h('legend', t('groups.endpoints')), endpoints.length ? epBox : h('p.muted', t('common.none')), h('p.field-error', { role: 'alert' })),
    h('fieldset.field', { 'data-field': 'selector' }, h('legend', t('groups.selector')), h('p.hint', t('groups.selector_hint')),
      h('div', { 'data-field': 'selector.protocols' }, protoBox, h('p.field-error', { role: 'alert' })),
      h('div.form-grid', field('selector.node_labels', t('groups.node_labels'), nodeLabels, t('common.labels_hint')),
        field('selector.endpoint_labels', t('groups.endpoint_labels'), epLabels, t('common.labels_hint'))),
      h('p.field-error', { role: 'alert' })),
    h('div.actions', save, h('a.btn.ghost', { href: '#/groups' }, t('common.back'))));
  if (!ctx.canWrite) f.querySelectorAll('input, textarea').forEach((x) => { x.disabled = true; });
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    act(save, f, async () => {
      const protocols = [...protoBox.querySelectorAll('input:checked')].map((c) => c.value);
      const nl = parseLabels(nodeLabels.value, 'selector.node_labels');
      const el = parseLabels(epLabels.value, 'selector.endpoint_labels');
      const selector = protocols.length || Object.keys(nl).length || Object.keys(el).length
        ? { protocols, node_labels: nl, endpoint_labels: el } : null;
      const b = { name: name.value.trim(), description: desc.value, endpoint_ids: [...epBox.querySelectorAll('input:checked')].map((c) => c.value), selector };
      const r = g ? await patch('/groups/' + encodeURIComponent(g.id), b) : await post('/groups', b);
      toast(t('common.saved'));
      ctx.navigate('#/groups');
      return r;
    });
  });
  main.append(f);
  if (g && ctx.canWrite) {
    const d = h('button.btn.danger#group-delete', { type: 'button' }, t('common.delete'));
    const card = section(t('nodes.danger'), d);
    d.addEventListener('click', async () => {
      if (!await confirmDialog({ title: t('common.delete'), text: t('groups.delete_text', { name: g.name, n: g.member_count }), ok: t('common.delete') })) return;
      const r = await act(d, card, () => del('/groups/' + encodeURIComponent(g.id)));
      if (r !== undefined) { toast(t('common.deleted')); ctx.navigate('#/groups'); }
    });
    main.append(card);
  }
  return null;
}
