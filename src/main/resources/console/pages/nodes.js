// Nodes: list and detail, join tokens (with the exact `raftray join` command), join requests,
// removal with a confirmation that names the node.
import { get, post, patch, del } from '../api.js';
import { t, date, ago, num } from '../i18n.js';
import {
  h, field, input, checkbox, table, badge, section, act, confirmDialog, copyButton,
  labelsText, parseLabels, toast,
} from '../ui.js';
import { usageCard } from '../chart.js';

export async function render(main, ctx, args) {
  if (args[0]) return detail(main, ctx, args[0]);
  const [cluster, nodes] = await Promise.all([get('/cluster'), get('/nodes')]);
  const members = Object.fromEntries(cluster.members.map((m) => [m.node_id, m]));
  main.append(h('h1', t('nav.nodes')));
  main.append(section(t('nodes.list'), table(
    [t('common.name'), t('nodes.status'), t('nodes.role'), t('nodes.health'), t('nodes.lag'), t('nodes.core'), t('nodes.cert_expiry'), t('nodes.address')],
    nodes.items.map((n) => {
      const m = members[n.id];
      return [h('a', { href: '#/nodes/' + encodeURIComponent(n.id) }, n.name), badge(n.status, n.status),
        (m && m.is_leader ? t('nodes.leader') : t('nodes.follower')) + (n.ca_holder ? ' · CA' : ''),
        m ? (m.healthy ? badge(t('nodes.up'), 'ok') : badge(t('nodes.down'), 'down')) : '—',
        m && m.lag != null ? num(m.lag) : '—',
        n.xray ? [badge(n.xray.status, n.xray.status), ' ', [n.xray.flavor, n.xray.version].filter(Boolean).join(' ')] : '—',
        date(n.cert_not_after), h('span.mono', n.api_base_url)];
    }), t('nodes.list'))));
  if (ctx.canWrite) {
    await joinRequests(main, ctx);
    await joinTokens(main, ctx);
  }
  return null;
}

async function joinRequests(main, ctx) {
  const card = section(t('nodes.join_requests'));
  card.id = 'join-requests';
  const draw = async () => {
    const reqs = (await get('/join-requests')).items;
    const rows = reqs.slice().reverse().map((r) => {
      const cells = [r.node_name, h('span.mono', r.api_base_url), badge(r.status, r.status), ago(r.created_at),
        Object.entries(r.facts || {}).map(([k, v]) => k + ': ' + v).join(', ')];
      if (r.status === 'pending') {
        const ok = h('button.btn.small.primary', { type: 'button', 'data-approve': r.node_name }, t('nodes.approve'));
        const no = h('button.btn.small.danger', { type: 'button' }, t('nodes.reject'));
        ok.addEventListener('click', () => act(ok, card, () => post('/join-requests/' + r.id + '/approve'), t('nodes.approved', { name: r.node_name })).then(draw));
        no.addEventListener('click', async () => {
          if (await confirmDialog({ title: t('nodes.reject'), text: t('nodes.reject_text', { name: r.node_name }), ok: t('nodes.reject') })) {
            act(no, card, () => post('/join-requests/' + r.id + '/reject', {}), t('nodes.rejected')).then(draw);
          }
        });
        cells.push(h('div.row-actions', ok, no));
      } else cells.push(r.decided_by ? h('span.muted', r.decided_by) : '');
      return cells;
    });
    card.replaceChildren(h('h2', t('nodes.join_requests')),
      table([t('common.name'), t('nodes.address'), t('nodes.status'), t('common.created'), t('nodes.facts'), ''], rows, t('nodes.join_requests')));
  };
  main.append(card);
  await draw();
}

async function joinTokens(main, ctx) {
  const card = section(t('nodes.join_tokens'));
  const list = h('div');
  const draw = async () => {
    const toks = (await get('/join-tokens')).items;
    list.replaceChildren(table([t('common.id'), t('nodes.status'), t('nodes.uses'), t('nodes.expires'), ''],
      toks.map((x) => {
        const b = h('button.btn.small.danger', { type: 'button' }, t('nodes.revoke'));
        b.addEventListener('click', () => act(b, card, () => del('/join-tokens/' + x.id), t('nodes.revoked')).then(draw));
        return [h('code', x.id), badge(x.status, x.status), x.used_count + ' / ' + x.max_uses, date(x.expires_at),
          x.status === 'active' ? b : ''];
      }), t('nodes.join_tokens')));
  };
  card.append(list);
  if (ctx.isOwner) {
    const ttl = input({ type: 'number', min: '60', max: '86400', value: '900' });
    const uses = input({ type: 'number', min: '1', value: '1' });
    const caHolder = checkbox(false);
    const out = h('div#join-command');
    const create = h('button.btn.primary#join-token-create', { type: 'submit' }, t('nodes.create_token'));
    const f = h('form#join-token-form', { novalidate: true }, h('h3', t('nodes.create_token')),
      h('div.form-grid', field('ttl_seconds', t('nodes.ttl'), ttl), field('max_uses', t('nodes.max_uses'), uses)),
      field('ca_holder', t('nodes.ca_holder'), caHolder, t('nodes.ca_holder_hint')),
      h('div.actions', create), out);
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      act(create, f, async () => {
        const r = await post('/join-tokens', { ttl_seconds: Number(ttl.value), max_uses: Number(uses.value), ca_holder: caHolder.checked });
        const cmd = 'raftray join ' + r.token + ' \\\n  --data-dir /var/lib/raftray \\\n  --bind 0.0.0.0:8443 \\\n  --api-base-url https://NEW_HOST:8443 \\\n  --access-host NEW_HOST \\\n  --name NEW_NAME';
        out.replaceChildren(h('p.notice', t('nodes.token_once')),
          h('div.secret', h('code.cmd#join-cmd', cmd), copyButton(() => cmd.replace(/ \\\n {2}/g, ' '))),
          h('p.hint', t('nodes.join_hint')));
        await draw();
      }, t('nodes.token_created'));
    });
    card.append(f);
  } else card.append(h('p.hint', t('nodes.owner_creates_tokens')));
  main.append(card);
  await draw();
}

async function detail(main, ctx, id) {
  const [n, cluster, eps] = await Promise.all([
    get('/nodes/' + encodeURIComponent(id)), get('/cluster'), get('/endpoints?node_id=' + encodeURIComponent(id))]);
  const m = cluster.members.find((x) => x.node_id === id);
  const card = h('div.card');
  card.append(h('h1', n.name, ' ', badge(n.status, n.status)),
    h('dl.facts',
      h('dt', t('common.id')), h('dd.mono', n.id),
      h('dt', t('nodes.role')), h('dd', (m && m.is_leader ? t('nodes.leader') : t('nodes.follower')) + ' · ' + n.role + (n.ca_holder ? ' · ' + t('nodes.ca_holder') : '')),
      h('dt', t('nodes.health')), h('dd', m ? (m.healthy ? t('nodes.up') : t('nodes.down')) + (m.last_contact_ms != null ? ' · ' + t('nodes.ms', { ms: num(m.last_contact_ms) }) : '') : '—'),
      h('dt', t('nodes.lag')), h('dd', m && m.lag != null ? num(m.lag) + ' (' + t('nodes.match_index') + ' ' + m.match_index + ')' : '—'),
      h('dt', t('nodes.address')), h('dd.mono', n.api_base_url),
      h('dt', t('nodes.access_host')), h('dd.mono', n.access_host),
      h('dt', t('nodes.core')), h('dd', n.xray ? [n.xray.status, n.xray.flavor, n.xray.version, n.xray.detail].filter(Boolean).join(' · ') : '—'),
      h('dt', t('nodes.cert_expiry')), h('dd', date(n.cert_not_after)),
      h('dt', t('nodes.joined')), h('dd', date(n.joined_at)),
      h('dt', t('nodes.labels')), h('dd', labelsText(n.labels) || '—'),
      h('dt', t('nodes.facts')), h('dd', Object.entries(n.facts || {}).map(([k, v]) => k + ': ' + v).join(', ') || '—')));
  main.append(card);
  const usage = usageCard({ id: 'node-usage', title: t('usage.node_title'), query: { node_id: id }, summary: true });
  main.append(usage.el);
  main.append(section(t('nav.endpoints'), table([t('endpoints.tag'), t('endpoints.protocol'), t('endpoints.port'), t('endpoints.transport'), t('endpoints.security')],
    eps.items.map((e) => [h('a', { href: '#/endpoints/' + encodeURIComponent(e.id) }, e.tag), e.protocol, String(e.port), e.transport, e.security]), t('nav.endpoints'))));
  if (ctx.canWrite && n.status !== 'removed') {
    const name = input({ value: n.name });
    const host = input({ value: n.access_host });
    const labels = h('textarea', { rows: '3' }); labels.value = labelsText(n.labels);
    const save = h('button.btn.primary', { type: 'submit' }, t('common.save'));
    const f = h('form.card#node-form', { novalidate: true }, h('h2', t('common.edit')),
      h('div.form-grid', field('name', t('common.name'), name), field('access_host', t('nodes.access_host'), host)),
      field('labels', t('nodes.labels'), labels, t('common.labels_hint')), h('div.actions', save));
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      act(save, f, async () => {
        const r = await patch('/nodes/' + encodeURIComponent(id), { name: name.value.trim(), access_host: host.value.trim(), labels: parseLabels(labels.value, 'labels') });
        ctx.navigate('#/nodes/' + encodeURIComponent(id));
        return r;
      }, t('common.saved'));
    });
    main.append(f);
    const danger = h('div.card');
    const remove = h('button.btn.danger#node-remove', { type: 'button' }, t('nodes.remove', { name: n.name }));
    remove.addEventListener('click', async () => {
      const ok = await confirmDialog({ title: t('nodes.remove', { name: n.name }), text: t('nodes.remove_text', { name: n.name }), ok: t('nodes.remove_ok'), typeName: n.name });
      if (ok) {
        const r = await act(remove, danger, () => del('/nodes/' + encodeURIComponent(id)));
        if (r !== undefined) { toast(t('nodes.removed', { name: n.name })); ctx.navigate('#/nodes'); }
      }
    });
    danger.append(h('h2', t('nodes.danger')), h('p.hint', t('nodes.remove_hint')), remove);
    main.append(danger);
  }
  return null;
}
