// Regenerates the screenshots in docs/screenshots/ (shown in the README):
// the home page and a playbook, light and dark, phone and desktop widths,
// plus the review dashboard.
//
//   cargo build --release
//   (cd tests/browser && npm ci)      # once
//   node tests/browser/screenshots.mjs [--cmkb target/release/cmkb] [--out docs/screenshots]
//
// It builds the example knowledge base with --today 2027-03-10 (so the
// playbook shown is overdue for review), serves it under /kb/ on 127.0.0.1
// and captures the first screen of each page with Debian's Chromium
// (CHROMIUM overrides /usr/bin/chromium).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, serve } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const arg = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const cmkb =
  arg('cmkb') ||
  ['target/release/cmkb', 'target/debug/cmkb'].map((p) => path.join(repo, p)).find((p) => fs.existsSync(p));
if (!cmkb) {
  console.error('build cmkb first (cargo build --release), or pass --cmkb PATH');
  process.exit(2);
}
const out = path.resolve(arg('out') || path.join(repo, 'docs/screenshots'));

const port = await new Promise((resolve) => {
  const probe = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});
const site = fs.mkdtempSync(path.join(os.tmpdir(), 'cmkb-shots-'));
execFileSync(cmkb, ['build', '--root', repo, '--output-dir', path.join(site, 'public'), '--base-url', `http://127.0.0.1:${port}/kb/`, '--today', '2027-03-10', '--quiet'], {
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, NO_COLOR: '1' },
});

const SHOTS = [
  ['home', ''],
  ['playbook', 'playbooks/moderar-hilo-caliente/'],
];
const SIZES = {
  phone: { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 },
  desktop: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 },
};

fs.mkdirSync(out, { recursive: true });
const server = await serve({ '/kb/': path.join(site, 'public') }, port);
const browser = await launch();
try {
  const jobs = [];
  for (const [name, url] of SHOTS) {
    for (const scheme of ['light', 'dark']) {
      for (const size of Object.keys(SIZES)) jobs.push({ file: `${name}-${scheme}-${size}.png`, url, scheme, size });
    }
  }
  jobs.push({ file: 'dashboard-light-desktop.png', url: 'dashboard/', scheme: 'light', size: 'desktop' });
  for (const job of jobs) {
    const ctx = await browser.newContext({ ...SIZES[job.size], colorScheme: job.scheme, reducedMotion: 'reduce' });
    await ctx.route('**/*', (route) => (route.request().url().startsWith(`http://127.0.0.1:${port}/`) ? route.continue() : route.abort()));
    const page = await ctx.newPage();
    await page.goto(`http://127.0.0.1:${port}/kb/${job.url}`, { waitUntil: 'load' });
    await page.screenshot({ path: path.join(out, job.file), animations: 'disabled' });
    await ctx.close();
    console.log(`${path.relative(repo, path.join(out, job.file))} (${Math.round(fs.statSync(path.join(out, job.file)).size / 1024)} KB)`);
  }
} finally {
  await browser.close();
  server.close();
  fs.rmSync(site, { recursive: true, force: true });
}
