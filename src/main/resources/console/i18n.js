// Message files in i18n/<lang>.json; English is the fallback for a missing key.
export const LANGS = ['en', 'ru', 'fa', 'zh'];
const RTL = new Set(['fa']);
let messages = {};
let fallback = {};
let current = 'en';

async function load(lang) {
  const res = await fetch('i18n/' + lang + '.json', { cache: 'no-cache' });
  if (!res.ok) throw new Error('cannot load messages for ' + lang);
  return res.json();
}

export function pick(preferred) {
  for (const l of preferred || []) {
    const base = String(l).toLowerCase().split('-')[0];
    if (LANGS.includes(base)) return base;
  }
  return 'en';
}

export async function setLang(lang) {
  if (!LANGS.includes(lang)) lang = 'en';
  if (!Object.keys(fallback).length) fallback = await load('en');
  messages = lang === 'en' ? fallback : await load(lang);
  current = lang;
  document.documentElement.lang = lang;
  document.documentElement.dir = RTL.has(lang) ? 'rtl' : 'ltr';
}

export function lang() { return current; }

export function t(key, vars) {
  let s = messages[key] ?? fallback[key] ?? key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.split('{' + k + '}').join(String(v));
  return s;
}

const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
export function bytes(n) {
  if (n === null || n === undefined) return '—';
  let i = 0; let v = Number(n);
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return new Intl.NumberFormat(current, { maximumFractionDigits: i ? 1 : 0 }).format(v) + ' ' + units[i];
}

export function date(s) {
  if (!s) return '—';
  return new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(s));
}

export function day(s) {
  if (!s) return '—';
  return new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(s));
}

export function num(n) { return new Intl.NumberFormat(current).format(n ?? 0); }

export function ago(s) {
  if (!s) return t('common.never');
  const sec = Math.round((new Date(s).getTime() - Date.now()) / 1000);
  const rtf = new Intl.RelativeTimeFormat(current, { numeric: 'auto' });
  const a = Math.abs(sec);
  if (a < 60) return rtf.format(sec, 'second');
  if (a < 3600) return rtf.format(Math.round(sec / 60), 'minute');
  if (a < 86400) return rtf.format(Math.round(sec / 3600), 'hour');
  return rtf.format(Math.round(sec / 86400), 'day');
}
