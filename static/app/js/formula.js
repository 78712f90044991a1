// Calculate formulas and TimeCalculate durations, evaluated on the device
// for display while a report is filled in. The server computes them again
// and its result is the one stored (app/forms/formula.h has the grammar and
// the rules this file follows: exact decimals, empty inputs give an empty
// result, SUM/AVERAGE/MIN/MAX skip empty arguments, division to 20 places).

import * as D from './decimal.js';

const DIV_SCALE = 20;
const MAX_DEPTH = 32;
const FUNCTIONS = { SUM: [1, 1000], AVERAGE: [1, 1000], MIN: [1, 1000], MAX: [1, 1000], ROUND: [2, 2], ABS: [1, 1], IF: [3, 3] };

class Syntax extends Error {}

/** Parses src into a tree; throws an Error with a message on bad syntax. */
export function parseFormula(src) {
  let p = 0, depth = 0;
  const ws = () => { while (p < src.length && ' \t\r\n'.includes(src[p])) p++; };
  const accept = (tok) => { ws(); if (src.startsWith(tok, p)) { p += tok.length; return true; } return false; };
  const fail = (msg) => { throw new Syntax(`${msg} at column ${p + 1}`); };
  const enter = () => { if (++depth > MAX_DEPTH) fail('nested too deeply'); };
  const int = () => {
    ws();
    const m = /^[0-9]{1,9}(?![0-9])/.exec(src.slice(p));
    if (!m) return -1;
    p += m[0].length;
    return Number(m[0]);
  };
  function primary() {
    ws();
    const rest = src.slice(p);
    let m = /^[0-9]+(\.[0-9]+)?/.exec(rest);
    if (m) {
      p += m[0].length;
      const r = D.parse(m[0]);
      if (!r.v) fail('malformed number');
      return { k: 'num', v: r.v };
    }
    if (accept('(')) {
      enter();
      const e = expr();
      if (!accept(')')) fail("expected ')'");
      depth--;
      return e;
    }
    m = /^[A-Za-z]+/.exec(rest);
    if (!m) fail('unexpected input');
    p += m[0].length;
    const name = m[0].toUpperCase();
    if (name === 'C') {
      if (!accept('(')) fail("expected '('");
      const sheet = int();
      if (sheet < 0 || !accept(',')) fail('expected C(sheet,cluster)');
      const cluster = int();
      if (cluster < 0 || !accept(')')) fail('expected C(sheet,cluster)');
      return { k: 'ref', sheet, cluster };
    }
    if (!FUNCTIONS[name]) fail(`unknown function ${name}`);
    if (!accept('(')) fail(`expected '(' after ${name}`);
    enter();
    const args = [];
    if (!accept(')')) {
      do args.push(expr()); while (accept(','));
      if (!accept(')')) fail(`expected ',' or ')' in ${name}`);
    }
    depth--;
    const [min, max] = FUNCTIONS[name];
    if (args.length < min || args.length > max) fail(`${name} takes ${min === max ? min : `${min} to ${max}`} arguments`);
    const node = { k: 'fn', name, args };
    if (name === 'ROUND') {
      const a = args[1];
      const places = a.k === 'num' ? D.trim(a.v) : null;
      if (!places || places.s !== 0 || places.m < -14n || places.m > 10n) fail("ROUND's places must be a whole number from -14 to 10");
      node.places = Number(places.m);
    }
    return node;
  }
  function unary() {
    if (accept('-') || accept('\u2212')) {
      enter();
      const x = unary();
      depth--;
      return x.k === 'num' ? { k: 'num', v: D.neg(x.v) } : { k: 'neg', x };
    }
    return primary();
  }
  function chain(operand, ops) {
    const args = [operand()], opsOut = [];
    for (;;) {
      const op = ops.find(([tok]) => accept(tok));
      if (!op) break;
      opsOut.push(op[1]);
      args.push(operand());
    }
    return args.length === 1 ? args[0] : { k: 'chain', args, ops: opsOut };
  }
  const product = () => chain(unary, [['*', '*'], ['/', '/'], ['\u00d7', '*'], ['\u00f7', '/']]);
  const sum = () => chain(product, [['+', '+'], ['-', '-'], ['\u2212', '-']]);
  function expr() {
    const left = sum();
    const op = ['<>', '<=', '>=', '=', '<', '>'].find((tok) => accept(tok));
    if (!op) return left;
    return { k: 'cmp', op, args: [left, sum()] };
  }
  if (src.length > 2000) throw new Syntax('formula too long');
  const tree = expr();
  ws();
  if (p < src.length) fail('unexpected input');
  return tree;
}

class EvalError extends Error {}
const EMPTY = { empty: true };

function apply(op, a, b) {
  switch (op) {
    case '+': return D.add(a, b);
    case '-': return D.sub(a, b);
    case '*': return D.mul(a, b);
    case '/': {
      const q = D.div(a, b, DIV_SCALE);
      if (!q) throw new EvalError('division_by_zero');
      return q;
    }
    case 'min': return D.cmp(b, a) < 0 ? b : a;
    default: return D.cmp(b, a) > 0 ? b : a;
  }
}

function ev(n, lookup) {
  switch (n.k) {
    case 'num': return { v: n.v };
    case 'ref': {
      const s = lookup(n.sheet, n.cluster);
      if (s === undefined || s === null || s === '') return EMPTY;
      const r = D.parse(s);
      if (!r.v) throw new EvalError('not_a_number');
      return { v: r.v };
    }
    case 'neg': { const x = ev(n.x, lookup); return x.empty ? x : { v: D.neg(x.v) }; }
    case 'chain': {
      let acc = ev(n.args[0], lookup);
      for (let i = 1; i < n.args.length; i++) {
        const x = ev(n.args[i], lookup);
        acc = acc.empty || x.empty ? EMPTY : { v: apply(n.ops[i - 1], acc.v, x.v) };
      }
      return acc;
    }
    case 'cmp': {
      const a = ev(n.args[0], lookup), b = ev(n.args[1], lookup);
      if (a.empty || b.empty) return EMPTY;
      const c = D.cmp(a.v, b.v);
      const t = { '=': c === 0, '<>': c !== 0, '<': c < 0, '<=': c <= 0, '>': c > 0, '>=': c >= 0 }[n.op];
      return { v: D.fromInt(t ? 1 : 0) };
    }
    default: return evFn(n, lookup);
  }
}

function evFn(n, lookup) {
  switch (n.name) {
    case 'ROUND': { const x = ev(n.args[0], lookup); return x.empty ? x : { v: D.round(x.v, n.places) }; }
    case 'ABS': { const x = ev(n.args[0], lookup); return x.empty ? x : { v: D.abs(x.v) }; }
    case 'IF': {
      const c = ev(n.args[0], lookup);
      if (c.empty) return c;
      return ev(n.args[D.isZero(c.v) ? 2 : 1], lookup);
    }
    default: {
      const op = { SUM: '+', AVERAGE: '+', MIN: 'min', MAX: 'max' }[n.name];
      let acc = null, count = 0;
      for (const a of n.args) {
        const x = ev(a, lookup);
        if (x.empty) continue;
        acc = count++ === 0 ? x.v : apply(op, acc, x.v);
      }
      if (!count) return EMPTY;
      if (n.name === 'AVERAGE') acc = apply('/', acc, D.fromInt(count));
      return { v: acc };
    }
  }
}

/**
 * The value of a parsed formula: { value } ("" when an input is empty) or
 * { error } (division_by_zero, not_a_number, too_many_digits).
 * lookup(sheet, cluster) gives a cluster's current value.
 * decimalPlaces: the cluster's (0..10), or null when absent.
 */
export function evaluate(tree, lookup, decimalPlaces) {
  try {
    const r = ev(tree, lookup);
    if (r.empty) return { value: '' };
    const places = decimalPlaces === null || decimalPlaces === undefined ? null : Math.min(decimalPlaces, 10);
    let v = D.round(r.v, places === null ? 10 : places);
    if (places === null) v = D.trim(v);
    if (D.significant(v) > D.SIGNIFICANT) return { error: 'too_many_digits' };
    return { value: D.toString(v) };
  } catch (e) {
    if (e instanceof EvalError) return { error: e.message };
    throw e;
  }
}

/** Seconds of "HH:MM" or "HH:MM:SS", or null. */
export function timeSeconds(s) {
  const m = /^([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?$/.exec(s || '');
  if (!m) return null;
  const [h, mi, se] = [Number(m[1]), Number(m[2]), Number(m[3] || 0)];
  return h > 23 || mi > 59 || se > 59 ? null : h * 3600 + mi * 60 + se;
}

/** TimeCalculate: "H:MM" from start to end (across midnight when end < start) less the break; "" when either is empty. */
export function timeCalc(start, end, breakMinutes) {
  if (!start || !end) return '';
  const s = timeSeconds(start);
  let e = timeSeconds(end);
  if (s === null || e === null) return '';
  if (e < s) e += 24 * 3600;
  const minutes = Math.max(0, Math.floor((e - s) / 60) - Math.max(0, breakMinutes || 0));
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;
}
