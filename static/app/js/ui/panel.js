// The input panel: opens when a cluster is tapped, shows the editor for
// its type (ui/editors.js) with the cluster's name, whether it is required,
// and buttons to the previous and next item; OK closes it.

import { h, fill } from '../dom.js';
import { t, hasKey } from '../i18n.js';
import { editorFor } from './editors.js';

/** A cluster type's name in the UI language. */
export const typeLabel = (type) => (hasKey(`type.${type}`) ? t(`type.${type}`) : type);

/**
 * A panel in host. show(ctx) replaces what it shows; ctx is the editing
 * context the report view makes for one cluster (see ui/report.js).
 */
export function createPanel(host, { onClose }) {
  const panel = h('aside.panel', { hidden: true, 'aria-live': 'polite', role: 'dialog', 'aria-modal': 'false' });
  host.append(panel);
  let editor = null, key = null;

  function show(ctx) {
    editor?.dispose?.();
    key = ctx.key;
    const c = ctx.c;
    editor = editorFor(ctx);
    const req = c.required === true ? h('span.badge.req', t('panel.required')) : null;
    fill(panel,
      h('div.panel-head',
        h('button.nav', { type: 'button', dataset: { action: 'prev' }, 'aria-label': t('panel.prev'), disabled: !ctx.hasPrev, on: { click: ctx.prev } }, '‹'),
        h('div.panel-title', h('strong', c.name), h('span.type', typeLabel(c.type)), req),
        h('button.nav', { type: 'button', dataset: { action: 'next' }, 'aria-label': t('panel.next'), disabled: !ctx.hasNext, on: { click: ctx.next } }, '›'),
        h('button.primary.ok', { type: 'button', dataset: { action: 'panel-ok' }, on: { click: close } }, t('panel.ok'))),
      h('div.panel-body', { dataset: { editor: c.type, key: ctx.key } }, editor.el));
    panel.hidden = false;
    panel.dataset.key = ctx.key;
    requestAnimationFrame(() => editor.focus?.());
  }

  function refresh() { editor?.refresh?.(); }

  function close() {
    if (panel.hidden) return;
    editor?.dispose?.();
    editor = null;
    panel.hidden = true;
    const k = key;
    key = null;
    delete panel.dataset.key;
    onClose(k);
  }

  return { el: panel, show, close, refresh, isOpen: () => !panel.hidden, key: () => key };
}
