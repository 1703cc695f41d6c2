// Overview: cluster, nodes, users by status, fleet traffic (today, this month, chart), pending
// joins, recent audit; polled every 5 s (the traffic card keeps its chart and redraws its data).
import { get } from '../api.js';
import { usageCard } from '../chart.js';
import { t, num, date, ago } from '../i18n.js';
import { h, table, badge, section } from '../ui.js';

const POLL_MS = 5000;

export async function render(main, ctx) {
  main.append(h('h1', t('nav.overview')));
  const body = h('div#overview');
  const status = h('p.hint', { 'aria-live': 'polite' });
  main.append(body, status);
  const traffic = usageCard({ id: 'traffic', title: t('usage.traffic'), summary: true });
  let timer = null;
  let stopped = false;
  let first = true;

  async function load() {
    const [cluster, nodes, users, audit, joins] = await Promise.all([
      get('/cluster'), get('/nodes'), get('/stats/users'), get('/audit?limit=10'),
      ctx.canWrite ? get('/join-requests').catch(() => null) : Promise.resolve(null),
      first ? null : traffic.refresh(), // the card loaded itself when it was made
    ]);
    first = false;
    const byId = Object.fromEntries(nodes.items.map((n) => [n.id, n]));
    const leader = cluster.members.find((m) => m.is_leader);
    const up = cluster.members.filter((m) => m.healthy).length;
    const soon = Date.now() + 30 * 86400e3;
    const expiring = nodes.items.filter((n) => n.status !== 'removed' && n.cert_not_after && new Date(n.cert_not_after).getTime() < soon);
    const pending = joins ? joins.items.filter((j) => j.status === 'pending') : [];
    const stat = (k, v) => h('div.stat', h('span.v', v), h('span.k', k));
    body.replaceChildren(
      h('div.grid',
        section(t('overview.cluster'),
          h('dl.facts',
            h('dt', t('overview.cluster_id')), h('dd.mono', cluster.cluster_id),
            h('dt', t('overview.leader')), h('dd', leader ? leader.name : t('overview.no_leader')),
            h('dt', t('overview.term')), h('dd', String(cluster.term)),
            h('dt', t('overview.nodes_up')), h('dd', up + ' / ' + cluster.members.length),
            h('dt', t('overview.answered_by')), h('dd', (byId[cluster.view_from] || {}).name || cluster.view_from))),
        section(t('overview.users'),
          h('div.stats',
            stat(t('overview.total'), num(users.total)),
            ...['active', 'disabled', 'limited', 'expired', 'on_hold'].map((s) => stat(t('status.' + s), num(users.by_status[s] || 0))),
            stat(t('overview.online_5m'), num(users.online_5m)),
            stat(t('overview.online_24h'), num(users.online_24h))))),
      traffic.el, // the same element every time: its chart is not rebuilt
      section(t('overview.nodes'),
        table([t('common.name'), t('nodes.role'), t('nodes.health'), t('nodes.last_contact'), t('nodes.lag'), t('nodes.core'), t('nodes.cert_expiry')],
          cluster.members.map((m) => {
            const n = byId[m.node_id] || {};
            return [
              h('a', { href: '#/nodes/' + encodeURIComponent(m.node_id) }, m.name),
              m.is_leader ? badge(t('nodes.leader'), 'leader') : t('nodes.follower'),
              m.healthy ? badge(t('nodes.up'), 'ok') : badge(t('nodes.down'), 'down'),
              m.last_contact_ms == null ? '—' : t('nodes.ms', { ms: num(m.last_contact_ms) }),
              m.lag == null ? '—' : num(m.lag),
              n.xray ? badge(n.xray.status, n.xray.status) : '—',
              date(m.cert_not_after)];
          }), t('overview.nodes'))),
      h('div.grid',
        section(t('overview.pending_joins'),
          !joins ? h('p.muted', t('overview.joins_hidden'))
            : pending.length ? h('ul', pending.map((j) => h('li', h('a', { href: '#/nodes' }, j.node_name || j.id), ' · ', ago(j.created_at))))
              : h('p.muted', t('common.none'))),
        section(t('overview.certs_expiring'),
          expiring.length ? h('ul', expiring.map((n) => h('li', n.name + ' · ' + date(n.cert_not_after)))) : h('p.muted', t('common.none')))),
      section(t('overview.recent_audit'),
        table([t('audit.at'), t('audit.actor'), t('audit.action'), t('audit.summary')],
          audit.items.map((e) => [date(e.at), h('span.mono', e.actor), h('code', e.action), e.summary]), t('overview.recent_audit')),
        h('p', h('a', { href: '#/audit' }, t('overview.all_audit')))));
    status.textContent = t('overview.updated', { time: new Date().toLocaleTimeString() });
  }

  async function tick() {
    try {
      await load();
    } catch (e) {
      status.textContent = t('overview.poll_failed', { message: e.text ? e.text() : String(e) });
      status.classList.add('form-error');
    }
    if (!stopped) timer = setTimeout(tick, POLL_MS);
  }
  try {
    await load();
  } catch (e) {
    traffic.cleanup();
    throw e;
  }
  timer = setTimeout(tick, POLL_MS);
  return () => { stopped = true; clearTimeout(timer); traffic.cleanup(); };
}
