// Validates every .html file under the folders given on the command line with
// html-validate (a strict HTML5 parser and rule set: unclosed, misnested and
// unknown elements, bad attributes, duplicate ids, broken ARIA references…).
//
//   node validate.mjs SITE_DIR [SITE_DIR…]
//
// Prints one line per problem and a summary; exits 1 when any file fails.
// Run by tests/theme.rs (`cargo test`).

import fs from 'node:fs';
import path from 'node:path';
import { HtmlValidate, StaticConfigLoader } from 'html-validate';

const dirs = process.argv.slice(2);
if (!dirs.length) {
  console.error('usage: node validate.mjs SITE_DIR [SITE_DIR…]');
  process.exit(2);
}

// Conformance to the HTML standard, plus document-level rules (doctype,
// <html lang>, one <title>…) and the accessibility rules of html-validate.
// Style preferences (quotes, self-closing void elements) are not the
// standard's business and stay off.
const loader = new StaticConfigLoader({
  extends: ['html-validate:standard', 'html-validate:document', 'html-validate:a11y'],
  rules: {
    // Subresource integrity guards files from another origin; every script
    // here comes from the site itself.
    'require-sri': 'off',
    // pulldown-cmark writes `<input … />`, `<br />`, `<img … />`: legal
    // HTML, a matter of style.
    'void-style': 'off',
    'no-self-closing': 'off',
  },
});
const validator = new HtmlValidate(loader);

function* htmlFiles(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* htmlFiles(full);
    else if (entry.name.endsWith('.html')) yield full;
  }
}

let files = 0;
let failed = 0;
let problems = 0;
for (const dir of dirs) {
  for (const file of [...htmlFiles(dir)].sort()) {
    files += 1;
    const report = await validator.validateFile(file);
    if (report.valid) continue;
    failed += 1;
    for (const result of report.results) {
      for (const m of result.messages) {
        problems += 1;
        console.log(`${path.relative(process.cwd(), file)}:${m.line}:${m.column}: ${m.ruleId}: ${m.message}`);
      }
    }
  }
}
console.log(`html-validate: ${files} files, ${failed} invalid, ${problems} problems`);
process.exit(failed ? 1 : 0);
