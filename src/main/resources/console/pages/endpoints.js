// Endpoints: list, create/edit/delete. The form offers only the protocol/transport/security
// combinations the API accepts (api/EndpointChecks) AND the chosen node's core runs
// (xray/Capabilities: V2Ray has no REALITY, httpupgrade, xhttp, Shadowsocks 2022 or VLESS flow;
// gRPC from 4.36).
import { get, post, patch, del, qs } from '../api.js';
import { t } from '../i18n.js';
import {
  h, field, input, select, checkbox, table, badge, section, act, confirmDialog, labelsText,
  parseLabels, toast,
} from '../ui.js';

const PROTOCOLS = ['vless', 'vmess', 'trojan', 'shadowsocks'];
const TRANSPORTS = ['tcp', 'ws', 'grpc', 'httpupgrade', 'xhttp'];
const SECURITIES = ['none', 'tls', 'reality'];
const SS_METHODS = ['2022-blake3-aes-128-gcm', '2022-blake3-aes-256-gcm', '2022-blake3-chacha20-poly1305', 'aes-128-gcm', 'aes-256-gcm', 'chacha20-ietf-poly1305'];
const FINGERPRINTS = ['chrome', 'firefox', 'safari', 'ios', 'android', 'edge', '360', 'qq', 'random', 'randomized'];
const XHTTP_MODES = ['auto', 'packet-up', 'stream-up', 'stream-one'];

/** What a node's core can run: {flavor, version} from its last report (null = unknown: all). */
export function coreOf(node) {
  const x = node && node.xray;
  return { v2ray: !!(x && x.flavor && x.flavor.toLowerCase() === 'v2ray'), version: x && x.version };
}

function atLeast(version, major, minor) {
  if (!version) return false;
  const [a, b] = String(version).split(/[.+-]/).map(Number);
  return a > major || (a === major && (b || 0) >= minor);
}

/** The combination rules of EndpointChecks.checkCombination and Capabilities.unsupported. */
export function allowed(core, p, tr, s) {
  if (p === 'shadowsocks' && (tr !== 'tcp' || s !== 'none')) return false;
  if (s === 'reality' && (p !== 'vless' || !['tcp', 'grpc', 'xhttp'].includes(tr))) return false;
  if (core.v2ray) {
    if (s === 'reality' || tr === 'httpupgrade' || tr === 'xhttp') return false;
    if (tr === 'grpc' && !atLeast(core.version, 4, 36)) return false;
  }
  return true;
}

/** Settings keys of a combination (EndpointChecks.keys). */
function keys(p, tr, s, core) {
  const k = [];
  if (tr === 'ws' || tr === 'httpupgrade') k.push('path', 'host');
  if (tr === 'grpc') k.push('service_name');
  if (tr === 'xhttp') k.push('path', 'host', 'mode');
  if (s === 'tls') k.push('server_name', 'certificate_file', 'key_file');
  if (s === 'reality') k.push('server_names', 'dest', 'fingerprint', 'spider_x', 'short_ids');
  if (p === 'vless' && !core.v2ray) k.push('flow');
  if (p === 'shadowsocks') k.push('method');
  return k;
}

export async function render(main, ctx, args) {
  const nodes = (await get('/nodes')).items.filter((n) => n.status !== 'removed');
  if (args[0] === 'new') return form(main, ctx, nodes, null);
  if (args[0]) {
    const ep = await get('/endpoints/' + encodeURIComponent(args[0]));
    return form(main, ctx, nodes, ep);
  }
  const byId = Object.fromEntries(nodes.map((n) => [n.id, n]));
  const nodeSel = select([['', t('common.any')], ...nodes.map((n) => [n.id, n.name])], '');
  const out = h('div');
  const load = async () => {
    const eps = (await get('/endpoints' + qs({ node_id: nodeSel.value, limit: 1000 }))).items;
    out.replaceChildren(table([t('endpoints.tag'), t('nav.nodes'), t('endpoints.protocol'), t('endpoints.port'), t('endpoints.transport'), t('endpoints.security'), t('endpoints.enabled'), t('endpoints.labels')],
      eps.map((e) => [h('a', { href: '#/endpoints/' + encodeURIComponent(e.id) }, e.tag), (byId[e.node_id] || {}).name || e.node_id, e.protocol, String(e.port), e.transport, e.security,
        e.enabled ? badge(t('common.yes'), 'ok') : badge(t('common.no'), 'disabled'), labelsText(e.labels).replace(/\n/g, ', ')]), t('nav.endpoints')));
  };
  nodeSel.addEventListener('change', () => load().catch((e) => toast(e.text(), 'error')));
  main.append(h('div.toolbar', h('h1', t('nav.endpoints')), h('span.spacer'),
    ctx.canWrite ? h('a.btn.primary#endpoint-new', { href: '#/endpoints/new' }, t('endpoints.create')) : null));
  main.append(h('div.card', h('div.toolbar', field('node_id', t('nav.nodes'), nodeSel)), out));
  await load();
  return null;
}

function form(main, ctx, nodes, ep) {
  const readOnly = !ctx.canWrite;
  const node = select(nodes.map((n) => [n.id, n.name + (n.xray && n.xray.flavor ? ' (' + n.xray.flavor + ' ' + (n.xray.version || '') + ')' : '')]), ep ? ep.node_id : (nodes[0] || {}).id, { disabled: !!ep });
  const proto = select(PROTOCOLS, ep ? ep.protocol : 'vless', { disabled: !!ep });
  const transport = select(TRANSPORTS, ep ? ep.transport : 'tcp', { disabled: !!ep });
  const security = select(SECURITIES, ep ? ep.security : 'none', { disabled: !!ep });
  const tag = input({ value: ep ? ep.tag : '', required: true, autocomplete: 'off' });
  const port = input({ type: 'number', min: '1', max: '65535', value: ep ? String(ep.port) : '', inputmode: 'numeric' });
  const enabled = checkbox(ep ? ep.enabled : true);
  const labels = h('textarea', { rows: '2' }); labels.value = ep ? labelsText(ep.labels) : '';
  const settingsBox = h('div.form-grid');
  const generated = h('div');
  const inputs = {};
  const cur = ep ? ep.settings || {} : {};

  const coreNow = () => coreOf(nodes.find((n) => n.id === node.value));
  function refreshOptions() {
    if (ep) return;
    const core = coreNow();
    for (const o of transport.options) o.disabled = !SECURITIES.some((s) => allowed(core, proto.value, o.value, s));
    if (transport.selectedOptions[0].disabled) transport.value = [...transport.options].find((o) => !o.disabled).value;
    for (const o of security.options) o.disabled = !allowed(core, proto.value, transport.value, o.value);
    if (security.selectedOptions[0].disabled) security.value = [...security.options].find((o) => !o.disabled).value;
  }
  function settingControl(k) {
    const v = cur[k];
    const core = coreNow();
    if (k === 'method') return select(SS_METHODS.filter((m) => !core.v2ray || !m.startsWith('2022-')), v || (core.v2ray ? 'aes-128-gcm' : '2022-blake3-aes-128-gcm'), { disabled: !!ep });
    if (k === 'fingerprint') return select(FINGERPRINTS, v || 'chrome');
    if (k === 'mode') return select(XHTTP_MODES, v || 'auto');
    if (k === 'flow') {
      const ok = transport.value === 'tcp' && (security.value === 'tls' || security.value === 'reality');
      return select([['', t('endpoints.flow_none')], ...(ok ? [['xtls-rprx-vision', 'xtls-rprx-vision']] : [])], v || '');
    }
    if (k === 'server_names' || k === 'short_ids') return input({ value: (v || []).join(', '), placeholder: k === 'short_ids' ? t('endpoints.generated_if_empty') : 'www.example.com' });
    return input({ value: v ?? '', placeholder: t('endpoints.ph_' + k) });
  }
  function refreshSettings() {
    refreshOptions();
    settingsBox.replaceChildren();
    for (const k of Object.keys(inputs)) delete inputs[k];
    for (const k of keys(proto.value, transport.value, security.value, coreNow())) {
      inputs[k] = settingControl(k);
      settingsBox.append(field('settings.' + k, t('endpoints.s_' + k), inputs[k]));
    }
  }
  [node, proto, transport, security].forEach((x) => x.addEventListener('change', refreshSettings));
  refreshSettings();
  if (ep) {
    const pub = [];
    if (cur.public_key) pub.push(h('dt', t('endpoints.public_key')), h('dd.mono#reality-public-key', cur.public_key));
    if (cur.short_ids) pub.push(h('dt', t('endpoints.s_short_ids')), h('dd.mono', cur.short_ids.join(', ')));
    if (cur.server_key) pub.push(h('dt', t('endpoints.server_key')), h('dd.mono', cur.server_key));
    if (pub.length) generated.append(h('h3', t('endpoints.generated')), h('dl.facts', pub));
  }
  const save = h('button.btn.primary#endpoint-save', { type: 'submit', hidden: readOnly }, ep ? t('common.save') : t('endpoints.create'));
  const f = h('form.card#endpoint-form', { novalidate: true },
    h('h1', ep ? t('endpoints.edit', { tag: ep.tag }) : t('endpoints.create')),
    h('div.form-grid',
      field('node_id', t('endpoints.node'), node), field('tag', t('endpoints.tag'), tag),
      field('port', t('endpoints.port'), port),
      field('protocol', t('endpoints.protocol'), proto), field('transport', t('endpoints.transport'), transport),
      field('security', t('endpoints.security'), security)),
    ep ? h('p.hint', t('endpoints.fixed_hint')) : h('p.hint', t('endpoints.combo_hint')),
    h('h3', t('endpoints.settings')), settingsBox,
    field('enabled', t('endpoints.enabled'), enabled),
    field('labels', t('endpoints.labels'), labels, t('common.labels_hint')),
    generated,
    h('div.actions', save, h('a.btn.ghost', { href: '#/endpoints' }, t('common.back'))));
  if (readOnly) f.querySelectorAll('input, select, textarea').forEach((x) => { x.disabled = true; });
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    act(save, f, async () => {
      const settings = {};
      for (const [k, c] of Object.entries(inputs)) {
        if (c.disabled) continue;
        let v = c.value.trim();
        if (k === 'server_names' || k === 'short_ids') {
          if (!v) continue;
          v = v.split(/[\s,]+/).filter(Boolean);
        } else if (!v) { if (ep && cur[k] !== undefined) settings[k] = null; continue; }
        if (!ep || JSON.stringify(v) !== JSON.stringify(cur[k])) settings[k] = v;
      }
      const b = { tag: tag.value.trim(), port: port.value === '' ? null : Number(port.value), enabled: enabled.checked, labels: parseLabels(labels.value, 'labels') };
      let r;
      if (ep) {
        if (Object.keys(settings).length) b.settings = settings;
        r = await patch('/endpoints/' + encodeURIComponent(ep.id), b);
      } else {
        Object.assign(b, { node_id: node.value, protocol: proto.value, transport: transport.value, security: security.value, settings });
        r = await post('/endpoints', b);
      }
      toast(ep ? t('common.saved') : t('endpoints.created', { tag: r.tag }));
      ctx.navigate('#/endpoints/' + encodeURIComponent(r.id));
      return r;
    });
  });
  main.append(f);
  if (ep && ctx.canWrite) {
    const d = h('button.btn.danger#endpoint-delete', { type: 'button' }, t('common.delete'));
    const card = section(t('nodes.danger'), d);
    d.addEventListener('click', async () => {
      if (!await confirmDialog({ title: t('endpoints.delete_title'), text: t('endpoints.delete_text', { tag: ep.tag }), ok: t('common.delete') })) return;
      const r = await act(d, card, () => del('/endpoints/' + encodeURIComponent(ep.id)));
      if (r !== undefined) { toast(t('common.deleted')); ctx.navigate('#/endpoints'); }
    });
    main.append(card);
  }
  return null;
}
