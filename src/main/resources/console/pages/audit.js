// Audit log, newest first, with actor/action/target filters and cursor pages.
import { get, qs } from '../api.js';
import { t, date } from '../i18n.js';
import { h, field, input, table, showError, clearErrors } from '../ui.js';

export async function render(main) {
  const actor = input({ autocomplete: 'off' });
  const action = input({ autocomplete: 'off', placeholder: 'user.create' });
  const target = input({ autocomplete: 'off' });
  const f = h('form.toolbar#audit-filter', { role: 'search' }, field('actor', t('audit.actor'), actor), field('action', t('audit.action'), action),
    field('target', t('audit.target'), target), h('button.btn', { type: 'submit' }, t('common.apply')));
  const out = h('div');
  const pager = h('div.pager');
  let cursors = [null];
  let page = 0;
  const load = async () => {
    const r = await get('/audit' + qs({ actor: actor.value.trim(), action: action.value.trim(), target: target.value.trim(), limit: 50, cursor: cursors[page] }));
    clearErrors(f);
    out.replaceChildren(table([t('audit.at'), t('audit.actor'), t('audit.action'), t('audit.target'), t('audit.summary')],
      r.items.map((e) => [date(e.at), h('span.mono', e.actor), h('code', e.action), h('span.mono', e.target || ''), e.summary]), t('nav.audit')));
    if (r.next_cursor) cursors[page + 1] = r.next_cursor;
    const prev = h('button.btn.small', { type: 'button', disabled: page === 0 }, t('common.prev'));
    const next = h('button.btn.small', { type: 'button', disabled: !r.next_cursor }, t('common.next'));
    prev.addEventListener('click', () => { page--; run(); });
    next.addEventListener('click', () => { page++; run(); });
    pager.replaceChildren(prev, h('span.muted', t('common.page', { n: page + 1 })), next);
  };
  const run = () => load().catch((e) => showError(f, e));
  f.addEventListener('submit', (e) => { e.preventDefault(); cursors = [null]; page = 0; run(); });
  main.append(h('h1', t('nav.audit')), h('div.card', f, out, pager));
  await load();
  return null;
}
