// The values shown for the clusters the server fills, computed on the
// device while a report is filled in: Calculate and TimeCalculate from the
// values entered, the user's name for Registrant, Updater and LoginUser.
// Once the server has the report its own values are shown where the device
// cannot know them (dates it stamped, sign-offs).

import { parseFormula, evaluate, timeCalc } from './formula.js';
import { decimalPlaces } from './rules.js';

const trees = new Map();
function tree(src) {
  if (!trees.has(src)) {
    let t = null;
    try { t = parseFormula(src); } catch { t = null; }
    trees.set(src, t);
  }
  return trees.get(src);
}

function ref(spec, sheet) {
  const m = /^\s*[Cc]\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)|^\s*(\d+)/.exec(spec || '');
  if (!m) return null;
  return m[3] !== undefined ? `${sheet}/${m[3]}` : `${m[1]}/${m[2]}`;
}

/**
 * vals: the values by "S/C" (input values, and the server's for the rest).
 * who: { name } of the user; server: the server's snapshot or null.
 * Returns a new map with every cluster the device can fill filled in.
 */
export function computeAll(def, vals, { who, server } = {}) {
  const out = { ...vals };
  const all = def.sheets.flatMap((sh) => sh.clusters.map((c) => ({ c, sheet: sh.no, key: `${sh.no}/${c.id}` })));
  for (const { c, sheet, key } of all) {
    switch (c.type) {
      case 'Registrant': out[key] = server?.values[key] || who?.name || ''; break;
      case 'Updater':
      case 'LoginUser': out[key] = who?.name || server?.values[key] || ''; break;
      case 'RegisterDate':
      case 'UpdateDate': out[key] = server?.values[key] || ''; break;
      case 'TimeCalculate': {
        const a = ref(c.start, sheet), b = ref(c.end, sheet);
        out[key] = a && b ? timeCalc(out[a], out[b], Number(c.breakMinutes) || 0) : '';
        break;
      }
      default: break;
    }
  }
  const calcs = all.filter(({ c }) => c.type === 'Calculate');
  for (let pass = 0; pass < calcs.length; pass++) {
    for (const { c, key } of calcs) {
      const t = c.formula ? tree(c.formula) : null;
      const r = t ? evaluate(t, (s, k) => out[`${s}/${k}`], decimalPlaces(c)) : { value: '' };
      out[key] = r.error ? '' : r.value;
    }
  }
  return out;
}
