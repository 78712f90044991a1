// A cluster's value as words on the sheet and in search: numbers with
// their unit, choices by their labels, sign-offs by who signed.

import { choiceLabel } from '../rules.js';
import { formatTime } from '../dates.js';

/** The sign-off of a Create/Inspect/Approve value ({"user","name","at","comment"}) or null. */
export function signoff(value) {
  if (!value) return null;
  try {
    const o = JSON.parse(value);
    return o && typeof o === 'object' ? o : null;
  } catch {
    return null;
  }
}

/** The text shown for value of cluster c ("" for none). */
export function valueText(c, value, lang) {
  if (value === undefined || value === null || value === '') return '';
  switch (c.type) {
    case 'Numeric':
    case 'Calculate':
      return `${c.prefix || ''}${value}${c.suffix || ''}${c.unit ? ` ${c.unit}` : ''}`;
    case 'NumericSelect':
      return `${value}${c.unit ? ` ${c.unit}` : ''}`;
    case 'Select':
    case 'Toggle':
    case 'MultipleChoice':
      return c.master ? value : choiceLabel(c, value);
    case 'Check':
      return value === '1' ? '✓' : '';
    case 'Gps':
      return value.split(',').join(', ');
    case 'RegisterDate':
    case 'UpdateDate':
      return formatTime(value, lang);
    case 'Create':
    case 'Inspect':
    case 'Approve': {
      const s = signoff(value);
      return s ? `${s.name || s.user} ${formatTime(s.at, lang)}` : '';
    }
    default:
      return value;
  }
}
