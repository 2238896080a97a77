// Drives headless Chromium (playwright-core) against a built site served on
// 127.0.0.1, for the search benchmarks. One JSON job on stdin, JSON on stdout.
//
// job = {
//   "playwright": "<dir of the playwright-core package>",
//   "chromium": "/usr/bin/chromium",
//   "origin": "http://127.0.0.1:PORT",
//   "tasks": [task, ...]
// }
// Tasks (each answers {kind, ...}):
//   {kind:"pagefind-search", page, queries:[q], limit, bundle:"/pagefind/", merge:[{bundle, language}]}
//       one page; Pagefind's primary index is the page's <html lang>; `merge` adds
//       other language indexes with mergeIndex. → {results:[{q, hits:[{url, score, title, subs}]}]}
//   {kind:"pagefind-requests", page, queries:[q], limit, bundle}
//       per query a fresh browser context (cold cache): load `page`, then import
//       pagefind.js, search, load the data of the first `limit` results.
//       → {runs:[{q, requests:[url], ms, n}]} (requests made after the page loaded)
//   {kind:"cmkb-requests", page, queries:[q], options}
//       per query a fresh context: load `page` (which loads search.js), run
//       cmkbSearch.search. → {runs:[{q, pageRequests:[url], requests:[url], ms, n}]}
//   {kind:"cmkb-latency", page, queries:[q], options, repeat}
//   {kind:"pagefind-latency", page, queries:[q], limit, bundle, merge}
//       one page; each query runs once cold then `repeat` times warm; → {runs:[{q, cold, warm:[ms]}]}
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const job = JSON.parse(readFileSync(0, 'utf8'));
const require = createRequire(job.playwright.replace(/\/?$/, '/'));
const { chromium } = require(job.playwright);

const origin = job.origin;
if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(origin)) throw new Error('origin must be http://127.0.0.1:PORT');

const browser = await chromium.launch({
  executablePath: job.chromium || '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run',
    // Nothing leaves the machine: every host but 127.0.0.1 fails to resolve.
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  ],
  timeout: 60000,
});

async function newPage(requests) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(60000);
  if (requests) context.on('request', (r) => requests.push(r.url()));
  return { context, page };
}

const same = (u) => u.startsWith(origin + '/');

/* In the page: Pagefind search → the first `limit` results' data. */
async function pagefindInPage(page, { queries, limit, bundle, merge, timed, repeat }) {
  return page.evaluate(async ({ queries, limit, bundle, merge, timed, repeat }) => {
    const pf = await import(bundle + 'pagefind.js');
    await pf.options({});
    for (const m of merge || []) await pf.mergeIndex(m.bundle, { language: m.language });
    const once = async (q) => {
      const s = await pf.search(q);
      const top = s.results.slice(0, limit);
      const data = await Promise.all(top.map((r) => r.data()));
      return data.map((d, i) => ({
        url: d.url,
        score: top[i].score,
        title: (d.meta && d.meta.title) || '',
        subs: (d.sub_results || []).slice(0, 3).map((x) => [x.url, x.title]),
      }));
    };
    const out = [];
    for (const q of queries) {
      if (!timed) { out.push({ q, hits: await once(q) }); continue; }
      let t = performance.now();
      await once(q);
      const cold = performance.now() - t;
      const warm = [];
      for (let i = 0; i < repeat; i++) {
        t = performance.now();
        await once(q);
        warm.push(performance.now() - t);
      }
      out.push({ q, cold, warm });
    }
    return out;
  }, { queries, limit, bundle, merge, timed, repeat });
}

const answers = [];
for (const task of job.tasks) {
  const url = origin + task.page;
  if (task.kind === 'pagefind-search' || task.kind === 'pagefind-latency') {
    const { context, page } = await newPage(null);
    await page.goto(url, { waitUntil: 'load' });
    const timed = task.kind === 'pagefind-latency';
    const results = await pagefindInPage(page, { ...task, timed, repeat: task.repeat || 1 });
    answers.push(timed ? { kind: task.kind, runs: results } : { kind: task.kind, results });
    await context.close();
  } else if (task.kind === 'pagefind-requests') {
    const runs = [];
    for (const q of task.queries) {
      const requests = [];
      const { context, page } = await newPage(requests);
      await page.goto(url, { waitUntil: 'load' });
      await page.waitForTimeout(200);
      requests.length = 0;
      const t = Date.now();
      const [r] = await pagefindInPage(page, { queries: [q], limit: task.limit, bundle: task.bundle, merge: task.merge });
      runs.push({ q, requests: requests.filter(same), ms: Date.now() - t, n: r.hits.length, top: r.hits.slice(0, 3).map((h) => h.url) });
      await context.close();
    }
    answers.push({ kind: task.kind, runs });
  } else if (task.kind === 'cmkb-requests') {
    const runs = [];
    for (const q of task.queries) {
      const requests = [];
      const { context, page } = await newPage(requests);
      await page.goto(url, { waitUntil: 'load' });
      await page.waitForFunction(() => window.cmkbSearch && window.cmkbSearch.search);
      const pageRequests = requests.filter(same);
      requests.length = 0;
      const t = Date.now();
      const results = await page.evaluate(({ q, options }) => window.cmkbSearch.search(q, options), { q, options: task.options || {} });
      runs.push({ q, pageRequests, requests: requests.filter(same), ms: Date.now() - t, n: results.length, top: results.slice(0, 3).map((h) => h.url) });
      await context.close();
    }
    answers.push({ kind: task.kind, runs });
  } else if (task.kind === 'cmkb-latency') {
    const { context, page } = await newPage(null);
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => window.cmkbSearch && window.cmkbSearch.search);
    const runs = await page.evaluate(async ({ queries, options, repeat }) => {
      const out = [];
      for (const q of queries) {
        let t = performance.now();
        await window.cmkbSearch.search(q, options);
        const cold = performance.now() - t;
        const warm = [];
        for (let i = 0; i < repeat; i++) {
          t = performance.now();
          await window.cmkbSearch.search(q, options);
          warm.push(performance.now() - t);
        }
        out.push({ q, cold, warm });
      }
      return out;
    }, { queries: task.queries, options: task.options || {}, repeat: task.repeat || 1 });
    answers.push({ kind: task.kind, runs });
    await context.close();
  } else {
    throw new Error('unknown task kind ' + task.kind);
  }
}
await browser.close();
process.stdout.write(JSON.stringify(answers));
