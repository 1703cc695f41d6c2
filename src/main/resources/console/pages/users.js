// Users: server-side search/filter/sort with cursor pages (filters and sort kept in the hash,
// #/users?q=..&sort=-used_bytes), create/edit, actions, bulk with a dry run.
import { get, getText, post, patch, del, qs, ApiError } from '../api.js';
import { t, bytes, date, day, ago, num } from '../i18n.js';
import {
  h, field, input, select, checkbox, table, badge, section, act, showError, clearErrors,
  confirmDialog, copyButton, gbToBytes, bytesToGb, toast,
} from '../ui.js';
import { usageCard } from '../chart.js';

const STATUSES = ['active', 'disabled', 'limited', 'expired', 'on_hold'];
const RESETS = ['no_reset', 'day', 'week', 'month', 'year'];
const PAGE = 50;
// Sortable columns: the API's sort key of each; a click sorts ascending, the next descending.
const SORTS = ['name', 'created_at', 'used_bytes', 'expire_at', 'online_at'];
const ONLINE = ['5', '1440'];

export async function render(main, ctx, args) {
  const groups = (await get('/groups?limit=1000')).items;
  if (args[0] === 'new') return form(main, ctx, null, groups);
  if (args[0]) return detail(main, ctx, args[0], groups);
  return list(main, ctx, groups);
}

function usage(u) {
  const limit = u.data_limit_bytes;
  return h('div.usage',
    limit ? h('meter', { min: '0', max: String(limit), value: String(Math.min(u.used_bytes, limit)), high: String(limit * 0.9), 'aria-label': t('users.usage') }) : null,
    bytes(u.used_bytes) + ' / ' + (limit ? bytes(limit) : '∞'));
}

function groupNames(ids, groups) {
  const m = Object.fromEntries(groups.map((g) => [g.id, g.name]));
  return (ids || []).map((id) => m[id] || id).join(', ');
}

/** The list's state from the hash (#/users?q=..&status=..&group_id=..&online=5&sort=-name). */
function hashState() {
  const p = new URLSearchParams(location.hash.split('?')[1] || '');
  const one = (k, ok) => (p.get(k) && (!ok || ok.includes(p.get(k))) ? p.get(k) : '');
  const sort = p.get('sort') || '';
  return {
    q: p.get('q') || '', status: one('status', STATUSES), group_id: one('group_id'),
    online: one('online', ONLINE), sort: SORTS.includes(sort.replace(/^-/, '')) ? sort : '',
  };
}

async function list(main, ctx, groups) {
  const st = hashState();
  const q = input({ type: 'search', placeholder: t('users.search_hint'), value: st.q });
  const status = select([['', t('common.any')], ...STATUSES.map((s) => [s, t('status.' + s)])], st.status);
  const group = select([['', t('common.any')], ...groups.map((g) => [g.id, g.name])], st.group_id);
  const online = select([['', t('common.any')], ['5', t('users.online_5m')], ['1440', t('users.online_24h')]], st.online);
  let sort = st.sort;
  const filterForm = h('form.toolbar#user-filter', { role: 'search' },
    field('q', t('users.search'), q), field('status', t('users.status'), status),
    field('group_id', t('users.group'), group), field('online_since', t('users.online'), online),
    h('button.btn', { type: 'submit' }, t('common.apply')));
  const out = h('div');
  const pager = h('div.pager');
  const selected = new Set();
  let cursors = [null];
  let page = 0;
  let lastFilter = {};

  function filter() {
    const f = {};
    if (q.value.trim()) f.q = q.value.trim();
    if (status.value) f.status = status.value;
    if (group.value) f.group_id = group.value;
    if (online.value) f.online_since = new Date(Date.now() - Number(online.value) * 60000).toISOString();
    return f;
  }

  /** Keeps the filters and the sort in the hash (no new history entry, no re-render). */
  function saveHash() {
    const s = qs({ q: q.value.trim(), status: status.value, group_id: group.value, online: online.value, sort });
    const want = '#/users' + s;
    if (location.hash !== want) history.replaceState(null, '', want);
  }

  /** A column header that sorts by {@code key}: a button; the th gets aria-sort. */
  function sortHeader(label, key) {
    const on = sort.replace(/^-/, '') === key;
    const desc = on && sort.startsWith('-');
    const b = h('button.sort#sort-' + key, { type: 'button', 'data-sort': key },
      label, h('span.sort-mark', { 'aria-hidden': 'true' }, on ? (desc ? ' ▼' : ' ▲') : ''));
    b.addEventListener('click', () => {
      sort = on && !desc ? '-' + key : key;
      cursors = [null]; page = 0;
      run().then(() => { const again = out.querySelector('#sort-' + key); if (again) again.focus(); });
    });
    return b;
  }

  async function load() {
    lastFilter = filter();
    saveHash();
    const res = await get('/users' + qs(Object.assign({ limit: PAGE, cursor: cursors[page], sort }, lastFilter)));
    clearErrors(filterForm);
    const all = checkbox(false);
    all.setAttribute('aria-label', t('users.select_page'));
    all.addEventListener('change', () => {
      out.querySelectorAll('input[data-id]').forEach((c) => { c.checked = all.checked; c.dispatchEvent(new Event('change')); });
    });
    const rows = res.items.map((u) => {
      const c = checkbox(selected.has(u.id));
      c.dataset.id = u.id;
      c.setAttribute('aria-label', t('users.select', { name: u.name }));
      c.addEventListener('change', () => { if (c.checked) selected.add(u.id); else selected.delete(u.id); bulkInfo(); });
      return [ctx.canWrite ? c : '',
        h('a', { href: '#/users/' + encodeURIComponent(u.id) }, u.name),
        badge(t('status.' + u.status), u.status), usage(u),
        u.expire_at ? day(u.expire_at) : t('users.never'),
        u.online_at ? ago(u.online_at) : t('common.never'),
        day(u.created_at),
        groupNames(u.group_ids, groups)];
    });
    const tbl = table([ctx.canWrite ? all : '', sortHeader(t('common.name'), 'name'), t('users.status'),
      sortHeader(t('users.usage'), 'used_bytes'), sortHeader(t('users.expiry'), 'expire_at'),
      sortHeader(t('users.online'), 'online_at'), sortHeader(t('common.created'), 'created_at'),
      t('users.groups')], rows, t('nav.users'));
    tbl.querySelectorAll('th').forEach((th) => {
      const b = th.querySelector('button[data-sort]');
      if (b && sort.replace(/^-/, '') === b.dataset.sort) th.setAttribute('aria-sort', sort.startsWith('-') ? 'descending' : 'ascending');
    });
    out.replaceChildren(tbl);
    if (res.next_cursor) cursors[page + 1] = res.next_cursor; else cursors = cursors.slice(0, page + 1);
    const prev = h('button.btn.small#users-prev', { type: 'button', disabled: page === 0 }, t('common.prev'));
    const next = h('button.btn.small#users-next', { type: 'button', disabled: !res.next_cursor }, t('common.next'));
    prev.addEventListener('click', () => { page--; run(); });
    next.addEventListener('click', () => { page++; run(); });
    pager.replaceChildren(prev, h('span.muted', t('common.page', { n: page + 1 })), next);
  }
  const run = () => load().catch((e) => showError(filterForm, e));
  filterForm.addEventListener('submit', (e) => { e.preventDefault(); cursors = [null]; page = 0; run(); });

  main.append(h('div.toolbar', h('h1', t('nav.users')), h('span.spacer'),
    ctx.canWrite ? h('a.btn.primary#user-new', { href: '#/users/new' }, t('users.create')) : null));
  main.append(h('div.card', filterForm, out, pager));

  // Bulk actions: the selection, or every user matching the filter; a dry run first.
  const bulkCount = h('span.muted#bulk-selected');
  const bulkInfo = () => { bulkCount.textContent = t('users.selected', { n: selected.size }); };
  if (ctx.canWrite) {
    const scope = select([['selection', t('users.bulk_selection')], ['filter', t('users.bulk_filter')]], 'selection');
    const action = select(['extend', 'add_data', 'set_limit', 'reset_usage', 'enable', 'disable', 'add_groups', 'remove_groups', 'rotate_subscription', 'delete'].map((a) => [a, t('bulk.' + a)]), 'extend');
    const days = input({ type: 'number', min: '1', value: '30', inputmode: 'numeric' });
    const gb = input({ type: 'number', min: '0', step: 'any', value: '10', inputmode: 'decimal' });
    const groupSel = select(groups.map((g) => [g.id, g.name]), '', { multiple: true, size: String(Math.min(4, Math.max(2, groups.length))) });
    const fDays = field('seconds', t('bulk.days'), days);
    const fGb = field('bytes', t('bulk.gb'), gb);
    const fGroups = field('group_ids', t('users.groups'), groupSel);
    const preview = h('button.btn#bulk-preview', { type: 'submit' }, t('bulk.preview'));
    const confirmBtn = h('button.btn.danger#bulk-confirm', { type: 'button', hidden: true });
    const result = h('p#bulk-result', { 'aria-live': 'polite' });
    const bulkForm = h('form.bulk#bulk-form', { novalidate: true },
      h('h2', t('users.bulk')), bulkCount,
      h('div.form-grid', field('scope', t('bulk.scope'), scope), field('action', t('bulk.action'), action), fDays, fGb, fGroups),
      h('div.actions', preview, confirmBtn), result);
    const sync = () => {
      fDays.hidden = action.value !== 'extend';
      fGb.hidden = action.value !== 'add_data' && action.value !== 'set_limit';
      fGroups.hidden = !action.value.endsWith('_groups');
      confirmBtn.hidden = true; result.textContent = '';
    };
    [action, scope].forEach((x) => x.addEventListener('change', sync));
    sync();
    const body = (dry) => {
      const b = { action: action.value, dry_run: dry };
      if (scope.value === 'filter') b.filter = lastFilter; else b.ids = [...selected];
      if (action.value === 'extend') b.seconds = Math.round(Number(days.value) * 86400);
      if (fGb.hidden === false) b.bytes = gbToBytes(gb.value, 'bytes');
      if (action.value.endsWith('_groups')) b.group_ids = [...groupSel.selectedOptions].map((o) => o.value);
      return b;
    };
    bulkForm.addEventListener('submit', (e) => {
      e.preventDefault();
      act(preview, bulkForm, async () => {
        if (scope.value === 'selection' && !selected.size) {
          throw new ApiError(400, { detail: t('bulk.nothing_selected') });
        }
        const r = await post('/users/bulk', body(true));
        result.textContent = t('bulk.would_touch', { n: num(r.count) }) + (r.sample.length ? ' (' + r.sample.map((u) => u.name).join(', ') + (r.count > r.sample.length ? ', …' : '') + ')' : '');
        confirmBtn.textContent = t('bulk.confirm', { action: t('bulk.' + action.value), n: num(r.count) });
        confirmBtn.hidden = r.count === 0;
        confirmBtn.dataset.count = String(r.count);
      });
    });
    confirmBtn.addEventListener('click', () => act(confirmBtn, bulkForm, async () => {
      const r = await post('/users/bulk', body(false));
      result.textContent = t('bulk.done', { action: t('bulk.' + action.value), n: num(r.count) });
      confirmBtn.hidden = true;
      selected.clear();
      bulkInfo();
      await load();
    }));
    main.lastChild.append(bulkForm);
    bulkInfo();
  }
  await load();
  return null;
}

async function detail(main, ctx, id, groups) {
  const u = await get('/users/' + encodeURIComponent(id));
  const actions = h('div.actions#user-actions');
  const scope = h('div.card');
  const reload = () => ctx.navigate('#/users/' + encodeURIComponent(id));
  const action = (label, fn, done, danger) => {
    const b = h('button.btn' + (danger ? '.danger' : ''), { type: 'button' }, label);
    b.addEventListener('click', () => act(b, scope, fn, done).then((r) => { if (r !== undefined) reload(); }));
    return b;
  };
  if (ctx.canWrite) {
    actions.append(
      h('a.btn.primary#user-edit', { href: '#/users/' + encodeURIComponent(id) + '/edit' }, t('common.edit')),
      u.status === 'disabled'
        ? action(t('users.enable'), () => patch('/users/' + id, { status: 'active' }), t('users.enabled'))
        : action(t('users.disable'), () => patch('/users/' + id, { status: 'disabled' }), t('users.disabled')),
      action(t('users.reset_usage'), () => post('/users/' + id + '/reset-usage'), t('users.usage_reset')),
      action(t('users.rotate_sub'), async () => {
        if (!await confirmDialog({ title: t('users.rotate_sub'), text: t('users.rotate_sub_text', { name: u.name }) })) return undefined;
        return post('/users/' + id + '/rotate-subscription');
      }, t('users.rotated')),
      action(t('users.rotate_creds'), async () => {
        if (!await confirmDialog({ title: t('users.rotate_creds'), text: t('users.rotate_creds_text', { name: u.name }) })) return undefined;
        return post('/users/' + id + '/rotate-credentials');
      }, t('users.rotated')),
      action(t('common.delete'), async () => {
        if (!await confirmDialog({ title: t('users.delete_title'), text: t('users.delete_text', { name: u.name }), ok: t('common.delete'), typeName: u.name })) return undefined;
        await del('/users/' + id);
        ctx.navigate('#/users');
        return undefined;
      }, null, true));
  }
  if (args2(location.hash) === 'edit') return form(main, ctx, u, groups);
  const sub = u.subscription_url;
  scope.append(h('h1', u.name, ' ', badge(t('status.' + u.status), u.status)), actions,
    h('dl.facts',
      h('dt', t('users.usage')), h('dd', usage(u)),
      h('dt', t('users.lifetime')), h('dd', bytes(u.lifetime_used_bytes)),
      h('dt', t('users.expiry')), h('dd', u.expire_at ? day(u.expire_at) : t('users.never')),
      h('dt', t('users.reset_strategy')), h('dd', t('reset.' + u.reset_strategy)),
      h('dt', t('users.groups')), h('dd', groupNames(u.group_ids, groups) || '—'),
      h('dt', t('users.device_limit')), h('dd', u.hwid_device_limit == null ? t('users.default') : String(u.hwid_device_limit || '∞')),
      h('dt', t('users.online')), h('dd', u.online_at ? ago(u.online_at) : t('common.never')),
      h('dt', t('users.sub_updated')), h('dd', u.sub_updated_at ? ago(u.sub_updated_at) + ' · ' + (u.sub_last_user_agent || '') : t('common.never')),
      h('dt', t('users.note')), h('dd', u.note || '—'),
      h('dt', t('common.created')), h('dd', date(u.created_at))));
  main.append(scope);
  if (sub) {
    // The QR code comes from the API (the same drawing as the end user's page), fetched with this
    // tab's credentials and shown as a data: URL (the CSP allows img-src data:).
    const qr = h('img.qr#sub-qr', { alt: t('users.qr'), width: '176', height: '176', hidden: true });
    const qrBox = h('div.qr-box', qr);
    main.append(section(t('users.subscription'),
      h('div.secret', h('code#sub-url', sub), copyButton(() => sub), h('a.btn.small', { href: sub, target: '_blank', rel: 'noopener noreferrer' }, t('users.open_sub_page'))),
      qrBox, h('p.hint', t('users.sub_hint'))));
    getText('/users/' + encodeURIComponent(id) + '/subscription-qr', 'image/svg+xml').then((svg) => {
      qr.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svg);
      qr.hidden = false;
    }).catch((e) => qrBox.replaceChildren(h('p.form-error', { role: 'alert' }, e instanceof ApiError ? e.text() : String(e))));
  }
  main.append(section(t('users.node_usage'), table([t('nav.nodes'), t('users.uplink'), t('users.downlink'), t('users.lifetime')],
    (u.node_usage || []).map((n) => [n.node_name || n.node_id, bytes(n.uplink_bytes), bytes(n.downlink_bytes), bytes(n.lifetime_used_bytes)]), t('users.node_usage'))));
  main.append(usageCard({ id: 'user-usage', title: t('usage.user_title', { days: 31 }), query: { user_id: id }, ranges: ['day'], days: 31 }).el);
  const devices = await get('/users/' + encodeURIComponent(id) + '/devices');
  main.append(section(t('users.devices') + ' (' + devices.count + (devices.hwid_device_limit ? ' / ' + devices.hwid_device_limit : '') + ')',
    table([t('users.hwid'), t('users.device'), t('users.last_seen'), ''], devices.items.map((d) => {
      const b = h('button.btn.small.danger', { type: 'button' }, t('common.delete'));
      b.addEventListener('click', () => act(b, null, () => del('/users/' + encodeURIComponent(id) + '/devices/' + encodeURIComponent(d.hwid)), t('users.device_deleted')).then(reload));
      return [h('code', d.hwid), [d.device_os, d.os_version, d.device_model].filter(Boolean).join(' '), ago(d.last_seen_at), ctx.canWrite ? b : ''];
    }), t('users.devices'))));
  const access = await get('/users/' + encodeURIComponent(id) + '/access');
  main.append(section(t('users.access'), table([t('endpoints.tag'), t('endpoints.protocol'), t('endpoints.port'), t('users.via')],
    access.items.map((a) => [a.tag, a.protocol, String(a.port), a.sources.map((s) => s.type).join(', ')]), t('users.access'))));
  return null;
}

function args2(hash) { return hash.replace(/^#\/?/, '').split('/')[2] || ''; }

/** Create (u = null) or edit form; PATCH sends only what changed. */
async function form(main, ctx, u, groups) {
  const templates = u ? [] : (await get('/user-templates?limit=1000')).items;
  const name = input({ value: u ? u.name : '', required: true, autocomplete: 'off' });
  const limit = input({ type: 'number', min: '0', step: 'any', inputmode: 'decimal', value: u ? bytesToGb(u.data_limit_bytes) : '' });
  const expire = input({ type: 'date', value: u && u.expire_at ? u.expire_at.slice(0, 10) : '' });
  const reset = select(RESETS.map((r) => [r, t('reset.' + r)]), u ? u.reset_strategy : 'no_reset');
  const onHold = checkbox(u ? u.status === 'on_hold' : false);
  const onHoldDays = input({ type: 'number', min: '0', value: u && u.on_hold_expire_seconds ? String(u.on_hold_expire_seconds / 86400) : '' });
  const template = select([['', t('common.none_option')], ...templates.map((x) => [x.id, x.name])], '');
  const groupBox = h('div.checks', groups.map((g) => {
    const c = checkbox(u ? u.group_ids.includes(g.id) : false);
    c.value = g.id;
    return field('group_' + g.id, g.name, c);
  }));
  const devices = input({ type: 'number', min: '0', max: '100', placeholder: t('users.default'), value: u && u.hwid_device_limit != null ? String(u.hwid_device_limit) : '' });
  const note = h('textarea', { rows: '3' });
  note.value = u ? u.note : '';
  const save = h('button.btn.primary#user-save', { type: 'submit' }, u ? t('common.save') : t('users.create'));
  const f = h('form.card#user-form', { novalidate: true },
    h('h1', u ? t('users.edit', { name: u.name }) : t('users.create')),
    h('div.form-grid',
      field('name', t('common.name'), name, t('users.name_hint')),
      u ? null : field('template_id', t('users.template'), template, t('users.template_hint')),
      field('data_limit_bytes', t('users.limit_gb'), limit, t('users.limit_hint')),
      field('expire_at', t('users.expiry_date'), expire, t('users.expiry_hint')),
      field('reset_strategy', t('users.reset_strategy'), reset),
      field('hwid_device_limit', t('users.device_limit'), devices, t('users.device_limit_hint')),
      field('on_hold_expire_seconds', t('users.on_hold_days'), onHoldDays, t('users.on_hold_days_hint'))),
    field('status', t('users.on_hold'), onHold, t('users.on_hold_hint')),
    h('fieldset.field', { 'data-field': 'group_ids' }, h('legend', t('users.groups')), groups.length ? groupBox : h('p.muted', t('users.no_groups')), h('p.field-error', { role: 'alert' })),
    field('note', t('users.note'), note),
    h('div.actions', save, h('a.btn.ghost', { href: u ? '#/users/' + encodeURIComponent(u.id) : '#/users' }, t('common.cancel'))));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    act(save, f, async () => {
      const b = {};
      const groupIds = [...groupBox.querySelectorAll('input:checked')].map((c) => c.value);
      const set = (k, v, old) => { if (!u || JSON.stringify(v) !== JSON.stringify(old)) b[k] = v; };
      set('name', name.value.trim(), u && u.name);
      const lim = gbToBytes(limit.value, 'data_limit_bytes');
      if (!u ? limit.value !== '' : lim !== u.data_limit_bytes) b.data_limit_bytes = lim;
      const exp = expire.value ? expire.value + 'T23:59:59Z' : null;
      if (!u ? exp !== null : (u.expire_at || '').slice(0, 10) !== (expire.value || '')) b.expire_at = exp;
      if (!u || reset.value !== u.reset_strategy) { if (u || reset.value !== 'no_reset' || !template.value) b.reset_strategy = reset.value; }
      if (!u) { if (onHold.checked) b.status = 'on_hold'; } else if (onHold.checked !== (u.status === 'on_hold')) b.status = onHold.checked ? 'on_hold' : 'active';
      const ohs = onHoldDays.value === '' ? 0 : Math.round(Number(onHoldDays.value) * 86400);
      if (!u ? ohs > 0 : ohs !== u.on_hold_expire_seconds) b.on_hold_expire_seconds = ohs;
      if (!u ? groupIds.length || !template.value : JSON.stringify(groupIds) !== JSON.stringify(u.group_ids)) b.group_ids = groupIds;
      const dev = devices.value === '' ? null : Number(devices.value);
      if (!u ? dev !== null : dev !== u.hwid_device_limit) b.hwid_device_limit = dev;
      if (!u ? note.value !== '' : note.value !== u.note) b.note = note.value;
      if (!u && template.value) b.template_id = template.value;
      const r = u ? await patch('/users/' + encodeURIComponent(u.id), b) : await post('/users', b);
      toast(u ? t('common.saved') : t('users.created', { name: r.name }));
      ctx.navigate('#/users/' + encodeURIComponent(r.id));
      return r;
    });
  });
  main.append(f);
  name.focus();
  return null;
}
