// The two things a report's state is made of, as badges: how far it is
// from the server (draft, waiting to send, sent, refused, conflict, locked)
// and where the server's workflow has it (editing … approved, rejected).

import { h } from '../dom.js';
import { t, getLang } from '../i18n.js';
import * as reports from '../reports.js';
import { valueText } from './text.js';

export function syncBadge(r) {
  const s = reports.syncState(r);
  const text = s === 'locked' ? t('state.locked', { name: r.sync?.holder || '?' }) : t(`state.${s}`);
  return h(`span.badge.sync-${s}`, { dataset: { sync: s } }, text);
}

export function statusBadge(r) {
  const s = reports.serverState(r);
  if (!s) return null;
  const text = s.status === 'applying' && s.stage ? t('status.applying_stage', { n: s.stage }) : t(`status.${s.status}`);
  return h(`span.badge.st-${s.status}`, { dataset: { status: s.status } }, text);
}

export const stateBadges = (r) => [syncBadge(r), statusBadge(r)];

/** Everything a search of the reports list looks at, in lower case. */
export function searchText(def, r) {
  const s = reports.serverState(r);
  const parts = [s?.name, s?.number, r.definitionName];
  if (def) {
    for (const c of reports.clustersOf(def)) {
      const v = r.values[c.key] ?? s?.values?.[c.key];
      if (v) parts.push(valueText(c, v, getLang()), v);
    }
  }
  return parts.filter(Boolean).join(' \n ').toLowerCase();
}
