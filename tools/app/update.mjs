#!/usr/bin/env node
// tools/app/update.mjs: keeps static/app/ (the tablet app) ready to serve
// without a build step.
//
//   node tools/app/update.mjs          vendor the npm libraries and stamp sw.js
//   node tools/app/update.mjs --check  exit 1 when static/app/ is not up to date
//
// 1. Vendoring: the npm packages of package-lock.json (installed here with
//    `npm ci`) are copied, as their authors built them, into
//    static/app/vendor/ with their licence on top.
// 2. Stamping: the service worker (static/app/sw.js) precaches every file of
//    the app; its FILES list and VERSION (a digest of every file's bytes) are
//    rewritten here, so a change to any file makes browsers fetch the new
//    version, and no file is forgotten.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const app = path.resolve(here, '../../static/app');
const check = process.argv.includes('--check');
const stale = [];

function write(file, text) {
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
  if (old === text) return;
  stale.push(path.relative(app, file));
  if (!check) fs.writeFileSync(file, text);
}

// ---- 1. vendored libraries
const VENDORED = [
  { pkg: 'idb', from: 'build/index.js', to: 'vendor/idb.js' },
];
for (const v of VENDORED) {
  const dir = path.join(here, 'node_modules', v.pkg);
  if (!fs.existsSync(dir)) {
    if (check) continue;   // checking needs no node_modules: the vendored file is committed
    throw new Error(`run "npm ci" in ${here} first`);
  }
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const licence = fs.readFileSync(path.join(dir, 'LICENSE'), 'utf8').trim();
  const head = `/*! ${meta.name} ${meta.version} (${meta.license}), ${meta.repository?.url || ''}\n` +
    ` * Vendored from npm by tools/app/update.mjs; do not edit.\n *\n` +
    licence.split('\n').map((l) => ` * ${l}`.trimEnd()).join('\n') + '\n */\n';
  write(path.join(app, v.to), head + fs.readFileSync(path.join(dir, v.from), 'utf8'));
}

// ---- 2. the service worker's list of files and version
function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [path.relative(app, p).split(path.sep).join('/')];
  });
}
const files = walk(app).filter((f) => f !== 'sw.js' && !f.startsWith('.')).sort();
const digest = createHash('sha256');
for (const f of files) {
  digest.update(`${f}\0`);
  // what the files will be once written (check mode compares against that)
  digest.update(fs.readFileSync(path.join(app, f)));
  digest.update('\0');
}
const version = digest.digest('hex').slice(0, 16);
const swFile = path.join(app, 'sw.js');
const sw = fs.readFileSync(swFile, 'utf8');
const list = ['./', ...files].map((f) => `  '${f}',`).join('\n');
const stamped = sw
  .replace(/^const VERSION = '[^']*';$/m, `const VERSION = '${version}';`)
  .replace(/^const FILES = \[\n[\s\S]*?^\];$/m, `const FILES = [\n${list}\n];`);
if (!/^const VERSION = /m.test(sw) || !/^const FILES = \[$/m.test(sw)) throw new Error('sw.js has no VERSION or FILES to stamp');
write(swFile, stamped);

if (check && stale.length) {
  console.error(`tools/app/update.mjs: static/app/ is not up to date (${stale.join(', ')}): run node tools/app/update.mjs`);
  process.exit(1);
}
if (!check) console.log(stale.length ? `updated: ${stale.join(', ')}` : 'up to date');
