//! The search index: built by the build, read in the browser by
//! `themes/default/static/search.js`, with no server.
//!
//! Split by where the work can happen (Pagefind's lesson): everything that can
//! be precomputed is, and the browser downloads only what a query needs.
//!
//! - **Documents are page sections** (the intro and each heading), so a result
//!   lands on the right anchor. A document's id is `page << 6 | section`, so the
//!   client finds a result's page without a lookup table.
//! - **Pages are numbered by (language, type, URL)**, so filtering by language
//!   or type is a range check, from ranges in the manifest.
//! - **BM25F is computed here.** Each posting carries its document's final
//!   per-term score (title > heading > tags and description > body), so the
//!   client sums numbers and never needs document lengths.
//! - **The vocabulary ships folded surface words → stems**, sharded like the
//!   postings: the browser looks words up and never stems, so there is no
//!   second stemmer to keep in step with this one.
//! - **Shards are cut by size** over the sorted keys, and the manifest holds each
//!   shard's first key: a query downloads the manifest, one vocabulary shard
//!   per word, one postings shard per stem and the fragments of the results
//!   it shows.

pub mod synonyms;
pub mod tokenize;

use std::collections::{BTreeMap, BTreeSet};

use std::hash::BuildHasher;

use rustc_hash::{FxBuildHasher, FxHashMap};

use rayon::prelude::*;
use serde_json::json;

use crate::content::{Page, Site};
use crate::markdown::BlockKind;
use crate::slug::fold;
use tokenize::{each_folded_word, is_stop_word, Stemmers, STOP_WORDS};

/// Documents per page: the intro and up to 63 sections. Later sections of a
/// page with more headings than that are indexed as part of the 63rd.
pub const SECTION_BITS: u32 = 6;
const MAX_SECTION: usize = (1 << SECTION_BITS) - 1;

/// Field weights for BM25F: a word in the title says more about a page than
/// the same word in a paragraph. Order: title, heading, tags and description, body.
const FIELD_WEIGHTS: [f64; 4] = [4.0, 2.5, 1.5, 1.0];
/// Length normalisation per field: titles are short by nature, so their
/// length says little.
const FIELD_B: [f64; 4] = [0.3, 0.5, 0.5, 0.75];
/// BM25's term-frequency saturation; 1.2 is the usual choice.
const K1: f64 = 1.2;
/// Postings kept per term. Beyond this, a term occurs in so many documents
/// that its idf is near zero: its lowest-scoring documents cannot change a
/// ranking, and dropping them keeps a common word's shard small.
const MAX_POSTINGS: usize = 1500;
/// Target raw size of a shard. About 4–6 kB once gzipped by the host: small
/// enough that a three-word query stays far under 60 kB.
const POSTINGS_SHARD_BYTES: usize = 14_000;
const VOCAB_SHARD_BYTES: usize = 10_000;
/// Text kept per section for excerpts and phrase checks.
const FRAGMENT_CHARS: usize = 4000;

/// One document: term frequency per field (by the page's local word
/// number), and field lengths.
struct Doc {
    id: u32,
    lens: [u32; 4],
    tf: Vec<(u32, [u16; 4])>,
}

/// A document's id and its `(stem, score)` entries.
type ScoredDoc = (u32, Vec<(u32, u32)>);

/// A page's documents and the distinct words they use.
struct PageWords {
    /// The words, end to end (one allocation per page, not per word: the
    /// index holds these for every page at once).
    text: String,
    ends: Vec<u32>,
    docs: Vec<Doc>,
}

impl PageWords {
    /// In order, each from where the last ended ([`word_at`] for one word).
    fn words(&self) -> impl Iterator<Item = &str> {
        let mut start = 0usize;
        self.ends.iter().map(move |&end| {
            let word = &self.text[start..end as usize];
            start = end as usize;
            word
        })
    }
}

/// A thread's tables for numbering a page's words, kept from page to page so
/// they are sized once.
#[derive(Default)]
struct Counter {
    /// Word number by word; the words themselves are the page's `PageWords`
    /// text, so a word costs no string of its own.
    numbers: hashbrown::HashTable<u32>,
    /// Per word: the slot it was last counted in and its place in that
    /// slot's list (`u32::MAX`: not yet counted).
    last: Vec<(u32, u32)>,
}

/// Word `id` of a page's words, kept end to end in `text`.
fn word_at<'a>(text: &'a str, ends: &[u32], id: u32) -> &'a str {
    let start = if id == 0 { 0 } else { ends[id as usize - 1] };
    &text[start as usize..ends[id as usize] as usize]
}

struct Section {
    anchor: String,
    heading: String,
    text: String,
}

/// The index as files: path (under the output root) → bytes, sorted.
pub fn index(site: &Site) -> Vec<(String, Vec<u8>)> {
    let files = std::sync::Mutex::new(Vec::new());
    let _ = index_into(site, &|path, bytes| {
        files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path, bytes));
        Ok(())
    });
    let mut files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort();
    files
}

/// Where the index's files go, as they are made.
pub type Put<'a> = dyn Fn(String, Vec<u8>) -> crate::error::Result<()> + Sync + 'a;

/// Builds the index and hands each file to `put` as soon as it is made: the
/// pages' fragments (the largest part) are never all held at once.
pub fn index_into(site: &Site, put: &Put<'_>) -> crate::error::Result<()> {
    let indexed = index_pages(site, put)?;
    index_terms(site, indexed, put)
}

/// What the first half of the index leaves for the second: each page's
/// documents and distinct words, in index order.
pub struct IndexedPages {
    /// The site's page numbers; a page's position here is its id.
    pages: Vec<usize>,
    words: Vec<PageWords>,
}

/// The first half of the index, the one that reads the pages' text: every
/// page's documents and words, and its fragment handed to `put`. The second
/// half ([`index_terms`]) reads only each page's language, type, URL and
/// tags, so `cmkb build` frees the pages' text in between.
pub fn index_pages(site: &Site, put: &Put<'_>) -> crate::error::Result<IndexedPages> {
    let mut pages: Vec<usize> = site
        .included_pages()
        .filter(|(_, p)| !p.is_section_index || p.doc.stats.words > 0)
        .map(|(i, _)| i)
        .collect();
    pages.sort_by(|&a, &b| {
        let (a, b) = (&site.pages[a], &site.pages[b]);
        (&a.lang, a.kind().unwrap_or(""), &a.url).cmp(&(&b.lang, b.kind().unwrap_or(""), &b.url))
    });
    let words = pages
        .par_iter()
        .enumerate()
        .map_init(Counter::default, |counter, (id, &page)| {
            let (words, fragment) = documents(id as u32, &site.pages[page], counter);
            put(format!("search/p/{id}.json"), fragment).map(|()| words)
        })
        .collect::<crate::error::Result<_>>()?;
    Ok(IndexedPages { pages, words })
}

/// The second half of the index: postings, vocabulary and manifest.
pub fn index_terms(site: &Site, indexed: IndexedPages, put: &Put<'_>) -> crate::error::Result<()> {
    let pages: Vec<&Page> = indexed.pages.iter().map(|&i| &site.pages[i]).collect();
    let mut per_page = indexed.words;

    // The documents go to the postings, each page's freed once its postings
    // are made (they and the postings were the largest part of the build's
    // peak, held together); the words stay, borrowed by the vocabulary.
    let mut page_docs: Vec<Vec<Doc>> = per_page
        .iter_mut()
        .map(|p| std::mem::take(&mut p.docs))
        .collect();
    // Number every distinct (language, word) once, then stem each once. Runs
    // of pages number their words in parallel, each on its own; their numbers
    // are then merged in page order, which numbers every word where it first
    // appears, as numbering them one page after another would.
    let run = per_page
        .len()
        .div_ceil(rayon::current_num_threads() * 4)
        .max(1);
    let mut runs: Vec<Numbered<'_>> = per_page
        .par_chunks(run)
        .zip(pages.par_chunks(run))
        .map(|(words, pages)| number_words(words, pages))
        .collect();
    let mut words = Numbering::default();
    let global: Vec<Vec<u32>> = runs
        .iter()
        .map(|run| {
            run.distinct
                .iter()
                .map(|&word| words.number(word))
                .collect()
        })
        .collect();
    let distinct = words.into_items();
    runs.par_iter_mut().zip(&global).for_each(|(run, global)| {
        for id in run.page_word_ids.iter_mut().flatten() {
            *id = global[*id as usize];
        }
    });
    let page_word_ids: Vec<Vec<u32>> = runs.into_iter().flat_map(|run| run.page_word_ids).collect();
    let stemmers = Stemmers::default();
    let stems: Vec<String> = distinct
        .par_iter()
        .map(|(lang, word)| stemmers.stem(lang, word))
        .collect();
    let mut stem_ids = Numbering::default();
    let stem_of_word: Vec<u32> = stems
        .iter()
        .map(|stem| stem_ids.number(stem.as_str()))
        .collect();
    let stem_names = stem_ids.into_items();
    let mut vocabulary: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for ((_, word), stem) in distinct.iter().zip(&stems) {
        vocabulary.entry(word).or_default().insert(stem.as_str());
    }

    // Each document's words become its stems, the words of one stem
    // (`modera`, `moderar`) adding up: in place, page by page in parallel.
    page_docs
        .par_iter_mut()
        .zip(&page_word_ids)
        .for_each(|(docs, ids)| {
            for doc in docs {
                for (word, _) in doc.tf.iter_mut() {
                    *word = stem_of_word[ids[*word as usize] as usize];
                }
                merge_counts(&mut doc.tf);
            }
        });
    drop(page_word_ids);

    // Document frequencies and the fields' average lengths, which every
    // score needs; summed in document order, so the averages are the same
    // to the last bit whatever the threads do.
    let mut lengths = vec![0u32; stem_names.len()];
    let mut total_lens = [0f64; 4];
    let mut doc_count = 0usize;
    for doc in page_docs.iter().flatten() {
        doc_count += 1;
        for (f, len) in doc.lens.iter().enumerate() {
            total_lens[f] += f64::from(*len);
        }
        for (stem, _) in &doc.tf {
            lengths[*stem as usize] += 1;
        }
    }
    let averages = total_lens.map(|t| (t / doc_count.max(1) as f64).max(1.0));
    let n = doc_count as f64;
    let idf: Vec<f64> = lengths
        .iter()
        .map(|&df| {
            let df = f64::from(df);
            (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
        })
        .collect();
    // Each document's term frequencies become its scores, page by page in
    // parallel: 8 bytes an entry instead of 12, before the postings gather them.
    let page_scores: Vec<Vec<ScoredDoc>> = page_docs
        .into_par_iter()
        .map(|docs| {
            docs.into_iter()
                .map(|doc| {
                    let scores = doc
                        .tf
                        .iter()
                        .map(|&(stem, tf)| {
                            (stem, bm25f(tf, doc.lens, idf[stem as usize], &averages))
                        })
                        .collect();
                    (doc.id, scores)
                })
                .collect()
        })
        .collect();

    // Postings: stem → (doc, score), in document order. Each list is made at
    // its final size: grown by pushing, the lists had a third more room than
    // they used, and their outgrown buffers were left as holes in the heap.
    let mut postings: Vec<Vec<(u32, u32)>> = lengths
        .into_iter()
        .map(|n| Vec::with_capacity(n as usize))
        .collect();
    for docs in page_scores {
        for (doc, scores) in docs {
            for (stem, score) in scores {
                postings[stem as usize].push((doc, score));
            }
        }
    }

    let mut scored: BTreeMap<String, Vec<(u32, u32)>> = postings
        .into_par_iter()
        .enumerate()
        .filter(|(_, list)| !list.is_empty())
        .map(|(stem, mut scored)| {
            keep_best(&mut scored, MAX_POSTINGS);
            (stem_names[stem].to_string(), scored)
        })
        .collect();

    let mut files = Vec::new();
    // Tags are facets: `#tag` lists the pages (as their intro documents).
    for (id, page) in pages.iter().enumerate() {
        for tag in &page.meta.tags {
            let key = format!("#{}", crate::slug::fold(tag.trim()));
            let list = scored.entry(key).or_default();
            let doc = (id as u32) << SECTION_BITS;
            if list.last().map(|(d, _)| *d) != Some(doc) {
                list.push((doc, 0));
            }
        }
    }

    // Each term's list is freed as its text is made.
    let (term_shards, term_firsts) = shard(
        scored.into_iter().map(|(term, list)| {
            let mut flat = String::with_capacity(list.len() * 6 + 2);
            flat.push('[');
            let mut previous = 0u32;
            let mut digits = itoa::Buffer::new();
            for (k, (doc, score)) in list.iter().enumerate() {
                if k > 0 {
                    flat.push(',');
                }
                flat.push_str(digits.format(doc - previous));
                flat.push(',');
                flat.push_str(digits.format(*score));
                previous = *doc;
            }
            flat.push(']');
            (term, flat)
        }),
        POSTINGS_SHARD_BYTES,
    );
    for (i, shard) in term_shards.into_iter().enumerate() {
        files.push((format!("search/t/{i}.json"), shard));
    }
    let (vocab_shards, vocab_firsts) = shard(
        vocabulary
            .iter()
            .filter(|(word, _)| !is_stop_word(word))
            .map(|(word, stems)| {
                let value = if stems.len() == 1 {
                    json!(stems.iter().next())
                } else {
                    json!(stems)
                };
                (word.to_string(), value.to_string())
            }),
        VOCAB_SHARD_BYTES,
    );
    for (i, shard) in vocab_shards.into_iter().enumerate() {
        files.push((format!("search/v/{i}.json"), shard));
    }

    let mut ranges: BTreeMap<String, [usize; 2]> = BTreeMap::new();
    for (id, page) in pages.iter().enumerate() {
        for key in [
            page.lang.clone(),
            format!("{}/{}", page.lang, page.kind().unwrap_or("")),
        ] {
            let range = ranges.entry(key).or_insert([id, id + 1]);
            range[1] = id + 1;
        }
    }
    let mut stop: Vec<&str> = STOP_WORDS.to_vec();
    stop.sort_unstable();
    // The thesaurus travels as `word → group number`, for the words this
    // site's vocabulary actually has (others would find nothing).
    let mut related: BTreeMap<&str, usize> = BTreeMap::new();
    let mut groups: Vec<Vec<&str>> = Vec::new();
    for group in synonyms::GROUPS {
        let present: Vec<&str> = group
            .iter()
            .copied()
            .filter(|w| vocabulary.contains_key(w))
            .collect();
        if present.len() >= 2 || group.iter().any(|w| vocabulary.contains_key(w)) {
            for word in group.iter() {
                related.insert(word, groups.len());
            }
            groups.push(present);
        }
    }
    let manifest = json!({
        "version": 1,
        "related": related,
        "groups": groups,
        "pages": pages.len(),
        "section_bits": SECTION_BITS,
        "ranges": ranges,
        "terms": term_firsts,
        "vocab": vocab_firsts,
        "stop": stop,
    });
    files.push((
        "search/manifest.json".into(),
        serde_json::to_vec(&manifest).unwrap_or_default(),
    ));
    files
        .into_par_iter()
        .try_for_each(|(path, bytes)| put(path, bytes))
}

/// Cuts a term's `(document, score)` list, in document order, to its `n`
/// best: highest score first, the earlier document on a tie (a total order,
/// each document being listed once). Found without sorting the whole list:
/// the commonest stems list most of the site's documents.
fn keep_best(list: &mut Vec<(u32, u32)>, n: usize) {
    if list.len() <= n || n == 0 {
        list.truncate(n);
        return;
    }
    list.select_nth_unstable_by(n - 1, |a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    list.truncate(n);
    list.sort_unstable();
}

/// Sorts `(word, counts per field)` by word and adds up the counts of a
/// word listed more than once (saturating, as counting does).
fn merge_counts(list: &mut Vec<(u32, [u16; 4])>) {
    list.sort_unstable_by_key(|(word, _)| *word);
    list.dedup_by(|next, kept| {
        if next.0 != kept.0 {
            return false;
        }
        for (total, more) in kept.1.iter_mut().zip(next.1) {
            *total = total.saturating_add(more);
        }
        true
    });
}

/// A document's BM25F score for a term, in tenths: precise enough to rank,
/// and it keeps the files small.
fn bm25f(tf: [u16; 4], lens: [u32; 4], idf: f64, averages: &[f64; 4]) -> u32 {
    let weighted: f64 = (0..4)
        .map(|f| {
            let norm = 1.0 - FIELD_B[f] + FIELD_B[f] * f64::from(lens[f]) / averages[f];
            FIELD_WEIGHTS[f] * f64::from(tf[f]) / norm
        })
        .sum();
    let score = idf * weighted * (K1 + 1.0) / (K1 + weighted);
    (score * 10.0).round().max(1.0) as u32
}

/// A run of pages' words, numbered within the run.
struct Numbered<'a> {
    /// Each distinct (language, word), in the order it first appears.
    distinct: Vec<(&'a str, &'a str)>,
    /// Per page, its words' numbers in `distinct`.
    page_word_ids: Vec<Vec<u32>>,
}

fn number_words<'a>(words: &'a [PageWords], pages: &[&Page]) -> Numbered<'a> {
    let mut numbering = Numbering::default();
    let page_word_ids = words
        .iter()
        .zip(pages)
        .map(|(words, page)| {
            let lang = stem_lang(&page.lang);
            words.words().map(|w| numbering.number((lang, w))).collect()
        })
        .collect();
    Numbered {
        distinct: numbering.into_items(),
        page_word_ids,
    }
}

/// Numbers distinct items in the order they first come.
struct Numbering<K> {
    ids: FxHashMap<K, u32>,
    /// Each item, at its number.
    items: Vec<K>,
}

impl<K> Default for Numbering<K> {
    fn default() -> Self {
        Numbering {
            ids: FxHashMap::default(),
            items: Vec::new(),
        }
    }
}

impl<K> Numbering<K> {
    /// The items in number order; the lookup table is freed here, not when
    /// the caller's scope ends (the terms stage runs near the build's peak).
    fn into_items(self) -> Vec<K> {
        self.items
    }
}

impl<K: std::hash::Hash + Eq + Copy> Numbering<K> {
    #[inline]
    fn number(&mut self, item: K) -> u32 {
        let items = &mut self.items;
        *self.ids.entry(item).or_insert_with(|| {
            items.push(item);
            (items.len() - 1) as u32
        })
    }
}

/// The stemmer language for a page language.
fn stem_lang(lang: &str) -> &'static str {
    match lang.split('-').next().unwrap_or(lang) {
        "es" => "es",
        "en" => "en",
        _ => "",
    }
}

/// A page's documents: the intro (with the page's tags and description) and
/// one per heading.
fn documents(page_id: u32, page: &Page, counter: &mut Counter) -> (PageWords, Vec<u8>) {
    let headings: Vec<usize> = page
        .doc
        .headings
        .iter()
        .enumerate()
        .filter(|(_, h)| !h.is_title)
        .map(|(i, _)| i)
        .collect();
    // Heading index → document slot.
    let mut slot_of = vec![0usize; page.doc.headings.len()];
    for (k, &h) in headings.iter().enumerate() {
        slot_of[h] = (k + 1).min(MAX_SECTION);
    }
    let slots = (headings.len() + 1).min(MAX_SECTION + 1);
    // The page's distinct words, end to end, as `PageWords` keeps them.
    let mut words_text = String::new();
    let mut ends: Vec<u32> = Vec::new();
    let mut tfs: Vec<Vec<(u32, [u16; 4])>> = vec![Vec::new(); slots];
    let mut lens = vec![[0u32; 4]; slots];
    let mut sections: Vec<Section> = (0..slots)
        .map(|slot| {
            let heading = if slot == 0 {
                None
            } else {
                headings.get(slot - 1).map(|&h| &page.doc.headings[h])
            };
            Section {
                anchor: heading.map(|h| h.id.clone()).unwrap_or_default(),
                heading: heading.map(|h| h.text.clone()).unwrap_or_default(),
                text: String::new(),
            }
        })
        .collect();
    counter.numbers.clear();
    counter.last.clear();
    let Counter { numbers, last } = counter;
    let mut add = |slot: usize, field: usize, folded: &str| {
        each_folded_word(folded, |word| {
            lens[slot][field] += 1;
            if is_stop_word(word) {
                return;
            }
            let hash = FxBuildHasher.hash_one(word);
            let id = match numbers.find(hash, |&id| word_at(&words_text, &ends, id) == word) {
                Some(&id) => id,
                None => {
                    let id = ends.len() as u32;
                    words_text.push_str(word);
                    ends.push(words_text.len() as u32);
                    last.push((u32::MAX, 0));
                    numbers.insert_unique(hash, id, |&id| {
                        FxBuildHasher.hash_one(word_at(&words_text, &ends, id))
                    });
                    id
                }
            };
            // Counted where it was last counted, or a new entry; a slot
            // visited again (the title is counted in every slot first) may
            // list a word twice, which the merge below adds up.
            let list = &mut tfs[slot];
            let (last_slot, at) = &mut last[id as usize];
            if *last_slot != slot as u32 {
                *last_slot = slot as u32;
                *at = list.len() as u32;
                list.push((id, [0; 4]));
            }
            let tf = &mut list[*at as usize].1;
            tf[field] = tf[field].saturating_add(1);
        });
    };
    let headings_text: Vec<String> = sections.iter().map(|s| s.heading.clone()).collect();
    let title = fold(&page.title);
    for (slot, heading) in headings_text.iter().enumerate() {
        add(slot, 0, &title);
        add(slot, 1, &fold(heading));
    }
    let mut meta = page.meta.tags.join(" ");
    if let Some(description) = &page.meta.description {
        meta.push(' ');
        meta.push_str(description);
    }
    add(0, 2, &fold(&meta));
    // Folded block by block into one buffer, not through the document's
    // cache: `cmkb build` frees that after the checks, and filling it again
    // would hold every page's folded text at once.
    let mut folded = String::new();
    for block in &page.doc.blocks {
        if matches!(block.kind, BlockKind::Heading | BlockKind::Code) {
            continue;
        }
        let slot = block.section().map(|h| slot_of[h]).unwrap_or(0);
        folded.clear();
        crate::slug::fold_into(page.doc.text(block), &mut folded);
        add(slot, 3, &folded);
        let text = &mut sections[slot].text;
        if text.len() < FRAGMENT_CHARS * 2 {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(page.doc.text(block));
        }
    }
    for section in &mut sections {
        if section.text.chars().count() > FRAGMENT_CHARS {
            section.text = section.text.chars().take(FRAGMENT_CHARS).collect();
        }
    }
    let docs = tfs
        .into_iter()
        .zip(lens)
        .enumerate()
        .map(|(slot, (mut tf, lens))| {
            merge_counts(&mut tf);
            tf.shrink_to_fit();
            Doc {
                id: (page_id << SECTION_BITS) | slot as u32,
                lens,
                tf,
            }
        })
        .collect();
    // The page's fragment: what a result shows. Serialised from borrowed
    // text (no JSON tree, no copy of the sections' text); the fields in
    // key order, as the manifest's readers and the tests expect.
    #[derive(serde::Serialize)]
    struct Fragment<'a> {
        g: &'a [String],
        l: &'a str,
        s: Vec<(&'a str, &'a str, &'a str)>,
        t: &'a str,
        u: &'a str,
        y: Option<&'a str>,
    }
    let fragment = Fragment {
        g: &page.meta.tags,
        l: &page.lang,
        s: sections
            .iter()
            .map(|s| (s.anchor.as_str(), s.heading.as_str(), s.text.as_str()))
            .collect(),
        t: &page.title,
        u: &page.url,
        y: page.kind(),
    };
    (
        PageWords {
            text: words_text,
            ends,
            docs,
        },
        serde_json::to_vec(&fragment).unwrap_or_default(),
    )
}

/// Cuts sorted `(key, value)` entries into JSON objects of about
/// `target` bytes; returns the shards and each shard's first key.
fn shard(
    entries: impl Iterator<Item = (String, String)>,
    target: usize,
) -> (Vec<Vec<u8>>, Vec<String>) {
    let mut shards = Vec::new();
    let mut firsts = Vec::new();
    let mut current = String::from("{");
    for (key, value) in entries {
        let entry = format!(
            "{}:{}",
            serde_json::to_string(&key).unwrap_or_default(),
            value
        );
        if current.len() > 1 && current.len() + entry.len() > target {
            current.push('}');
            shards.push(std::mem::take(&mut current).into_bytes());
            current.push('{');
        }
        if current.len() == 1 {
            firsts.push(key);
        } else {
            current.push(',');
        }
        current.push_str(&entry);
    }
    if current.len() > 1 {
        current.push('}');
        shards.push(current.into_bytes());
    }
    (shards, firsts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_cut_by_size_and_remember_their_first_key() {
        let entries = (0..100).map(|i| (format!("k{i:03}"), format!("[{i},{i}]")));
        let (shards, firsts) = shard(entries, 100);
        assert!(shards.len() > 5);
        assert_eq!(shards.len(), firsts.len());
        assert_eq!(firsts[0], "k000");
        for s in &shards {
            let value: serde_json::Value = serde_json::from_slice(s).unwrap();
            assert!(value.is_object());
        }
    }

    /// What `keep_best` must equal: sort everything by score, best first,
    /// the earlier document on a tie; keep `n`; back to document order.
    fn best_by_sorting(list: &[(u32, u32)], n: usize) -> Vec<(u32, u32)> {
        let mut sorted = list.to_vec();
        sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        sorted.truncate(n);
        sorted.sort_unstable();
        sorted
    }

    proptest::proptest! {
        #[test]
        fn a_long_list_keeps_the_same_best_documents_as_sorting_it_all(
            scores in proptest::collection::vec(0u32..8, 0..300),
            n in 0usize..40,
        ) {
            // Few distinct scores: ties at the cut are the case to get right.
            let list: Vec<(u32, u32)> = scores
                .iter()
                .enumerate()
                .map(|(doc, &score)| (doc as u32 * 3, score))
                .collect();
            let mut kept = list.clone();
            keep_best(&mut kept, n);
            proptest::prop_assert_eq!(kept, best_by_sorting(&list, n));
        }
    }
}
