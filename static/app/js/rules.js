// The value rules of every cluster type, as the server applies them
// (app/forms/value.h): what a type accepts, its canonical string, whether
// a Numeric is out of its normal range, `required`, and defaults. The app
// checks values as they are typed so that what it sends is accepted; the
// server checks them again and is the authority.

import * as D from './decimal.js';
import { dateBound, dayNumber } from './dates.js';
import { timeSeconds } from './formula.js';

/** Types whose value the user enters (sent in "values"). */
export const INPUT_TYPES = new Set(['KeyboardText', 'Numeric', 'NumericSelect', 'Date', 'Time', 'Check', 'Select',
  'MultipleChoice', 'Toggle', 'Gps', 'CodeReader', 'MasterSelect']);
/** Types whose value is an image (PUT …/attachments/{sheet}/{cluster}). */
export const FILE_TYPES = new Set(['Image', 'Handwriting', 'FreeDraw']);
/** Types the server fills (computed for display on the device where it can). */
export const SERVER_TYPES = new Set(['Calculate', 'TimeCalculate', 'Registrant', 'RegisterDate', 'Updater', 'UpdateDate', 'LoginUser']);
/** Sign-off types: signed by completing (Create, Inspect) or by an approval stage (Approve). */
export const SIGN_TYPES = new Set(['Create', 'Inspect', 'Approve']);

export const MASTER_KEY_MAX = 200;

const num = (c, name) => {
  const v = c[name];
  if (v === undefined || v === null || v === '' || !/^-?[0-9]{1,9}$/.test(String(v))) return null;
  return Number(v);
};
const dec = (c, name) => (c[name] === undefined || c[name] === null ? null : D.parse(String(c[name])).v || null);
const isTrue = (v) => v === true || v === 'true' || v === '1';

export const decimalPlaces = (c) => { const n = num(c, 'decimalPlaces'); return n !== null && n >= 0 && n <= 10 ? n : null; };
export const lines = (c) => Math.max(1, num(c, 'lines') || 1);
export const maxLength = (c) => num(c, 'maxLength');
export const withSeconds = (c) => isTrue(c.seconds);
export const masterName = (c) => (c.type === 'Select' || c.type === 'MasterSelect') && c.master ? c.master : null;

const POSIX_CLASSES = {
  alpha: 'A-Za-z', digit: '0-9', alnum: 'A-Za-z0-9', upper: 'A-Z', lower: 'a-z', space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t', xdigit: '0-9A-Fa-f', punct: '!-\\/:-@\\[-`{-~', cntrl: '\\x00-\\x1f\\x7f', print: ' -~', graph: '!-~',
};
const patternCache = new Map();
/** A POSIX ERE as a JavaScript RegExp matching the whole value, or null when it cannot be read here. */
export function patternRegExp(p) {
  if (patternCache.has(p)) return patternCache.get(p);
  let re = null;
  try {
    const js = p.replace(/\[:([a-z]+):\]/g, (m, name) => POSIX_CLASSES[name] ?? m);
    re = new RegExp(`^(?:${js})$`, 'u');
  } catch { re = null; }
  patternCache.set(p, re);
  return re;
}

function checkText(c, input, multiline, charset, max, pattern) {
  let v = input;
  if (multiline) v = v.replace(/\r\n?/g, '\n');
  let count = 0;
  for (const ch of v) {
    const cp = ch.codePointAt(0);
    if (cp === 10) {
      if (!multiline) return { code: 'bad_charset' };
    } else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0xd800 && cp <= 0xdfff)) {
      return { code: 'bad_charset' };
    } else if ((charset === 'alphanumeric' && !/[0-9A-Za-z]/.test(ch)) || (charset === 'digits' && !/[0-9]/.test(ch)) ||
               (charset === 'ascii' && (cp < 0x20 || cp > 0x7e))) {
      return { code: 'bad_charset' };
    }
    count++;
  }
  if (max !== null && count > max) return { code: 'too_long' };
  if (pattern) {
    const re = patternRegExp(pattern);
    if (re && !re.test(v)) return { code: 'pattern_mismatch' };
  }
  return { value: v };
}

function checkNumeric(c, input) {
  const r = D.parse(input);
  if (!r.v) return { code: r.code };
  const dp = decimalPlaces(c);
  if (r.v.s > (dp === null ? 10 : dp)) return { code: 'too_many_decimals' };
  const min = dec(c, 'minimum'), max = dec(c, 'maximum');
  if (min && D.cmp(r.v, min) < 0) return { code: 'below_minimum' };
  if (max && D.cmp(r.v, max) > 0) return { code: 'above_maximum' };
  const nmin = dec(c, 'normalMinimum'), nmax = dec(c, 'normalMaximum');
  const oon = Boolean((nmin && D.cmp(r.v, nmin) < 0) || (nmax && D.cmp(r.v, nmax) > 0));
  const canon = dp === null ? D.trim(r.v) : D.round(r.v, dp);
  return { value: D.toString(canon), oon };
}

function checkGps(input) {
  const parts = input.split(',');
  if (parts.length < 2 || parts.length > 3) return { code: 'bad_gps' };
  const out = [];
  for (let i = 0; i < parts.length; i++) {
    const r = D.parse(parts[i]);
    if (!r.v) return { code: 'bad_gps' };
    if (i < 2) {
      const lim = D.fromInt(i === 0 ? 90 : 180);
      if (D.cmp(r.v, D.neg(lim)) < 0 || D.cmp(r.v, lim) > 0) return { code: 'bad_gps' };
    }
    out.push(D.toString(D.trim(r.v)));
  }
  return { value: out.join(',') };
}

const items = (c) => (c.items || []).filter((it) => it.value);

/**
 * Checks input for cluster c. ctx.today is the tenant's "YYYY-MM-DD".
 * Returns { value, oon } (value canonical, "" for none) or { code }.
 * Only INPUT_TYPES take values; the others answer read_only.
 */
export function check(c, input, ctx = {}) {
  if (input === undefined || input === null || input === '') return { value: '' };
  if (!INPUT_TYPES.has(c.type)) return { code: 'read_only' };
  switch (c.type) {
    case 'KeyboardText':
    case 'CodeReader':
      return checkText(c, input, lines(c) > 1, c.charset || 'any', maxLength(c), c.pattern || null);
    case 'Numeric':
      return checkNumeric(c, input);
    case 'NumericSelect': {
      const r = D.parse(input);
      if (!r.v) return { code: 'not_a_number' };
      const it = items(c).find((i) => { const x = D.parse(i.value).v; return x && D.cmp(x, r.v) === 0; });
      return it ? { value: D.toString(D.parse(it.value).v) } : { code: 'not_in_items' };
    }
    case 'Date': {
      const d = dayNumber(input);
      if (d === null) return { code: 'bad_date' };
      const lo = dateBound(c.minimum, ctx.today), hi = dateBound(c.maximum, ctx.today);
      if ((lo && d < dayNumber(lo)) || (hi && d > dayNumber(hi))) return { code: 'date_out_of_range' };
      return { value: input };
    }
    case 'Time': {
      const secs = withSeconds(c);
      if (!(input.length === 5 || (input.length === 8 && secs)) || timeSeconds(input) === null) return { code: 'bad_time' };
      return { value: secs && input.length === 5 ? `${input}:00` : input };
    }
    case 'Check':
      return input === '1' ? { value: '1' } : { code: 'bad_check' };
    case 'Select':
      if (c.master) return checkText(c, input, false, 'any', MASTER_KEY_MAX, null);
      return items(c).some((i) => i.value === input) ? { value: input } : { code: 'not_in_items' };
    case 'Toggle':
      return items(c).some((i) => i.value === input) ? { value: input } : { code: 'not_in_items' };
    case 'MultipleChoice': {
      const chosen = input.split('\t');
      const all = items(c).map((i) => i.value);
      if (chosen.some((v) => !all.includes(v)) || new Set(chosen).size !== chosen.length) return { code: 'not_in_items' };
      const min = num(c, 'minSelected'), max = num(c, 'maxSelected');
      if (min !== null && chosen.length < min) return { code: 'too_few_selected' };
      if (max !== null && chosen.length > max) return { code: 'too_many_selected' };
      return { value: all.filter((v) => chosen.includes(v)).join('\t') };
    }
    case 'Gps':
      return checkGps(input);
    case 'MasterSelect':
      return checkText(c, input, false, 'any', MASTER_KEY_MAX, null);
    default:
      return { code: 'read_only' };
  }
}

/** True when c is required and value holds nothing (white space counts as nothing for text). */
export function requiredMissing(c, value) {
  if (!isTrue(c.required) || c.type === 'FixedText') return false;
  if (!value) return true;
  if (c.type !== 'KeyboardText' && c.type !== 'CodeReader') return false;
  return /^[ \t\r\n\u3000]*$/.test(value);
}

/** The value a new report starts with for c ("" for none). */
export function defaultValue(c, ctx = {}) {
  if (!INPUT_TYPES.has(c.type)) return '';
  let v = '';
  const listed = items(c).filter((i) => i.default === true || i.default === 'true');
  if (['Select', 'Toggle', 'NumericSelect'].includes(c.type) && listed.length) v = listed[0].value;
  else if (c.type === 'MultipleChoice' && listed.length) v = listed.map((i) => i.value).join('\t');
  else if (c.default !== undefined && c.default !== null) v = String(c.default);
  if (c.type === 'Date' && v.startsWith('today')) v = dateBound(v, ctx.today) || '';
  if (c.type === 'Check' && isTrue(v)) v = '1';
  const r = check(c, v, ctx);
  return r.code ? '' : r.value;
}

/** The label of a choice value (Select, Toggle, MultipleChoice: labels joined). */
export function choiceLabel(c, value) {
  if (!value) return '';
  const all = c.items || [];
  return value.split('\t').map((v) => all.find((i) => i.value === v)?.label || v).join('、');
}
