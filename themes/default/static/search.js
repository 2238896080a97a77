/* cmkb search client: plain JavaScript, no framework, no server.
 *
 * The index (built by `cmkb build`, see src/search/mod.rs) is sharded:
 * search/manifest.json names each shard's first key; search/v/N.json maps
 * folded words to stems; search/t/N.json maps stems to postings
 * [docDelta, score, …] whose scores are precomputed BM25F; search/p/N.json
 * holds a page's title, URL and section texts. A query downloads the
 * manifest, one vocabulary shard per word, one postings shard per stem and
 * the fragments of the results it returns. The client never stems: it looks
 * words up, so it always agrees with the indexer.
 *
 * API (the UI and the tests use the same function):
 *   window.cmkbSearch.search(query, {type, tag, lang, uiLang, limit})
 *     → Promise<[{url, title, section, excerpt, score, lang, type}]>
 * `excerpt` is HTML built from escaped text plus <mark> elements only.
 */
(function () {
  'use strict';

  var script = document.currentScript;
  var base = (script && script.getAttribute('data-base')) || '/';
  var cache = new Map();

  function load(path) {
    if (!cache.has(path)) {
      var promise = fetch(base + path).then(function (response) {
        if (!response.ok) throw new Error('search index file ' + path + ': HTTP ' + response.status);
        return response.json();
      });
      promise.catch(function () { cache.delete(path); });
      cache.set(path, promise);
    }
    return cache.get(path);
  }

  var manifest = function () { return load('search/manifest.json'); };

  /* Folding must match the indexer: NFD, drop marks, lowercase. */
  function fold(text) {
    return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  }

  function words(text) {
    return fold(text)
      .split(/[^\p{L}\p{N}'’]+/u)
      .map(function (w) { return w.replace(/['’]/g, ''); })
      .filter(function (w) { return w.length > 0 && Array.from(w).length <= 40; });
  }

  /* Code-point order, as Rust sorts the shard keys. */
  function compare(a, b) {
    if (a === b) return 0;
    var ia = a[Symbol.iterator](), ib = b[Symbol.iterator]();
    for (;;) {
      var x = ia.next(), y = ib.next();
      if (x.done) return y.done ? 0 : -1;
      if (y.done) return 1;
      var cx = x.value.codePointAt(0), cy = y.value.codePointAt(0);
      if (cx !== cy) return cx < cy ? -1 : 1;
    }
  }

  /* The shard whose first key is the last one <= key. */
  function shardOf(firsts, key) {
    var lo = 0, hi = firsts.length - 1, found = 0;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (compare(firsts[mid], key) <= 0) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }

  function vocabShard(m, word) {
    return m.vocab.length ? load('search/v/' + shardOf(m.vocab, word) + '.json') : Promise.resolve({});
  }

  function postings(m, stem) {
    if (!m.terms.length) return Promise.resolve([]);
    return load('search/t/' + shardOf(m.terms, stem) + '.json').then(function (shard) {
      var flat = shard[stem];
      if (!flat) return [];
      if (!Array.isArray(flat)) throw new Error('corrupt search shard');
      var out = [], doc = 0;
      for (var i = 0; i + 1 < flat.length; i += 2) {
        doc += flat[i];
        out.push([doc, flat[i + 1]]);
      }
      return out;
    });
  }

  function stemsOf(value) {
    if (value === undefined) return [];
    return Array.isArray(value) ? value : [value];
  }

  /* Edit distance with an early exit above `max`. */
  function distance(a, b, max) {
    a = Array.from(a); b = Array.from(b);
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var prev = [], cur = [];
    for (var j = 0; j <= b.length; j++) prev[j] = j;
    for (var i = 1; i <= a.length; i++) {
      cur = [i];
      var best = i;
      for (var k = 1; k <= b.length; k++) {
        cur[k] = Math.min(prev[k] + 1, cur[k - 1] + 1, prev[k - 1] + (a[i - 1] === b[k - 1] ? 0 : 1));
        if (cur[k] < best) best = cur[k];
      }
      if (best > max) return max + 1;
      prev = cur;
    }
    return prev[b.length];
  }

  function parse(query, stop) {
    var phrases = [];
    var rest = query.replace(/"([^"]*)"/g, function (_, phrase) {
      var ws = words(phrase).filter(function (w) { return !stop.has(w); });
      if (ws.length) phrases.push(ws);
      return ' ';
    });
    var terms = [];
    phrases.forEach(function (p) { p.forEach(function (w) { terms.push({ word: w, prefix: false }); }); });
    var loose = words(rest).filter(function (w) { return !stop.has(w); });
    var openEnd = !/[\s"]$/.test(query);
    loose.forEach(function (w, i) {
      terms.push({ word: w, prefix: openEnd && i === loose.length - 1 && Array.from(w).length >= 2 });
    });
    var seen = new Set();
    terms = terms.filter(function (t) { var k = t.word + (t.prefix ? '*' : ''); if (seen.has(k)) return false; seen.add(k); return true; });
    return { terms: terms.slice(0, 12), phrases: phrases };
  }

  /* Candidate stems for a query word: exact (1.0), prefix (0.8), typo (0.6). */
  function candidates(m, term, typos) {
    return vocabShard(m, term.word).then(function (shard) {
      var found = new Map();
      var surface = new Set();
      stemsOf(shard[term.word]).forEach(function (s) { found.set(s, 1); surface.add(term.word); });
      var keys = null;
      /* A word still being typed: complete it from the vocabulary. A word
         that is already complete is not expanded, which keeps the download small. */
      if (term.prefix && (found.size === 0 || Array.from(term.word).length < 4)) {
        keys = Object.keys(shard);
        keys.filter(function (k) { return k !== term.word && k.startsWith(term.word); })
          .sort(function (a, b) { return a.length - b.length || compare(a, b); })
          .slice(0, 6)
          .forEach(function (k) {
            surface.add(k);
            stemsOf(shard[k]).forEach(function (s) { if (!found.has(s)) found.set(s, 0.8); });
          });
      }
      if (typos && found.size === 0) {
        var max = Array.from(term.word).length >= 8 ? 2 : 1;
        (keys || Object.keys(shard)).forEach(function (k) {
          if (distance(k, term.word, max) <= max) {
            surface.add(k);
            stemsOf(shard[k]).forEach(function (s) { if (!found.has(s)) found.set(s, 0.6); });
          }
        });
      }
      return related(m, term.word, found, surface).then(function () {
        return { stems: found, surface: surface };
      });
    });
  }

  /* Words for the same idea (the index's community thesaurus: "sanciones"
     also looks for "consecuencias"), at half weight. */
  function related(m, word, found, surface) {
    var group = m.related ? m.related[word] : undefined;
    if (group === undefined) return Promise.resolve();
    var others = (m.groups[group] || []).filter(function (w) { return w !== word; }).slice(0, 4);
    return Promise.all(others.map(function (w) {
      return vocabShard(m, w).then(function (shard) {
        stemsOf(shard[w]).forEach(function (s) { if (!found.has(s)) found.set(s, 0.5); });
        surface.add(w);
      });
    }));
  }

  function inRanges(m, page, keys) {
    return keys.some(function (k) { var r = m.ranges[k]; return r && page >= r[0] && page < r[1]; });
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  /* An excerpt of about 30 words around the first match, escaped, with <mark>
     around the matching words only (not their punctuation). */
  function excerpt(text, surface, stems) {
    var parts = text.split(/([\p{L}\p{N}\p{M}'’]+)/u);
    var isMatch = function (part, i) {
      if (i % 2 === 0) return false;
      return words(part).some(function (x) {
        if (surface.has(x)) return true;
        for (var s of stems) { if (Array.from(s).length >= 4 && x.startsWith(s)) return true; }
        return false;
      });
    };
    var first = parts.findIndex(isMatch);
    var start = first < 0 ? 0 : Math.max(0, first - 40);
    if (start % 2 === 1) start -= 1;
    var end = Math.min(parts.length, start + 120);
    var html = start > 0 ? '… ' : '';
    for (var i = start; i < end; i++) {
      html += isMatch(parts[i], i) ? '<mark>' + escapeHtml(parts[i]) + '</mark>' : escapeHtml(parts[i]);
    }
    if (end < parts.length) html += ' …';
    return html.trim();
  }

  function containsPhrase(text, phrase) {
    var ws = words(text);
    outer: for (var i = 0; i + phrase.length <= ws.length; i++) {
      for (var j = 0; j < phrase.length; j++) if (ws[i + j] !== phrase[j]) continue outer;
      return true;
    }
    return false;
  }

  function search(query, options) {
    options = options || {};
    var limit = options.limit || 10;
    return manifest().then(function (m) {
      var stop = new Set(m.stop);
      var parsed = parse(String(query || '').slice(0, 500), stop);
      if (!parsed.terms.length) return [];
      var bits = m.section_bits;
      var run = function (typos) {
        return Promise.all(parsed.terms.map(function (t) { return candidates(m, t, typos); })).then(function (cands) {
          return Promise.all(cands.map(function (c) {
            var stems = Array.from(c.stems.entries());
            return Promise.all(stems.map(function (e) { return postings(m, e[0]); })).then(function (lists) {
              var best = new Map();
              lists.forEach(function (list, i) {
                var weight = stems[i][1];
                list.forEach(function (p) {
                  var s = p[1] * weight;
                  if (!best.has(p[0]) || best.get(p[0]) < s) best.set(p[0], s);
                });
              });
              return best;
            });
          })).then(function (perTerm) { return { cands: cands, perTerm: perTerm }; });
        });
      };
      var filterPages = function () {
        if (!options.tag) return Promise.resolve(null);
        var key = '#' + fold(String(options.tag).trim());
        return postings(m, key).then(function (list) {
          return new Set(list.map(function (p) { return p[0] >> bits; }));
        });
      };
      var rank = function (result, tagPages) {
        var docs = new Map();
        result.perTerm.forEach(function (best, ti) {
          best.forEach(function (score, doc) {
            var entry = docs.get(doc) || { score: 0, matched: 0 };
            entry.score += score;
            entry.matched += 1;
            docs.set(doc, entry);
          });
        });
        var langKeys = options.lang ? [options.lang] : null;
        var typeKeys = options.type ? Object.keys(m.ranges).filter(function (k) {
          return k.endsWith('/' + options.type) && (!options.lang || k === options.lang + '/' + options.type);
        }) : null;
        var pages = new Map();
        docs.forEach(function (entry, doc) {
          var page = doc >> bits;
          if (langKeys && !inRanges(m, page, langKeys)) return;
          if (typeKeys && !inRanges(m, page, typeKeys)) return;
          if (tagPages && !tagPages.has(page)) return;
          var score = entry.score;
          if (options.uiLang && inRanges(m, page, [options.uiLang])) score *= 1.2;
          var current = pages.get(page);
          if (!current || current.matched < entry.matched || (current.matched === entry.matched && current.score < score)) {
            pages.set(page, { page: page, doc: doc, score: score, matched: entry.matched });
          }
        });
        /* Pages matching more of the query's words come first; pages that
           match only some still follow, so a long question keeps its recall. */
        var list = Array.from(pages.values());
        list.sort(function (a, b) { return b.matched - a.matched || b.score - a.score || a.doc - b.doc; });
        return list;
      };
      return filterPages().then(function (tagPages) {
        /* A word with no exact or prefix match is looked up with typos
           forgiven; the words that matched are not. */
        return run(true).then(function (result) { return { result: result, ranked: rank(result, tagPages) }; });
      }).then(function (found) {
        var surface = new Set(), stems = new Set();
        found.result.cands.forEach(function (c) {
          c.surface.forEach(function (w) { surface.add(w); });
          c.stems.forEach(function (_, s) { stems.add(s); });
        });
        var take = parsed.phrases.length ? found.ranked.slice(0, Math.max(limit * 3, 30)) : found.ranked.slice(0, limit);
        return Promise.all(take.map(function (e) { return load('search/p/' + e.page + '.json'); })).then(function (fragments) {
          var out = [];
          take.forEach(function (e, i) {
            var f = fragments[i];
            var section = f.s[e.doc & ((1 << bits) - 1)] || f.s[0] || ['', '', ''];
            var text = section[2] || '';
            if (parsed.phrases.length && !parsed.phrases.every(function (p) {
              return containsPhrase(text, p) || containsPhrase(section[1] + ' ' + f.t, p);
            })) return;
            out.push({
              url: f.u + (section[0] ? '#' + section[0] : ''),
              title: f.t,
              section: section[1] || '',
              excerpt: excerpt(text || f.t, surface, stems),
              score: Math.round(e.score) / 10,
              lang: f.l,
              type: f.y || null,
            });
          });
          return out.slice(0, limit);
        });
      });
    });
  }

  window.cmkbSearch = { search: search, fold: fold, words: words };

  /* ---------- the UI: header box, results as you type, the results page ---------- */
  function ui() {
    var input = document.getElementById('search-q');
    if (!input) return;
    var form = input.form;
    var strings = (script && script.dataset) || {};
    var uiLang = document.documentElement.lang;
    var panel = document.createElement('div');
    panel.className = 'search-results';
    panel.id = 'search-results';
    panel.setAttribute('role', 'listbox');
    panel.hidden = true;
    form.appendChild(panel);
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-controls', 'search-results');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-autocomplete', 'list');
    var active = -1, serial = 0, timer = null;

    function render(target, results, query, asList) {
      target.textContent = '';
      if (!results.length) {
        var empty = document.createElement('p');
        empty.className = 'search-empty';
        empty.textContent = (strings.noResults || 'No results for') + ' “' + query + '”';
        target.appendChild(empty);
        return;
      }
      results.forEach(function (r, i) {
        var a = document.createElement('a');
        a.className = 'search-result';
        a.href = r.url;
        a.id = (asList ? 'search-page-' : 'search-option-') + i;
        if (!asList) a.setAttribute('role', 'option');
        var title = document.createElement('span');
        title.className = 'search-result-title';
        title.textContent = r.title + (r.section ? ' › ' + r.section : '');
        var meta = document.createElement('span');
        meta.className = 'search-result-meta';
        meta.textContent = [r.type, r.lang].filter(Boolean).join(' · ');
        var ex = document.createElement('span');
        ex.className = 'search-result-excerpt';
        ex.innerHTML = r.excerpt; /* escaped text and <mark> only */
        a.appendChild(title); a.appendChild(meta); a.appendChild(ex);
        target.appendChild(a);
      });
    }

    function unavailable(target) {
      target.textContent = '';
      var p = document.createElement('p');
      p.className = 'search-empty search-error';
      p.textContent = strings.unavailable || 'Search is unavailable right now.';
      target.appendChild(p);
    }

    function close() {
      panel.hidden = true; active = -1;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
    }

    function move(step) {
      var options = panel.querySelectorAll('.search-result');
      if (!options.length) return;
      active = (active + step + options.length) % options.length;
      options.forEach(function (o, i) { o.setAttribute('aria-selected', i === active ? 'true' : 'false'); });
      input.setAttribute('aria-activedescendant', options[active].id);
      options[active].scrollIntoView({ block: 'nearest' });
    }

    input.addEventListener('input', function () {
      clearTimeout(timer);
      var q = input.value;
      if (!q.trim()) { close(); return; }
      timer = setTimeout(function () {
        var mine = ++serial;
        search(q, { uiLang: uiLang, limit: 8 }).then(function (results) {
          if (mine !== serial) return;
          render(panel, results, q, false);
          panel.hidden = false; active = -1;
          input.setAttribute('aria-expanded', 'true');
        }, function () {
          if (mine !== serial) return;
          unavailable(panel); panel.hidden = false;
        });
      }, 60);
    });
    input.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown') { e.preventDefault(); if (panel.hidden) input.dispatchEvent(new Event('input')); else move(1); }
      else if (e.key === 'ArrowUp') { e.preventDefault(); move(-1); }
      else if (e.key === 'Escape') { close(); }
      else if (e.key === 'Enter' && active >= 0) {
        e.preventDefault();
        var options = panel.querySelectorAll('.search-result');
        if (options[active]) window.location.href = options[active].href;
      }
    });
    document.addEventListener('keydown', function (e) {
      var t = e.target;
      var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
      if (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); input.focus(); input.select(); }
    });
    document.addEventListener('click', function (e) { if (!form.contains(e.target)) close(); });

    /* The full results page: search/?q=…&type=…&lang=…&tag=… */
    var page = document.getElementById('search-page');
    if (page) {
      var params = new URLSearchParams(window.location.search);
      var q = params.get('q') || '';
      var list = document.getElementById('search-page-results');
      var field = document.getElementById('search-page-q');
      if (field) field.value = q;
      page.querySelectorAll('[data-filter]').forEach(function (chip) {
        var key = chip.getAttribute('data-filter'), value = chip.getAttribute('data-value');
        var next = new URLSearchParams(params);
        /* Links, not toggle buttons: the active filter is marked with aria-current. */
        if (params.get(key) === value) { next.delete(key); chip.setAttribute('aria-current', 'true'); }
        else { next.set(key, value); chip.removeAttribute('aria-current'); }
        chip.href = '?' + next.toString();
      });
      if (q.trim() && list) {
        list.setAttribute('aria-busy', 'true');
        search(q, { type: params.get('type') || undefined, lang: params.get('lang') || undefined, tag: params.get('tag') || undefined, uiLang: uiLang, limit: 50 })
          .then(function (results) { render(list, results, q, true); }, function () { unavailable(list); })
          .then(function () { list.setAttribute('aria-busy', 'false'); });
      }
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', ui); else ui();
})();
