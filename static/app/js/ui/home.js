// Home: the forms the user can start a report from ([data-action="new"]
// [data-definition="ID"]) and the user's reports on this device, with
// search, their states and copy.

import { h, fill, toast } from '../dom.js';
import { t, getLang } from '../i18n.js';
import { formatTime } from '../dates.js';
import * as session from '../session.js';
import * as catalog from '../catalog.js';
import * as reports from '../reports.js';
import { refreshCatalog } from '../refresh.js';
import { stateBadges, searchText } from './badges.js';
import { valueText } from './text.js';

const PAGE = 50;

export async function homeView(view) {
  view.className = 'home';
  const me = session.user();
  const defsBox = h('div.defs');
  const defsMeta = h('p.meta');
  const refreshBtn = h('button', { type: 'button', dataset: { action: 'refresh-forms' } }, t('home.refresh'));
  const search = h('input#report-search', { type: 'search', name: 'q', placeholder: t('home.search_ph'), 'aria-label': t('home.search'), autocomplete: 'off' });
  const list = h('ul.reports', { id: 'my-reports' });
  const listMeta = h('p.meta', { role: 'status' });
  let shown = PAGE;
  let all = [];
  const defCache = new Map();

  fill(view,
    h('section.card.defs-card', h('div.card-head', h('h2', t('home.new')), h('span.grow'), defsMeta, refreshBtn), defsBox),
    h('section.card.reports-card', h('div.card-head', h('h2', t('home.mine')), h('span.grow'), search), list, listMeta));

  async function renderDefs() {
    const entries = await catalog.catalog();
    const at = await catalog.refreshedAt();
    defsMeta.textContent = at ? t('home.defs_updated', { t: formatTime(at, getLang()) }) : t('home.defs_never');
    if (!entries.length) { fill(defsBox, h('p.empty', t('home.no_defs'))); return; }
    fill(defsBox, entries.map((e) => h('button.def', {
      type: 'button', dataset: { action: 'new', definition: String(e.id) },
      on: { click: () => startReport(e.id) },
    }, h('span.def-icon', { 'aria-hidden': 'true' }, '＋'), h('span.def-name', e.name),
    h('span.def-meta', t('home.def_rev', { n: e.revision }), e.status === 'test' ? ' · test' : ''))));
  }

  async function startReport(defId) {
    const def = await catalog.latest(defId);
    if (!def) { toast(t('report.def_missing', { n: '?' }), { kind: 'warn' }); return; }
    const r = await reports.create(def, me.login);
    location.hash = `#/report/${r.id}`;
  }

  async function definitionOf(r) {
    const k = `${r.definitionId}/${r.definitionRevision}`;
    if (!defCache.has(k)) defCache.set(k, await catalog.definition(r.definitionId, r.definitionRevision));
    return defCache.get(k);
  }

  async function renderList() {
    all = await reports.listFor(me.login);
    const q = search.value.trim().toLowerCase();
    const rows = [];
    for (const r of all) {
      if (q) {
        const def = await definitionOf(r);
        if (!searchText(def, r).includes(q)) continue;
      }
      rows.push(r);
    }
    if (!rows.length) {
      fill(list, h('li.empty', q ? t('home.none_found', { q: search.value.trim() }) : t('home.none')));
      listMeta.textContent = '';
      return;
    }
    const items = [];
    for (const r of rows.slice(0, shown)) items.push([r, preview(await definitionOf(r), r)]);
    fill(list, items.map(([r, pv]) => {
      const s = reports.serverState(r);
      return h('li.report', { dataset: { report: r.id, state: reports.syncState(r) } },
        h('a.report-main', { href: `#/report/${r.id}` },
          h('span.report-title', r.definitionName, s?.number ? h('span.number', ` ${s.number}`) : null),
          pv ? h('span.report-preview', pv) : null,
          h('span.report-sub', t('home.updated', { t: formatTime(r.changedAt, getLang()) }))),
        h('span.badges', stateBadges(r)),
        h('button.small', { type: 'button', dataset: { action: 'copy', report: r.id }, on: { click: () => copyReport(r) } }, t('home.copy')));
    }));
    listMeta.replaceChildren();
    if (rows.length > shown)
      listMeta.append(h('button.link', { type: 'button', on: { click: () => { shown += PAGE; renderList(); } } }, t('home.more')));
  }

  /** The first few values entered, so a report can be told from the others at a glance. */
  function preview(def, r) {
    if (!def) return '';
    const out = [];
    for (const c of reports.clustersOf(def)) {
      const v = r.values[c.key] ?? reports.serverState(r)?.values?.[c.key];
      if (!v || !['KeyboardText', 'Numeric', 'Select', 'Date', 'CodeReader', 'MasterSelect', 'NumericSelect'].includes(c.type)) continue;
      out.push(valueText(c, v, getLang()).split('\n')[0].slice(0, 40));
      if (out.length === 4) break;
    }
    return out.join(' · ');
  }

  async function copyReport(r) {
    const def = await definitionOf(r);
    if (!def) { toast(t('report.def_missing', { n: r.definitionRevision }), { kind: 'warn' }); return; }
    const c = await reports.copy(r, def, me.login);
    toast(t('home.copied'));
    location.hash = `#/report/${c.id}`;
  }

  refreshBtn.addEventListener('click', async () => {
    refreshBtn.disabled = true;
    defsMeta.textContent = t('home.refreshing');
    const res = await refreshCatalog();
    refreshBtn.disabled = false;
    if (res === 'offline') toast(t('signin.offline'));
    else if (res) toast(t('home.refresh_failed', { code: res }), { kind: 'warn' });
    renderDefs();
  });
  search.addEventListener('input', () => { shown = PAGE; renderList(); });

  const offCat = catalog.onCatalogChange(renderDefs);
  let pendingRender = null;
  const offRep = reports.onReportChange(() => {
    clearTimeout(pendingRender);
    pendingRender = setTimeout(renderList, 100);
  });
  await Promise.all([renderDefs(), renderList()]);
  return () => { offCat(); offRep(); clearTimeout(pendingRender); };
}
