// Usage charts: a card with the traffic of the fleet, a node or a user from GET /stats/usage,
// drawn with uPlot (MIT; served from its WebJar at /vendor/uplot/, see docs/console.md).
// The chart is built once per card; refresh() fetches again and only hands uPlot new data.
// A theme switch rebuilds it with the theme's colours; a detached card cleans itself up.
import uPlot from './vendor/uplot/uPlot.esm.js';
import { get, qs, ApiError } from './api.js';
import { t, bytes, lang } from './i18n.js';
import { h } from './ui.js';

const HOUR = 3600e3;
const DAY = 86400e3;

/** Start of the current UTC month and day: "today" and "this month" are UTC, like the buckets. */
function utcStarts(now) {
  const d = new Date(now);
  return {
    month: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
    day: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()),
  };
}

function errorText(e) {
  return e instanceof ApiError ? e.text() : String((e && e.message) || e);
}

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

function alpha(hex, a) {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return hex;
  return 'rgba(' + [m[1], m[2], m[3]].map((x) => parseInt(x, 16)).join(',') + ',' + a + ')';
}

/** A figure: the total in large type, uplink and downlink below; data-bytes for tests and tools. */
function figure(cls, label, total) {
  return h('div.stat.' + cls, { 'data-bytes': String(total.total_bytes) },
    h('span.v', bytes(total.total_bytes)),
    h('span.k', label),
    h('span.k', t('usage.up_down', { up: bytes(total.uplink_bytes), down: bytes(total.downlink_bytes) })));
}

/**
 * A usage card. opts: id, title, query ({node_id} or {user_id} or nothing for the fleet),
 * ranges (['hour', 'day'] or ['day']), days (the daily window, default 30), summary (today and
 * this month above the chart). Starts loading at once; returns {el, refresh}.
 */
export function usageCard(opts) {
  const ranges = opts.ranges || ['hour', 'day'];
  const days = opts.days || 30;
  const state = { step: ranges[0], seq: 0, points: null, chart: null };
  const figures = h('div.stats.usage-figures');
  const error = h('p.form-error.usage-error', { role: 'alert' });
  const periodTotal = h('p.usage-period');
  const empty = h('p.muted.usage-empty', { hidden: true }, t('usage.empty'));
  // Time runs left to right in every language; the surrounding text follows the page direction.
  const plot = h('div.usage-chart', { dir: 'ltr', role: 'figure', 'aria-label': t('usage.chart_label') });
  const switcher = ranges.length > 1 ? h('div.segmented', { role: 'group', 'aria-label': t('usage.range') }) : null;
  if (switcher) {
    for (const r of ranges) {
      const b = h('button.btn.small', { type: 'button', 'data-step': r, 'aria-pressed': String(r === state.step) },
        r === 'hour' ? t('usage.hours48') : t('usage.days', { days }));
      b.addEventListener('click', () => {
        if (state.step === r) return;
        state.step = r;
        switcher.querySelectorAll('button').forEach((x) => x.setAttribute('aria-pressed', String(x.dataset.step === r)));
        refresh();
      });
      switcher.append(b);
    }
  }
  const el = h('section.card.usage-card', { id: opts.id },
    h('div.card-head', h('h2', opts.title), switcher),
    opts.summary ? figures : null, error, plot, empty, periodTotal);

  function tick(v) {
    const d = new Date(v * 1000);
    if (state.step === 'day') {
      return new Intl.DateTimeFormat(lang(), { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(d);
    }
    if (d.getHours() === 0 && d.getMinutes() === 0) {
      return new Intl.DateTimeFormat(lang(), { month: 'short', day: 'numeric' }).format(d);
    }
    return new Intl.DateTimeFormat(lang(), { hour: '2-digit', minute: '2-digit' }).format(d);
  }

  function when(v) {
    if (v == null) return '—';
    const d = new Date(v * 1000);
    return state.step === 'day'
      ? new Intl.DateTimeFormat(lang(), { dateStyle: 'medium', timeZone: 'UTC' }).format(d)
      : new Intl.DateTimeFormat(lang(), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
  }

  function size() {
    const width = Math.max(200, plot.clientWidth || 600);
    return { width, height: Math.round(Math.max(160, Math.min(240, width * 0.45))) };
  }

  function build(data) {
    const muted = cssVar('--muted');
    const grid = cssVar('--border');
    const down = cssVar('--accent');
    const up = cssVar('--ok');
    const axis = { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: '12px system-ui, sans-serif' };
    const series = (label, color) => ({
      label, stroke: color, width: 2, fill: alpha(color, 0.12), points: { show: (u) => u.bbox.width / u.data[0].length > 14 * devicePixelRatio },
      value: (u, v) => (v == null ? '—' : bytes(v)),
    });
    state.chart = new uPlot({
      ...size(),
      cursor: { drag: { x: false, y: false } },
      legend: { live: true },
      scales: { y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [
        { ...axis, space: 70, values: (u, splits) => splits.map(tick) },
        { ...axis, size: 72, values: (u, splits) => splits.map((v) => bytes(v)) },
      ],
      series: [
        { label: t('usage.time'), value: (u, v) => when(v) },
        series(t('usage.downlink'), down),
        series(t('usage.uplink'), up),
      ],
    }, data, plot);
  }

  function destroy() {
    if (state.chart) { state.chart.destroy(); state.chart = null; }
  }

  function draw(points) {
    state.points = points;
    const data = [
      points.map((p) => Date.parse(p.at) / 1000),
      points.map((p) => p.downlink_bytes),
      points.map((p) => p.uplink_bytes),
    ];
    if (!state.chart) build(data);
    else state.chart.setData(data);
  }

  async function refresh() {
    const my = ++state.seq;
    const now = Date.now();
    const span = state.step === 'hour' ? 48 * HOUR : days * DAY;
    const step = state.step;
    try {
      const [range, month] = await Promise.all([
        get('/stats/usage' + qs({ ...opts.query, step, from: new Date(now - span + (step === 'hour' ? HOUR : DAY)).toISOString(), to: new Date(now).toISOString() })),
        opts.summary ? get('/stats/usage' + qs({ ...opts.query, step: 'day', from: new Date(utcStarts(now).month).toISOString(), to: new Date(now).toISOString() })) : null,
      ]);
      if (my !== state.seq) return;
      error.textContent = '';
      if (month) {
        const today = month.points.find((p) => Date.parse(p.at) === utcStarts(now).day)
          || { total_bytes: 0, uplink_bytes: 0, downlink_bytes: 0 };
        figures.replaceChildren(figure('usage-today', t('usage.today'), today), figure('usage-month', t('usage.month'), month.total));
      }
      const total = range.total;
      const none = total.total_bytes === 0;
      empty.hidden = !none;
      plot.hidden = none;
      periodTotal.dataset.bytes = String(total.total_bytes);
      periodTotal.textContent = none ? '' : t('usage.period_total', { total: bytes(total.total_bytes) })
        + ' · ' + t('usage.up_down', { up: bytes(total.uplink_bytes), down: bytes(total.downlink_bytes) });
      if (none) destroy();
      else draw(range.points);
    } catch (e) {
      if (my !== state.seq) return;
      error.textContent = t('usage.load_failed', { message: errorText(e) });
    }
  }

  // A card is gone once it was in the page and is no longer (the router replaced the page).
  let attached = false;
  const gone = () => {
    if (el.isConnected) { attached = true; return false; }
    if (attached) cleanup();
    return true;
  };
  let lastWidth = 0;
  const resize = new ResizeObserver(() => {
    if (gone()) return;
    const s = size();
    if (state.chart && s.width !== lastWidth) { lastWidth = s.width; state.chart.setSize(s); }
  });
  const themes = new MutationObserver(() => {
    if (gone()) return;
    if (state.chart && state.points) { destroy(); draw(state.points); }
  });
  function cleanup() { resize.disconnect(); themes.disconnect(); destroy(); }
  resize.observe(plot);
  themes.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  refresh();
  return { el, refresh, cleanup };
}
