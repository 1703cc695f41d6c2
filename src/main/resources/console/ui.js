// DOM helpers: elements, labelled form fields with their error slots, tables, toasts, confirm.
import { t } from './i18n.js';
import { ApiError } from './api.js';

/** h('button.btn#id', {type: 'button', onclick}, 'text', child...) */
export function h(spec, attrs, ...children) {
  const m = /^([a-z0-9]+)?((?:[.#][\w-]+)*)$/i.exec(spec);
  const el = document.createElement((m && m[1]) || 'div');
  if (m && m[2]) {
    for (const part of m[2].match(/[.#][\w-]+/g)) {
      if (part[0] === '.') el.classList.add(part.slice(1)); else el.id = part.slice(1);
    }
  }
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs); attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else if (k in el && k !== 'list' && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

let seq = 0;
/**
 * A labelled field: label + control + hint + error slot, found by data-field = the API's field
 * name (problem+json errors[].field) so an error lands next to its input.
 */
export function field(name, label, control, hint) {
  const id = control.id || 'f-' + name.replace(/[^\w-]/g, '_') + '-' + (++seq);
  control.id = id;
  if (!control.name) control.name = name;
  const err = h('p.field-error', { id: id + '-err', role: 'alert' });
  const hintEl = hint ? h('p.hint', { id: id + '-hint' }, hint) : null;
  control.setAttribute('aria-describedby', [hintEl && hintEl.id, err.id].filter(Boolean).join(' '));
  const wrap = h('div.field', { 'data-field': name },
    control.type === 'checkbox'
      ? h('label.check', { for: id }, control, h('span', label))
      : [h('label', { for: id }, label), control],
    hintEl, err);
  return wrap;
}

export function input(attrs) { return h('input', Object.assign({ type: 'text' }, attrs)); }
export function checkbox(checked) { return h('input', { type: 'checkbox', checked: !!checked }); }
export function select(options, value, attrs) {
  const s = h('select', attrs || {});
  for (const o of options) {
    const [v, label] = Array.isArray(o) ? o : [o, o];
    s.append(h('option', { value: v, selected: String(v) === String(value ?? '') }, label));
  }
  return s;
}

export function clearErrors(scope) {
  scope.querySelectorAll('.field-error, .form-error').forEach((e) => { e.textContent = ''; });
  scope.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
}

/**
 * Shows an error in `scope`: each errors[] entry next to its field (the field's name, or its
 * nearest parent name for "settings.path" or "users[3].name"), the rest in the form's error line.
 */
export function showError(scope, err) {
  clearErrors(scope);
  const rest = [];
  const errors = err instanceof ApiError ? err.errors : [];
  for (const fe of errors) {
    const slot = findField(scope, fe.field || '');
    if (slot) {
      slot.querySelector('.field-error').textContent = fe.message;
      const c = slot.querySelector('input, select, textarea');
      if (c) c.setAttribute('aria-invalid', 'true');
    } else {
      rest.push((fe.field ? fe.field + ': ' : '') + fe.message);
    }
  }
  let line = scope.querySelector('.form-error');
  if (!line) { line = h('p.form-error', { role: 'alert' }); scope.prepend(line); }
  const main = err instanceof ApiError ? err.text() : String(err && err.message || err);
  line.textContent = errors.length && !rest.length ? main : [main, ...rest].join(' — ');
  const first = scope.querySelector('[aria-invalid]');
  if (first) first.focus();
}

function findField(scope, name) {
  let n = name;
  while (n) {
    const el = scope.querySelector('[data-field="' + CSS.escape(n) + '"]');
    if (el) return el;
    const cut = Math.max(n.lastIndexOf('.'), n.lastIndexOf('['));
    if (cut <= 0) return null;
    n = n.slice(0, cut);
  }
  return null;
}

export function toast(text, kind) {
  const el = h('div.toast' + (kind === 'error' ? '.toast-error' : ''), { role: kind === 'error' ? 'alert' : 'status' }, text);
  document.getElementById('toasts').append(el);
  setTimeout(() => el.remove(), kind === 'error' ? 10000 : 4000);
}

/** Runs an action from a button: busy state, errors shown in `scope` (or as a toast). */
export async function act(button, scope, fn, done) {
  if (button) { button.disabled = true; button.setAttribute('aria-busy', 'true'); }
  try {
    if (scope) clearErrors(scope);
    const r = await fn();
    if (done) toast(done);
    return r;
  } catch (e) {
    if (scope) showError(scope, e); else toast(e instanceof ApiError ? e.text() : String(e), 'error');
    return undefined;
  } finally {
    if (button) { button.disabled = false; button.removeAttribute('aria-busy'); }
  }
}

/** A modal confirm; with `typeName` the user must type that name first. */
export function confirmDialog({ title, text, ok, typeName }) {
  const d = document.getElementById('confirm');
  d.querySelector('#confirm-title').textContent = title;
  d.querySelector('#confirm-text').textContent = text;
  const wrap = d.querySelector('#confirm-type-wrap');
  const typed = d.querySelector('#confirm-type');
  const okBtn = d.querySelector('#confirm-ok');
  okBtn.textContent = ok || t('common.confirm');
  d.querySelector('#confirm-cancel').textContent = t('common.cancel');
  wrap.hidden = !typeName;
  typed.value = '';
  d.querySelector('#confirm-type-label').textContent = typeName ? t('common.type_to_confirm', { name: typeName }) : '';
  okBtn.disabled = !!typeName;
  typed.oninput = () => { okBtn.disabled = typed.value !== typeName; };
  return new Promise((resolve) => {
    d.onclose = () => resolve(d.returnValue === 'ok');
    d.returnValue = 'cancel';
    d.showModal();
    (typeName ? typed : okBtn).focus();
  });
}

/** A table in a horizontal scroller; rows: arrays of cells (nodes or text). */
export function table(headers, rows, caption) {
  return h('div.table-wrap', { tabindex: '0', role: 'region', 'aria-label': caption || '' },
    h('table', caption ? h('caption.sr-only', caption) : null,
      h('thead', h('tr', headers.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', rows.length ? rows.map((r) => h('tr', r.map((c) => h('td', c))))
        : h('tr', h('td.muted', { colspan: String(headers.length) }, t('common.none'))))));
}

export function badge(text, kind) { return h('span.badge.badge-' + (kind || text), text); }

export function section(title, ...children) {
  return h('section.card', h('h2', title), ...children);
}

export function copyButton(getText, label) {
  const b = h('button.btn.small', { type: 'button' }, label || t('common.copy'));
  b.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(getText());
      toast(t('common.copied'));
    } catch (e) {
      toast(t('common.copy_failed'), 'error');
    }
  });
  return b;
}

export function labelsText(map) {
  return Object.entries(map || {}).map(([k, v]) => k + '=' + v).join('\n');
}

/** "k=v" lines into a map; a bad line is reported under `fieldName`. */
export function parseLabels(text, fieldName) {
  const out = {};
  for (const line of String(text || '').split(/\n|,/)) {
    const s = line.trim();
    if (!s) continue;
    const i = s.indexOf('=');
    if (i <= 0) throw new ApiError(400, { detail: t('error.invalid_input'), errors: [{ field: fieldName, message: t('error.label_line', { line: s }) }] });
    out[s.slice(0, i).trim()] = s.slice(i + 1).trim();
  }
  return out;
}

/** Number input in GB -> bytes (decimal GB, as providers sell them); empty = 0. */
export function gbToBytes(v, fieldName) {
  const n = Number(String(v || '0').replace(',', '.'));
  if (!Number.isFinite(n) || n < 0) {
    throw new ApiError(400, { detail: t('error.invalid_input'), errors: [{ field: fieldName || 'data_limit_bytes', message: t('error.gb') }] });
  }
  return Math.round(n * 1e9);
}
export function bytesToGb(b) { return b ? String(Math.round(b / 1e7) / 100) : ''; }
