// Runs the real search client (themes/default/static/search.js) under Node
// against a built site, without a browser: `fetch` reads the site's files.
// Usage: node query.mjs SITE_DIR BASE_PATH < queries.json
// queries.json: [{"q": "...", "options": {...}}, ...]; prints results as JSON.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';

const [siteDir, basePath] = process.argv.slice(2);
const fetched = [];
globalThis.window = globalThis;
globalThis.document = {
  currentScript: { getAttribute: (name) => (name === 'data-base' ? basePath : null), dataset: {} },
  readyState: 'complete',
  getElementById: () => null,
  documentElement: { lang: 'es' },
  addEventListener: () => {},
};
globalThis.fetch = async (url) => {
  fetched.push(url);
  const rel = url.startsWith(basePath) ? url.slice(basePath.length) : url;
  try {
    const bytes = readFileSync(join(siteDir, rel));
    return { ok: true, status: 200, json: async () => JSON.parse(bytes.toString('utf8')), bytes: bytes.length };
  } catch {
    return { ok: false, status: 404, json: async () => { throw new Error('404'); } };
  }
};
const here = new URL('.', import.meta.url).pathname;
const code = readFileSync(join(here, '../../themes/default/static/search.js'), 'utf8');
vm.runInThisContext(code);

const queries = JSON.parse(readFileSync(0, 'utf8'));
const out = [];
for (const { q, options } of queries) {
  fetched.length = 0;
  try {
    const results = await window.cmkbSearch.search(q, options || {});
    out.push({ q, results, fetched: [...fetched] });
  } catch (e) {
    out.push({ q, error: String(e && e.message || e), fetched: [...fetched] });
  }
}
process.stdout.write(JSON.stringify(out));
