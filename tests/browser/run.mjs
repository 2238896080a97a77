// Browser tests of the default theme, in headless Chromium, against the
// example knowledge base built by tests/theme.rs (`cargo test`):
//
//   node run.mjs --port PORT --public DIR --internal DIR
//
// DIR is a site built with --base-url http://127.0.0.1:PORT/kb/ (public) or
// http://127.0.0.1:PORT/internal/ (internal edition), with --today 2027-03-10
// so that some guidance is overdue and some due soon. Each check prints
// `ok` or `FAIL`; the exit code is 1 when any failed.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { launch, serve } from './lib.mjs';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => {
    if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1]]);
    return pairs;
  }, []),
);
const PORT = Number(args.port);
const PUBLIC = args.public;
const INTERNAL = args.internal;
if (!PORT || !PUBLIC || !INTERNAL) {
  console.error('usage: node run.mjs --port PORT --public DIR --internal DIR');
  process.exit(2);
}
const ORIGIN = `http://127.0.0.1:${PORT}`;
const KB = `${ORIGIN}/kb/`;
const INT = `${ORIGIN}/internal/`;

// The example's pages the checks visit (see content/).
const P = {
  home: '',
  section: 'playbooks/',
  playbook: 'playbooks/primera-hora-crisis/',
  overdue: 'playbooks/moderar-hilo-caliente/',
  codePage: 'templates/respuestas-moderacion/',
  tags: 'tags/',
  tag: 'tags/crisis/',
  dashboard: 'dashboard/',
  search: 'search/?q=crisis',
  missing: 'no-such-page/',
  enHome: 'en/',
  enSection: 'en/playbooks/',
  enPlaybook: 'en/playbooks/first-hour-of-a-public-crisis/',
  enTag: 'tags/communication/',
  enDashboard: 'en/dashboard/',
  enSearch: 'en/search/?q=crisis',
};

// ---------------------------------------------------------------- harness

const results = [];
const externalRequests = new Set();
const consoleErrors = [];

class Failure extends Error {}
function assert(condition, message) {
  if (!condition) throw new Failure(message);
}
function eq(actual, expected, what) {
  assert(
    JSON.stringify(actual) === JSON.stringify(expected),
    `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
  );
}

async function check(name, fn) {
  const start = Date.now();
  try {
    await fn();
    const ms = Date.now() - start;
    results.push({ name, ok: true, ms });
    console.log(`ok   ${name} (${ms} ms)`);
  } catch (e) {
    const ms = Date.now() - start;
    results.push({ name, ok: false, ms, error: e });
    console.log(`FAIL ${name} (${ms} ms)\n     ${e instanceof Failure ? e.message : e.stack}`);
  }
}

let browser;

/** A fresh context (its own storage) that refuses anything but the local server. */
async function context(options = {}) {
  const ctx = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    colorScheme: 'light',
    reducedMotion: 'reduce',
    ...options,
  });
  await ctx.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(ORIGIN + '/') || url.startsWith('data:')) return route.continue();
    externalRequests.add(url);
    return route.abort();
  });
  ctx.on('page', watch);
  return ctx;
}

function watch(page) {
  page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // The 404 page is served with status 404, which Chromium logs.
    if (/status of 404/.test(m.text()) && /no-such-page/.test(page.url())) return;
    consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
}

async function open(ctx, url) {
  const page = await ctx.newPage();
  const response = await page.goto(url.startsWith('http') ? url : KB + url);
  return { page, response };
}

const bodyClass = (page) => page.evaluate(() => document.body.className);
const htmlLang = (page) => page.evaluate(() => document.documentElement.lang);
const pathOf = (page) => decodeURIComponent(new URL(page.url()).pathname);

async function follow(page, selector) {
  const link = page.locator(selector).first();
  assert((await link.count()) > 0, `no link ${selector} on ${pathOf(page)}`);
  const target = new URL(await link.getAttribute('href'), page.url());
  const same = (u) => decodeURIComponent(u.pathname + u.search) === decodeURIComponent(target.pathname + target.search);
  await Promise.all([page.waitForURL(same), link.click()]);
  await page.waitForLoadState('load');
}

// ---------------------------------------------------------------- static checks

function* htmlFiles(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* htmlFiles(full);
    else if (entry.name.endsWith('.html')) yield full;
  }
}

function decodeEntities(s) {
  return s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

/** How many pages (not sections, tags or other listings) a built site has. */
function pageCount(dir) {
  return [...htmlFiles(dir)].filter((f) => /<body class="kind-page/.test(fs.readFileSync(f, 'utf8'))).length;
}

/** Every root-relative URL of every page of a site stays under its base path and resolves. */
function checkLinks(dir, base) {
  const problems = [];
  for (const file of htmlFiles(dir)) {
    const html = fs.readFileSync(file, 'utf8');
    const rel = path.relative(dir, file);
    const ids = new Set([...html.matchAll(/\sid="([^"]*)"/g)].map((m) => decodeEntities(m[1])));
    for (const m of html.matchAll(/<(link|script|img|source|iframe|video|audio)\b[^>]*?\s(?:href|src)="([^"]*)"/g)) {
      const url = decodeEntities(m[2]);
      const isAlternate = m[1] === 'link' && /rel="(canonical|alternate)"/.test(m[0]);
      if (/^(https?:)?\/\//.test(url) && !url.startsWith(ORIGIN + '/') && !isAlternate) {
        problems.push(`${rel}: <${m[1]}> loads ${url} from elsewhere`);
      }
    }
    // No render-blocking JavaScript: scripts are deferred; the one inline
    // script (the saved colour scheme, applied before the first paint) is tiny.
    for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
      if (/\ssrc=/.test(m[1])) {
        if (!/\s(defer|async)\b|type="module"/.test(m[1])) problems.push(`${rel}: <script${m[1]}> blocks rendering`);
      } else if (m[2].length > 300) {
        problems.push(`${rel}: an inline script of ${m[2].length} bytes`);
      }
    }
    for (const m of html.matchAll(/\s(href|src)="([^"]*)"/g)) {
      const url = decodeEntities(m[2]);
      if (url.startsWith('#')) {
        const id = decodeURIComponent(url.slice(1));
        if (id && !ids.has(id)) problems.push(`${rel}: ${url} points at no id in the page`);
        continue;
      }
      let target = null;
      if (url.startsWith(ORIGIN + '/')) target = url.slice(ORIGIN.length);
      else if (url.startsWith('/')) target = url;
      if (target === null) continue;
      const [pathname] = target.split(/[?#]/);
      if (!pathname.startsWith(base)) {
        problems.push(`${rel}: ${url} is outside the base path ${base}`);
        continue;
      }
      let file = path.join(dir, decodeURIComponent(pathname.slice(base.length)));
      if (pathname.endsWith('/')) file = path.join(file, 'index.html');
      if (!fs.existsSync(file)) problems.push(`${rel}: ${url} does not exist`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------- checks

async function checkNavigation() {
  const ctx = await context();
  const { page } = await open(ctx, P.home);
  eq(await htmlLang(page), 'es', '<html lang> of the home page');
  assert((await bodyClass(page)).includes('kind-home'), 'the home page is the home template');
  assert(await page.locator('.listing-block .card-list .card').count() >= 4, 'the home page lists the sections');
  assert(await page.locator('#recent-heading ~ .summary-list .summary').count() >= 3, 'the home page lists recently reviewed guidance');
  assert(await page.locator('main .more-link a[href$="/dashboard/"]').count() === 1, 'the home page links the review dashboard');

  // Home → section, from the navigation tree.
  await follow(page, `.site-nav a.nav-link[href="/kb/${P.section}"]`);
  assert((await bodyClass(page)).includes('kind-section'), `section page: ${pathOf(page)}`);
  const summaries = await page.locator('.summary-list .summary').count();
  assert(summaries >= 3, 'the section lists its pages');
  assert(await page.locator('.summary-list .summary-description').count() === summaries, 'every listed page has its description');
  eq(await page.locator('.breadcrumbs a').count(), 1, 'section breadcrumbs (home)');
  eq(await page.locator('.site-nav a[aria-current="page"]').count(), 1, 'the navigation marks the current section');

  // Section → page.
  await follow(page, `.summary-title a[href="/kb/${P.playbook}"]`);
  assert((await bodyClass(page)).includes('kind-page'), 'page template');
  eq(await page.locator('.breadcrumbs li').count(), 3, 'page breadcrumbs: home, section, page');
  const meta = await page.locator('.doc-meta dt').allTextContents();
  for (const label of ['Tipo', 'Responsable', 'Audiencia', 'Última revisión', 'Revisar antes del', 'Etiquetas']) {
    assert(meta.includes(label), `the guidance block shows ${label}: ${meta}`);
  }
  assert(await page.locator('.site-nav details[open] a[aria-current="page"]').count() === 1, 'the navigation opens the current section and marks the page');

  // Previous / next within the section.
  const pager = page.locator('.pager a');
  assert(await pager.count() >= 1, 'the page has previous/next links');
  const before = pathOf(page);
  await follow(page, '.pager a');
  assert(pathOf(page) !== before && (await bodyClass(page)).includes('kind-page'), 'the pager leads to another page');
  assert(pathOf(page).startsWith('/kb/playbooks/'), 'the pager stays in the section');

  // Page → tag → tag list.
  await page.goto(KB + P.playbook);
  await follow(page, '.doc-meta a.tag');
  assert((await bodyClass(page)).includes('kind-term'), `tag page: ${pathOf(page)}`);
  assert(await page.locator('.summary-list .summary').count() >= 1, 'the tag page lists its pages');
  await follow(page, '.eyebrow a');
  assert((await bodyClass(page)).includes('kind-taxonomy'), 'tag list page');
  assert(await page.locator('.term-list a.tag').count() >= 10, 'the tag list lists the tags');

  // Footer → review dashboard.
  await follow(page, '.site-footer a[href="/kb/dashboard/"]');
  assert((await bodyClass(page)).includes('kind-dashboard'), 'dashboard page');

  // The overdue marker on a page whose review date has passed (--today 2027-03-10).
  await page.goto(KB + P.overdue);
  const badge = page.locator('.doc-meta .status-overdue');
  eq(await badge.count(), 1, 'an overdue page has the overdue marker in its guidance block');
  eq((await badge.textContent()).trim(), 'Revisión vencida', 'the overdue marker text');
  assert(await page.locator('.notice-overdue').isVisible(), 'an overdue page says so above the content');
  await page.goto(KB + P.playbook);
  eq(await page.locator('.doc-meta .status-overdue').count(), 0, 'a page reviewed in time has no overdue marker');

  // Header search box → search page with results.
  await page.locator('#search-q').fill('crisis');
  await Promise.all([page.waitForURL(/\/kb\/search\/\?q=crisis/), page.locator('#search-q').press('Enter')]);
  assert((await bodyClass(page)).includes('kind-search'), 'search page');
  await page.locator('#search-page-results .search-result').first().waitFor();
  assert(await page.locator('#search-page-results .search-result').count() >= 1, 'the search page shows results');

  // 404.
  const missing = await page.goto(KB + P.missing);
  eq(missing.status(), 404, 'status of a missing page');
  assert((await bodyClass(page)).includes('kind-404'), 'the 404 page');
  assert(await page.locator('main a[href="/kb/"]').count() >= 1, 'the 404 page links home');
  await ctx.close();
}

async function checkSearch() {
  const ctx = await context();
  const { page } = await open(ctx, P.home);
  const box = page.locator('#search-q');
  const typeAndWait = async (query) => {
    await box.fill('');
    await box.fill(query);
    await page.waitForFunction(() => {
      const panel = document.getElementById('search-results');
      return panel && !panel.hidden && panel.querySelector('.search-result, .search-empty');
    }, null, { timeout: 10000 });
    return page.locator('#search-results .search-result').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  };
  // Without accents, and with a typo, the moderation policy is found.
  const plain = await typeAndWait('moderacion codigo conducta');
  assert(plain.some((h) => h.startsWith('/kb/policies/moderacion-codigo-conducta/')), `accent-less query: ${plain}`);
  const typo = await typeAndWait('moderaton');
  assert(typo.length > 0 && typo.every((h) => h.startsWith('/kb/')), `typo query stays under the subpath: ${typo}`);
  const english = await typeAndWait('harassment escalation');
  assert(english.some((h) => h.startsWith('/kb/en/')), `English query finds English pages: ${english}`);
  eq(await page.locator('#search-results mark').count() > 0, true, 'matched words are highlighted');
  // Hostile queries: nothing injected, nothing run.
  await page.evaluate(() => { window.__xss = 0; });
  for (const q of ['<script>window.__xss=1</script>', '"><img src=x onerror="window.__xss=1">', '<b>bold</b> crisis']) {
    await typeAndWait(q);
    eq(await page.locator('#search-results img, #search-results script, #search-results b').count(), 0, `no element injected by ${q}`);
  }
  eq(await page.evaluate(() => window.__xss), 0, 'no injected code ran');
  // The results page: filters narrow by type and language.
  const results = await ctx.newPage();
  await results.goto(KB + 'search/?q=moderacion&type=policy');
  await results.waitForFunction(() => document.getElementById('search-page-results').getAttribute('aria-busy') === 'false', null, { timeout: 10000 });
  const metas = await results.locator('#search-page-results .search-result-meta').allTextContents();
  assert(metas.length > 0 && metas.every((m) => m.startsWith('policy')), `type filter: ${metas}`);
  await results.goto(KB + 'search/?q=crisis&lang=en');
  await results.waitForFunction(() => document.getElementById('search-page-results').getAttribute('aria-busy') === 'false', null, { timeout: 10000 });
  const links = await results.locator('#search-page-results .search-result').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert(links.length > 0 && links.every((h) => h.startsWith('/kb/en/')), `language filter: ${links}`);
  await ctx.close();
}

async function checkDashboard() {
  const ctx = await context();
  const { page } = await open(ctx, P.dashboard);
  const rows = await page.evaluate(() =>
    [...document.querySelectorAll('.dashboard-owner')].map((section) => ({
      owner: section.querySelector('h2').textContent.trim(),
      rows: [...section.querySelectorAll('tbody tr')].map((tr) => ({
        status: tr.className.replace('status-row-', ''),
        url: tr.querySelector('a').getAttribute('href'),
      })),
    })),
  );
  const owners = rows.map((g) => g.owner);
  for (const owner of ['equipo-comunidad', 'trust-and-safety', 'equipo-eventos']) {
    assert(owners.includes(owner), `the dashboard has a group for ${owner}: ${owners}`);
  }
  const all = rows.flatMap((g) => g.rows);
  eq(all.length, pageCount(PUBLIC), 'the public dashboard lists every public page');
  assert(!all.some((r) => r.url.includes('/team/')), 'the public dashboard has no internal page');
  const rank = { overdue: 0, 'due-soon': 1, unscheduled: 2, ok: 3 };
  for (const g of rows) {
    const ranks = g.rows.map((r) => rank[r.status]);
    eq(ranks, [...ranks].sort((a, b) => a - b), `${g.owner}: overdue first, then due soon, then fine`);
  }
  assert(all.some((r) => r.status === 'overdue') && all.some((r) => r.status === 'due-soon') && all.some((r) => r.status === 'ok'), 'the example has every status on 2027-03-10');
  eq(await page.locator('.count-overdue .count-number').textContent(), String(all.filter((r) => r.status === 'overdue').length), 'the overdue count');
  eq(await page.locator('.status-row-overdue .status-overdue').first().textContent(), 'Revisión vencida', 'overdue rows say so in words');
  eq(await page.locator('link[rel="alternate"][hreflang="en"]').getAttribute('href'), `${KB}en/dashboard/`, 'the dashboard names its English version');

  // The internal edition's dashboard lists the team's internal pages too.
  await page.goto(INT + P.dashboard);
  const internalUrls = await page.locator('.dashboard-table tbody a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert(internalUrls.some((u) => u.startsWith('/internal/team/')), 'the internal dashboard lists the internal pages');
  assert(internalUrls.length > all.length, 'the internal dashboard lists more pages than the public one');
  assert(await page.locator('.internal-banner').isVisible(), 'the internal edition shows its banner');
  await ctx.close();
}

async function checkLanguageSwitcher() {
  const ctx = await context();
  const { page } = await open(ctx, P.playbook);
  eq(await page.locator('link[rel="alternate"][hreflang="en"]').getAttribute('href'), KB + P.enPlaybook, 'hreflang alternate of the English version');
  eq(await page.locator('link[rel="alternate"][hreflang="es"]').getAttribute('href'), KB + P.playbook, 'hreflang alternate of the page itself');
  eq(await page.locator('.lang-switch [aria-current="true"]').textContent(), 'Español', 'the switcher marks the current language');
  await follow(page, '.lang-switch a[hreflang="en"]');
  eq(pathOf(page), '/kb/' + P.enPlaybook, 'the switcher leads to the translation');
  eq(await htmlLang(page), 'en', '<html lang> of the English page');
  eq(await page.locator('.skip-link').textContent(), 'Skip to content', 'UI strings follow the page language');
  eq(await page.locator('.doc-meta dt').first().textContent(), 'Type', 'guidance labels in English');
  eq(await page.locator('.translations a[hreflang="es"]').getAttribute('href'), '/kb/' + P.playbook, 'the page links its Spanish version');
  await follow(page, '.lang-switch a[hreflang="es"]');
  eq(pathOf(page), '/kb/' + P.playbook, 'and back to Spanish');
  eq(await htmlLang(page), 'es', '<html lang> back in Spanish');

  for (const [es, en] of [[P.home, P.enHome], [P.section, P.enSection], [P.dashboard, P.enDashboard], ['search/', 'en/search/']]) {
    await page.goto(KB + es);
    await follow(page, '.lang-switch a[hreflang="en"]');
    eq(pathOf(page), '/kb/' + en, `the switcher on /kb/${es}`);
    eq(await htmlLang(page), 'en', `<html lang> of /kb/${en}`);
  }
  await ctx.close();
}

const background = (page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
const LIGHT_BG = 'rgb(255, 255, 255)';
const DARK_BG = 'rgb(17, 20, 24)';

async function checkDarkMode() {
  // System light: the toggle switches to dark and the choice survives navigation and reloads.
  const ctx = await context({ colorScheme: 'light' });
  const { page } = await open(ctx, P.home);
  eq(await background(page), LIGHT_BG, 'light scheme by default');
  const toggle = page.locator('.theme-toggle');
  assert(await toggle.isVisible(), 'the toggle shows when JavaScript runs');
  eq(await toggle.getAttribute('aria-pressed'), 'false', 'toggle state in light mode');
  await toggle.click();
  eq(await page.evaluate(() => document.documentElement.dataset.theme), 'dark', 'the toggle sets the dark theme');
  eq(await background(page), DARK_BG, 'dark background after the toggle');
  eq(await toggle.getAttribute('aria-pressed'), 'true', 'toggle state in dark mode');
  await page.goto(KB + P.playbook);
  eq(await background(page), DARK_BG, 'the choice is remembered on the next page');
  const painted = await page.evaluate(() => document.documentElement.dataset.theme);
  eq(painted, 'dark', 'the saved theme is applied by the page itself');
  await page.reload();
  eq(await background(page), DARK_BG, 'the choice survives a reload');
  const second = await ctx.newPage();
  await second.goto(KB + P.enHome);
  eq(await background(second), DARK_BG, 'the choice holds in another tab');
  await second.locator('.theme-toggle').click();
  await page.reload();
  eq(await background(page), LIGHT_BG, 'switching back to light is remembered too');
  await ctx.close();

  // System dark: dark without a choice, and the toggle can pick light.
  const dark = await context({ colorScheme: 'dark' });
  const d = (await open(dark, P.home)).page;
  eq(await background(d), DARK_BG, 'prefers-color-scheme: dark gives the dark scheme');
  eq(await d.locator('.theme-toggle').getAttribute('aria-pressed'), 'true', 'the toggle reflects the system scheme');
  await d.locator('.theme-toggle').click();
  await d.goto(KB + P.section);
  eq(await background(d), LIGHT_BG, 'a light choice overrides a dark system');
  await dark.close();
}

async function scrolledTo(page, id) {
  // Wait for the scroll to settle.
  let last = null;
  for (let i = 0; i < 20; i++) {
    const now = await page.evaluate(() => window.scrollY);
    if (now === last) break;
    last = now;
    await page.waitForTimeout(30);
  }
  return page.evaluate((id) => {
    const el = document.getElementById(id);
    const r = el.getBoundingClientRect();
    const atBottom = Math.ceil(window.scrollY + window.innerHeight) >= document.documentElement.scrollHeight - 1;
    return { top: r.top, bottom: r.bottom, height: window.innerHeight, atBottom, hash: decodeURIComponent(location.hash) };
  }, id);
}

async function checkToc() {
  const ctx = await context({ viewport: { width: 1280, height: 800 } });
  const { page } = await open(ctx, P.playbook);
  const toc = page.locator('aside.toc');
  assert(await toc.locator('ol a').first().isVisible(), 'the table of contents is open on wide screens');
  assert(!(await toc.locator('summary').isVisible()), 'no disclosure on wide screens');
  const links = await toc.locator('ol a').evaluateAll((as) => as.map((a) => decodeURIComponent(a.getAttribute('href'))));
  assert(links.length >= 5, `the playbook has a table of contents: ${links}`);
  for (const href of links) {
    await toc.locator(`a[href="${href}"]`).click();
    const id = href.slice(1);
    const at = await scrolledTo(page, id);
    eq(at.hash, href, `the address follows the TOC link ${href}`);
    assert(at.top >= -1 && at.bottom <= at.height && (at.top <= 48 || at.atBottom), `${href}: heading scrolled to the top (top ${at.top}px)`);
    const box = await toc.boundingBox();
    assert(box && box.y >= 0 && box.y < 120, `the TOC stays in view (sticky) after ${href}: y=${box && box.y}`);
  }
  await ctx.close();

  // Phones: the TOC is a disclosure above the content.
  const phone = await context({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  const m = (await open(phone, P.playbook)).page;
  const summary = m.locator('.toc summary');
  assert(await summary.isVisible(), 'the TOC is collapsed behind a summary on phones');
  assert(!(await m.locator('.toc ol a').first().isVisible()), 'the TOC starts closed on phones');
  await summary.click();
  const last = m.locator('.toc ol a').last();
  const href = decodeURIComponent(await last.getAttribute('href'));
  await last.click();
  const at = await scrolledTo(m, href.slice(1));
  eq(at.hash, href, 'TOC link on a phone');
  assert(at.top >= -1 && at.bottom <= at.height, `${href}: heading in view on a phone (top ${at.top}px)`);
  await phone.close();
}

const REGIONS = ['skip', 'header', 'nav', 'main', 'footer'];

async function focusInfo(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const region = el.classList.contains('skip-link') ? 'skip'
      : el.closest('.site-header') ? 'header'
      : el.closest('.site-nav') ? 'nav'
      : el.closest('main') ? 'main'
      : el.closest('.site-footer') ? 'footer' : 'other';
    // A visible focus indicator on the element or, for whole-card links, on an ancestor.
    let visible = false;
    for (let n = el, depth = 0; n && depth < 4 && !visible; n = n.parentElement, depth++) {
      const s = getComputedStyle(n);
      visible = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || (s.boxShadow && s.boxShadow !== 'none');
    }
    const r = el.getBoundingClientRect();
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      cls: el.className && typeof el.className === 'string' ? el.className : '',
      text: (el.textContent || el.value || '').trim().slice(0, 40),
      region,
      visible,
      onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < window.innerHeight,
    };
  });
}

async function checkKeyboard() {
  const ctx = await context({ viewport: { width: 1280, height: 800 } });
  const { page } = await open(ctx, P.home);
  // Header → search: skip link, site title, then the search box.
  await page.keyboard.press('Tab');
  let f = await focusInfo(page);
  assert(f && f.cls.includes('skip-link') && f.onScreen && f.visible, `first Tab: the visible skip link, got ${JSON.stringify(f)}`);
  await page.keyboard.press('Tab');
  f = await focusInfo(page);
  assert(f && f.cls.includes('site-title') && f.visible, `second Tab: the site title, got ${JSON.stringify(f)}`);
  await page.keyboard.press('Tab');
  f = await focusInfo(page);
  assert(f && f.id === 'search-q' && f.visible, `third Tab: the search box, got ${JSON.stringify(f)}`);

  // Search from the keyboard: type, arrow to a result, Enter.
  // One input event (as an IME or a paste would send), so no earlier
  // partial query can re-render the results under the arrow keys.
  await page.keyboard.insertText('moderar');
  await page.locator('#search-results .search-result').first().waitFor();
  eq(await page.locator('#search-q').getAttribute('aria-expanded'), 'true', 'the results are announced as expanded');
  await page.keyboard.press('ArrowDown');
  eq(await page.locator('#search-q').getAttribute('aria-activedescendant'), 'search-option-0', 'ArrowDown selects the first result');
  const target = await page.locator('#search-option-0').getAttribute('href');
  await Promise.all([page.waitForURL((u) => u.href.startsWith(new URL(target, page.url()).href.split('#')[0])), page.keyboard.press('Enter')]);
  await page.waitForLoadState('load');
  assert((await bodyClass(page)).includes('kind-page'), `Enter opens the result: ${page.url()}`);

  // Skip link → content.
  await page.goto(KB + P.playbook);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  eq(await page.evaluate(() => document.activeElement.id), 'main', 'the skip link moves focus to the content');
  await page.keyboard.press('Tab');
  f = await focusInfo(page);
  assert(f && f.region === 'main' && f.visible, `after the skip link, Tab stays in the content: ${JSON.stringify(f)}`);

  // The whole tab order: skip link, header, navigation, content, footer —
  // every stop with a visible focus indicator.
  await page.goto(KB + P.playbook);
  const stops = [];
  for (let i = 0; i < 250; i++) {
    await page.keyboard.press('Tab');
    f = await focusInfo(page);
    if (!f) break;
    if (stops.length && f.region === 'skip') break; // wrapped around
    stops.push(f);
  }
  console.log(`     ${stops.length} tab stops on the playbook, skip link to footer`);
  const regions = stops.map((s) => s.region);
  assert(!regions.includes('other'), `focus left the landmarks: ${JSON.stringify(stops.filter((s) => s.region === 'other'))}`);
  const order = regions.map((r) => REGIONS.indexOf(r));
  eq(order, [...order].sort((a, b) => a - b), 'tab order: skip link → header → navigation → content → footer');
  for (const r of REGIONS) assert(regions.includes(r), `the tab order reaches the ${r}`);
  const invisible = stops.filter((s) => !s.visible);
  assert(!invisible.length, `focus must be visible: ${JSON.stringify(invisible.slice(0, 5))}`);
  assert(stops.some((s) => s.cls.includes('heading-anchor')), 'heading anchors are reachable by keyboard');
  assert(stops.some((s) => s.cls.includes('theme-toggle')), 'the theme toggle is reachable by keyboard');

  // "/" focuses the search box from anywhere.
  await page.locator('main h1').click();
  await page.keyboard.press('/');
  eq(await page.evaluate(() => document.activeElement.id), 'search-q', '"/" focuses the search box');
  await ctx.close();
}

async function checkLayout() {
  const pages = [P.home, P.section, P.playbook, P.codePage, P.tags, P.tag, P.dashboard, P.search, P.missing, P.enHome, P.enPlaybook, P.enDashboard];
  for (const width of [320, 375, 1280]) {
    const ctx = await context({ viewport: { width, height: 800 }, isMobile: width < 800, hasTouch: width < 800 });
    const page = await ctx.newPage();
    for (const url of pages) {
      await page.goto(KB + url);
      if (url.startsWith('search')) await page.locator('#search-page-results .search-result').first().waitFor();
      const m = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
        wide: [...document.querySelectorAll('body *')]
          .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !el.closest('.table-scroll, pre, .visually-hidden, .skip-link, .content table'))
          .slice(0, 3)
          .map((el) => el.tagName.toLowerCase() + '.' + el.className),
      }));
      assert(m.scroll <= m.client, `${width}px /kb/${url}: no horizontal scroll (scrollWidth ${m.scroll} > ${m.client}; ${m.wide})`);
    }
    // Navigation and TOC: collapsed on phones, open on wide screens.
    await page.goto(KB + P.playbook);
    const navSummary = await page.locator('.nav-disclosure > summary').isVisible();
    const navLink = await page.locator('.site-nav .nav-tree a').first().isVisible();
    if (width < 800) {
      assert(navSummary && !navLink, `${width}px: the section navigation is collapsed`);
      await page.locator('.nav-disclosure > summary').click();
      assert(await page.locator('.site-nav .nav-tree a').first().isVisible(), `${width}px: the navigation opens`);
    } else {
      assert(!navSummary && navLink, `${width}px: the section navigation is shown`);
      assert(await page.locator('.toc ol a').first().isVisible(), `${width}px: the TOC is shown`);
      const position = await page.locator('aside.toc').evaluate((el) => getComputedStyle(el).position);
      eq(position, 'sticky', 'the TOC is sticky on wide screens');
    }
    await ctx.close();
  }
}

async function checkWithoutJavaScript() {
  const ctx = await context({ javaScriptEnabled: false, viewport: { width: 375, height: 740 } });
  const { page } = await open(ctx, P.playbook);
  assert(await page.locator('main h1').isVisible(), 'content shows without JavaScript');
  assert(!(await page.locator('.theme-toggle').isVisible()), 'no dead theme toggle without JavaScript');
  await page.locator('.nav-disclosure > summary').click();
  assert(await page.locator('.site-nav .nav-tree a').first().isVisible(), 'the navigation opens without JavaScript');
  await page.locator('.toc summary').click();
  const href = decodeURIComponent(await page.locator('.toc ol a').nth(1).getAttribute('href'));
  await page.locator('.toc ol a').nth(1).click();
  eq(decodeURIComponent(new URL(page.url()).hash), href, 'TOC links work without JavaScript');
  assert(await page.locator('.heading-anchor').count() >= 5, 'heading anchors need no JavaScript');
  await page.goto(KB + 'search/?q=crisis');
  const notice = page.locator('.search-noscript');
  assert(await notice.isVisible(), 'the search page says search needs JavaScript');
  assert((await notice.textContent()).includes('JavaScript'), 'the notice names JavaScript');
  await page.goto(KB + P.dashboard);
  eq(await page.locator('.dashboard-table tbody tr').count(), pageCount(PUBLIC), 'the dashboard needs no JavaScript');
  await ctx.close();
}

async function checkAnchorsAndCopy() {
  const ctx = await context();
  await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ORIGIN });
  const { page } = await open(ctx, P.playbook);
  const headings = await page.locator('.content .heading').evaluateAll((hs) =>
    hs.map((h) => {
      const heading = h.querySelector('h2, h3, h4, h5, h6, h1');
      return { id: heading.id, text: heading.textContent, href: h.querySelector('a.heading-anchor').getAttribute('href') };
    }),
  );
  assert(headings.length >= 5, 'the headings of the body have anchors');
  for (const h of headings) eq(decodeURIComponent(h.href), '#' + h.id, `anchor of ${h.id}`);
  const first = headings[0];
  // The heading's accessible name is its text alone; the link has its own name.
  eq(await page.getByRole('heading', { name: first.text, exact: true }).count(), 1, 'the heading name is not polluted by its anchor');
  eq(await page.getByRole('link', { name: `Enlace a esta sección: ${first.text}`, exact: true }).count(), 1, 'the anchor is named in the page language');
  await page.locator('.heading-anchor').first().click();
  eq(decodeURIComponent(new URL(page.url()).hash), '#' + first.id, 'the anchor puts the section in the address bar, ready to copy');

  await page.goto(KB + P.enPlaybook);
  const enFirst = await page.locator('.content .heading h2').first().textContent();
  eq(await page.getByRole('link', { name: `Link to this section: ${enFirst}`, exact: true }).count(), 1, 'the anchor is named in English on English pages');

  // Code blocks get a copy button when JavaScript runs.
  await page.goto(KB + P.codePage);
  const blocks = await page.locator('.content pre').count();
  assert(blocks >= 1, 'the example has code blocks');
  eq(await page.locator('.code-block > .copy-button').count(), blocks, 'every code block has a copy button');
  const button = page.locator('.copy-button').first();
  eq(await button.textContent(), 'Copiar', 'the copy button speaks the page language');
  await button.click();
  await page.waitForFunction(() => document.querySelector('.copy-button').textContent === 'Copiado');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  const code = await page.locator('.content pre code').first().textContent();
  eq(copied, code.replace(/\n$/, ''), 'the button copies the code');
  eq(await page.locator('body > [role="status"]').textContent(), 'Copiado', 'the copy is announced to screen readers');
  await ctx.close();
}

async function checkPrint() {
  const ctx = await context();
  const { page } = await open(ctx, P.playbook);
  await page.emulateMedia({ media: 'print' });
  for (const selector of ['.site-nav', '.site-tools', '.toc', '.pager', '.breadcrumbs', '.skip-link']) {
    eq(await page.locator(selector).first().evaluate((el) => getComputedStyle(el).display), 'none', `print hides ${selector}`);
  }
  assert(await page.locator('.doc-meta').isVisible(), 'print keeps the guidance block');
  const after = await page.locator('.content a[href^="/"]').first().evaluate((a) => getComputedStyle(a, '::after').content);
  assert(after.includes('(') && after.includes('/kb/'), `print shows link targets: ${after}`);
  eq(await background(page), LIGHT_BG, 'print is light');
  await ctx.close();
}

const AXE_PAGES = [
  ['home', P.home], ['section', P.section], ['page', P.playbook], ['page with code', P.codePage],
  ['tag list', P.tags], ['tag', P.tag], ['dashboard', P.dashboard], ['search', P.search], ['404', P.missing],
  ['home (en)', P.enHome], ['section (en)', P.enSection], ['page (en)', P.enPlaybook], ['tag (en pages)', P.enTag],
  ['dashboard (en)', P.enDashboard], ['search (en)', P.enSearch],
  ['internal home', INT], ['internal page', INT + 'team/contactos-escalada/'], ['internal dashboard', INT + 'dashboard/'],
];

const axeFindings = [];

async function runAxe(page) {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(() =>
    window.axe.run(document, {
      resultTypes: ['violations'],
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    }),
  );
}

async function checkAxe() {
  const serious = [];
  // Every page at desktop width; on phones, one page of each layout (what
  // changes there is layout: scrolling regions, collapsed disclosures).
  const phonePages = new Set(['home', 'section', 'page', 'page with code', 'tag', 'dashboard', 'search', '404', 'page (en)', 'internal page']);
  const variants = [
    { scheme: 'light', width: 1280, pages: AXE_PAGES },
    { scheme: 'dark', width: 1280, pages: AXE_PAGES },
    { scheme: 'light', width: 375, pages: AXE_PAGES.filter(([name]) => phonePages.has(name)) },
    { scheme: 'dark', width: 375, pages: AXE_PAGES.filter(([name]) => phonePages.has(name)) },
  ];
  let runs = 0;
  for (const v of variants) {
    const ctx = await context({ colorScheme: v.scheme, viewport: { width: v.width, height: 800 } });
    const page = await ctx.newPage();
    for (const [name, url] of v.pages) {
      runs += 1;
      await page.goto(url.startsWith('http') ? url : KB + url);
      if (url.includes('search/?q=')) await page.locator('#search-page-results .search-result').first().waitFor();
      const result = await runAxe(page);
      for (const violation of result.violations) {
        const finding = `${v.scheme} ${v.width}px ${name}: ${violation.impact} ${violation.id} (${violation.nodes.length}×) ${violation.help} — ${violation.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')}`;
        axeFindings.push(finding);
        if (violation.impact === 'serious' || violation.impact === 'critical') serious.push(finding);
      }
    }
    await ctx.close();
  }
  // The toggled dark theme (data-theme) is the other route to the dark colours.
  const toggled = await context({ colorScheme: 'light' });
  const page = await toggled.newPage();
  await page.goto(KB + P.home);
  await page.locator('.theme-toggle').click();
  for (const [name, url] of [['home', P.home], ['page', P.playbook], ['dashboard', P.dashboard], ['search', P.search]]) {
    await page.goto(KB + url);
    if (url.includes('search/?q=')) await page.locator('#search-page-results .search-result').first().waitFor();
    runs += 1;
    const result = await runAxe(page);
    for (const violation of result.violations) {
      const finding = `toggled-dark ${name}: ${violation.impact} ${violation.id} ${violation.help}`;
      axeFindings.push(finding);
      if (violation.impact === 'serious' || violation.impact === 'critical') serious.push(finding);
    }
  }
  await toggled.close();
  for (const f of axeFindings) console.log(`     axe: ${f}`);
  console.log(`     axe: ${runs} page runs, ${axeFindings.length} findings, ${serious.length} serious or critical`);
  assert(!serious.length, `axe found serious or critical violations:\n       ${serious.join('\n       ')}`);
}

// ---------------------------------------------------------------- main

const started = Date.now();
const server = await serve({ '/kb/': PUBLIC, '/internal/': INTERNAL }, PORT);
try {
  browser = await launch();
  await check('links: every URL stays under the base path and resolves; nothing loads from elsewhere; no render-blocking script', async () => {
    const problems = [...checkLinks(PUBLIC, '/kb/'), ...checkLinks(INTERNAL, '/internal/')];
    assert(!problems.length, problems.slice(0, 20).join('\n     '));
  });
  await check('navigation: home, section, page, pager, tag, tag list, dashboard, search, 404', checkNavigation);
  await check('search: accent-less, typo and English queries, highlights, filters, hostile queries inject nothing', checkSearch);
  await check('review dashboard: every page by owner, overdue first, internal pages only internally', checkDashboard);
  await check('language switcher, hreflang alternates and <html lang>', checkLanguageSwitcher);
  await check('dark mode: prefers-color-scheme, and the toggle remembers the choice', checkDarkMode);
  await check('table of contents: links scroll to their headings; sticky on wide screens', checkToc);
  await check('keyboard: skip link, header, search, content, footer, visible focus', checkKeyboard);
  await check('layout: no horizontal scroll at 320, 375 and 1280 px', checkLayout);
  await check('without JavaScript: everything but search works, and search says so', checkWithoutJavaScript);
  await check('heading anchors and copy buttons', checkAnchorsAndCopy);
  await check('print stylesheet', checkPrint);
  await check('axe-core: no serious or critical violation, both languages, both schemes, phone and desktop', checkAxe);
  await check('no request left 127.0.0.1 and no script error', async () => {
    assert(!externalRequests.size, `external requests: ${[...externalRequests].join(', ')}`);
    assert(!consoleErrors.length, `console errors:\n     ${consoleErrors.join('\n     ')}`);
  });
} finally {
  if (browser) await browser.close();
  server.close();
}
const failed = results.filter((r) => !r.ok);
console.log(`${results.length - failed.length} passed, ${failed.length} failed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed.length ? 1 : 0);
