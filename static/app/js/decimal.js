// Exact decimals for form values and formulas, as the server computes them
// (app/forms/decimal.h): a value is { m, s } = m / 10^s with m a BigInt and
// s >= 0 the digits after the point. No binary floating point, so
// 0.1 + 0.2 is 0.3. Rounding is half away from zero (2.5 -> 3, -2.5 -> -3).

export const MAX_SCALE = 30;      // most digits after the point
export const SIGNIFICANT = 15;    // most significant digits of a typed value

const TEN = 10n;
const pow10 = (n) => TEN ** BigInt(n);

/**
 * Reads s as the server does: an optional '-', ASCII digits, optionally
 * '.' and digits; nothing else. Returns { v } or { code } with code
 * 'not_a_number', 'too_many_digits' or 'too_many_decimals'.
 */
export function parse(s) {
  const m = /^(-?)([0-9]+)(?:\.([0-9]+))?$/.exec(typeof s === 'string' ? s : '');
  if (!m) return { code: 'not_a_number' };
  const frac = m[3] || '';
  if (frac.length > MAX_SCALE) return { code: 'too_many_decimals' };
  const int = m[2].replace(/^0+/, '');
  if (int.length > SIGNIFICANT) return { code: 'too_many_digits' };
  const v = { m: BigInt(int + frac || '0'), s: frac.length };
  if (m[1] && v.m !== 0n) v.m = -v.m;
  if (significant(v) > SIGNIFICANT) return { code: 'too_many_digits' };
  return { v };
}

/** Digits from the first non-zero one to the last non-zero fraction digit (or the units). */
export function significant(v) {
  let m = v.m < 0n ? -v.m : v.m;
  if (m === 0n) return 0;
  let s = v.s;
  while (s > 0 && m % TEN === 0n) { m /= TEN; s--; }
  return m.toString().length;
}

export const fromInt = (n) => ({ m: BigInt(n), s: 0 });
export const isZero = (v) => v.m === 0n;
export const neg = (v) => ({ m: -v.m, s: v.s });
export const abs = (v) => ({ m: v.m < 0n ? -v.m : v.m, s: v.s });

function align(a, b) {
  const s = Math.max(a.s, b.s);
  return [a.m * pow10(s - a.s), b.m * pow10(s - b.s), s];
}

export function cmp(a, b) {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function add(a, b) { const [x, y, s] = align(a, b); return { m: x + y, s }; }
export function sub(a, b) { const [x, y, s] = align(a, b); return { m: x - y, s }; }

/** a * b, rounded half up to MAX_SCALE places when longer. */
export function mul(a, b) {
  const r = { m: a.m * b.m, s: a.s + b.s };
  return r.s > MAX_SCALE ? round(r, MAX_SCALE) : r;
}

/** Integer division of n by d (d > 0n) rounded half away from zero. */
function divRound(n, d) {
  const negative = n < 0n;
  const q = (negative ? -n : n) / d, r = (negative ? -n : n) % d;
  const up = r * 2n >= d ? q + 1n : q;
  return negative ? -up : up;
}

/** a / b rounded half up to scale places; null when b is zero. */
export function div(a, b, scale) {
  if (b.m === 0n) return null;
  scale = Math.min(Math.max(scale, 0), MAX_SCALE);
  // a.m/10^a.s / (b.m/10^b.s) * 10^scale = a.m * 10^(b.s + scale) / (b.m * 10^a.s)
  let n = a.m * pow10(b.s + scale), d = b.m * pow10(a.s);
  if (d < 0n) { n = -n; d = -d; }
  return { m: divRound(n, d), s: scale };
}

/** Rounded half away from zero to places (negative: tens, hundreds, ...). */
export function round(v, places) {
  places = Math.min(places, MAX_SCALE);
  if (places >= v.s) return { m: v.m * pow10(places - v.s), s: places };
  const m = divRound(v.m, pow10(v.s - places));
  return places >= 0 ? { m, s: places } : { m: m * pow10(-places), s: 0 };
}

/** Without zeros at the end of the fraction ("1.500" -> "1.5"). */
export function trim(v) {
  let { m, s } = v;
  while (s > 0 && m % TEN === 0n) { m /= TEN; s--; }
  return { m, s };
}

/** The canonical text: digits after the point as the scale says ("5.0", "0.25", "-3"). */
export function toString(v) {
  const negative = v.m < 0n;
  let digits = (negative ? -v.m : v.m).toString();
  if (v.s > 0) {
    digits = digits.padStart(v.s + 1, '0');
    digits = `${digits.slice(0, -v.s)}.${digits.slice(-v.s)}`;
  }
  return negative && v.m !== 0n ? `-${digits}` : digits;
}
