#!/usr/bin/env node
// tools/app/icons.mjs: draws the app's PNG icons (icons/icon-192.png,
// icon-512.png, icon-maskable-512.png) from icons/icon.svg with Debian's
// chromium through playwright-core (test/browser/node_modules). Run after
// changing icon.svg, then tools/app/update.mjs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const icons = path.resolve(here, '../../static/app/icons');
const require = createRequire(path.resolve(here, '../../test/browser/package.json'));
const { chromium } = require('playwright-core');

const svg = fs.readFileSync(path.join(icons, 'icon.svg'), 'utf8');
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'genba-icons-'));
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.GENBA_CHROMIUM || '/usr/bin/chromium', headless: true, chromiumSandbox: false,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = ctx.pages()[0] || await ctx.newPage();
  for (const [name, size, maskable] of [['icon-192.png', 192, false], ['icon-512.png', 512, false], ['icon-maskable-512.png', 512, true]]) {
    await page.setViewportSize({ width: size, height: size });
    // a maskable icon keeps its drawing inside the middle 80 % on a full background
    const inner = maskable ? svg.replace('rx="96"', 'rx="0"').replace('<svg ', '<svg transform="scale(0.8)" ') : svg;
    await page.setContent(`<html><body style="margin:0;background:${maskable ? '#0b6e4f' : 'transparent'};display:grid;place-items:center;width:${size}px;height:${size}px">` +
      `<div style="width:${size}px;height:${size}px">${inner.replace('<svg ', `<svg width="${size}" height="${size}" `)}</div></body></html>`);
    await page.screenshot({ path: path.join(icons, name), omitBackground: !maskable, clip: { x: 0, y: 0, width: size, height: size } });
  }
} finally {
  await ctx.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
console.log('icons written');
