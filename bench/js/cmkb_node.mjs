// Runs the search client a built site ships (SITE_DIR/search.js) under Node,
// without a browser: `fetch` reads the site's files and records every path.
// Like tests/js/query.mjs, except that each query gets a FRESH client (a new
// vm context), so its fetch list is what a cold browser cache would download.
//
// Usage: node cmkb_node.mjs SITE_DIR [BASE_PATH] < queries.json
//   queries.json: [{"q": "...", "options": {...}}, ...]
//   stdout: [{"q", "results": [...], "fetched": ["search/manifest.json", ...], "ms"}, ...]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';

const [siteDir, basePath = '/'] = process.argv.slice(2);
if (!siteDir) {
  process.stderr.write('usage: node cmkb_node.mjs SITE_DIR [BASE_PATH] < queries.json\n');
  process.exit(2);
}
const code = readFileSync(join(siteDir, 'search.js'), 'utf8');
const script = new vm.Script(code, { filename: 'search.js' });

function freshClient(fetched) {
  const sandbox = { console, URL, TextDecoder, setTimeout, clearTimeout };
  sandbox.window = sandbox;
  sandbox.document = {
    currentScript: { getAttribute: (name) => (name === 'data-base' ? basePath : null), dataset: {} },
    readyState: 'complete',
    getElementById: () => null,
    documentElement: { lang: 'es' },
    addEventListener: () => {},
  };
  sandbox.fetch = async (url) => {
    const rel = url.startsWith(basePath) ? url.slice(basePath.length) : url;
    fetched.push(rel);
    try {
      const bytes = readFileSync(join(siteDir, rel));
      return { ok: true, status: 200, json: async () => JSON.parse(bytes.toString('utf8')) };
    } catch {
      return { ok: false, status: 404, json: async () => { throw new Error('404'); } };
    }
  };
  vm.createContext(sandbox);
  script.runInContext(sandbox);
  return sandbox.cmkbSearch;
}

const queries = JSON.parse(readFileSync(0, 'utf8'));
const out = [];
for (const { q, options } of queries) {
  const fetched = [];
  const client = freshClient(fetched);
  const t0 = performance.now();
  try {
    const results = await client.search(q, options || {});
    out.push({ q, results: JSON.parse(JSON.stringify(results)), fetched, ms: performance.now() - t0 });
  } catch (e) {
    out.push({ q, error: String((e && e.message) || e), fetched, ms: performance.now() - t0 });
  }
}
process.stdout.write(JSON.stringify(out));
