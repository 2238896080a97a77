//! Markdown, parsed once per page into everything later stages need.
//!
//! A page's Markdown is parsed exactly once (in parallel with every other
//! page) into a [`Document`]: the HTML, the headings with their ids, the links
//! with their positions, and the text blocks the checks and the search index
//! read. Nothing downstream parses Markdown again.
//!
//! Links between pages cannot be resolved while one page is parsed alone, so
//! each link or image that may need rewriting is written into the HTML as a
//! *slot*: a placeholder URL unique to the page (`cmkb-slot-7`). Resolution
//! later fills every slot with the real URL in one linear pass, without
//! touching the Markdown again. The placeholder prefix is chosen so that it
//! does not occur in the page's source, so no text can forge a slot.

pub mod toc;
pub mod words;

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use crate::slug;

#[derive(Debug, Clone, Default)]
pub struct Document {
    /// HTML with link slots; see [`Document::html_with`].
    pub html: String,
    slot_prefix: String,
    pub headings: Vec<Heading>,
    pub links: Vec<Link>,
    pub blocks: Vec<Block>,
    /// The blocks' text, end to end.
    block_text: String,
    /// The text of the first `# H1`, when there is one.
    pub first_h1: Option<String>,
    /// Ids a link may target besides headings: footnotes, raw HTML `id`/`name`.
    pub other_anchors: Vec<String>,
    /// HTML comments (`<!-- cmkb-disable … -->`), with their file offsets.
    pub comments: Vec<Comment>,
    /// File offsets of raw HTML that runs code (`<script>`, `onclick=`).
    pub scripts: Vec<usize>,
    /// The text of every block, folded, computed on first use: rules ask
    /// "does this page mention any of these words at all?" before looking
    /// block by block.
    folded: std::sync::OnceLock<FoldedBlocks>,
    /// The ids of [`Document::has_anchor`], as a set, on first use.
    anchors: std::sync::OnceLock<rustc_hash::FxHashSet<String>>,
    pub stats: Stats,
}

/// Every block's text folded, one per line, and where each block's ends.
#[derive(Debug, Clone, Default)]
struct FoldedBlocks {
    text: String,
    ends: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    /// Plain text, entities decoded.
    pub text: String,
    pub id: String,
    /// Set by the writer with `{#id}` rather than derived from the text.
    pub explicit_id: bool,
    /// Byte offset in the file.
    pub offset: usize,
    /// This is the `# H1` the page's title came from; it is not rendered in the body.
    pub is_title: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    Link,
    Image,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub kind: LinkKind,
    /// The destination as written.
    pub dest: String,
    /// The link's text (an image's alt text).
    pub text: String,
    /// Byte offset in the file.
    pub offset: usize,
    /// Byte length of the link's Markdown, for underlining.
    pub len: usize,
    /// The slot this link's URL goes into, when it needs resolving.
    pub slot: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Paragraph,
    ListItem,
    TableCell,
    Heading,
    Code,
}

/// A run of text from one paragraph, list item, table cell, heading or code
/// block: what the checks read and the search index indexes.
///
/// Its text is the document's ([`Document::text`]): a page's blocks keep
/// their text end to end in one string, not a string each — at 10,000 pages
/// the half million blocks took 83 MB as strings of their own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub in_quote: bool,
    /// For task-list items: whether the box is ticked.
    pub task: Option<bool>,
    /// Index into `headings` of the heading this block sits under, or
    /// `NO_SECTION`.
    section: u32,
    /// Where its text sits in [`Document::block_text`].
    start: u32,
    end: u32,
    /// Byte offset in the file.
    pub offset: usize,
}

const NO_SECTION: u32 = u32::MAX;

impl Block {
    /// Index into `headings` of the heading this block sits under.
    pub fn section(&self) -> Option<usize> {
        (self.section != NO_SECTION).then_some(self.section as usize)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub text: String,
    pub offset: usize,
}

/// Counts of presentational elements, for the form-over-substance check.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Words of paragraphs, list items and table cells, not code: runs of
    /// non-whitespace.
    pub words: usize,
    /// The same blocks' words of prose ([`words::WordCount::prose`]).
    pub prose_words: usize,
    pub emphasis: usize,
    pub strong: usize,
    pub images: usize,
    pub rules: usize,
    pub tables: usize,
    pub code_blocks: usize,
    pub empty_items: usize,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Parses a page body. `offset` is where the body starts in the file, so
/// every position recorded is a file offset. `title` is the front matter's
/// title: a first `# H1` equal to it (or any first H1, when there is no
/// title) becomes the page title and is not repeated in the body.
pub fn parse(body: &str, offset: usize, title: Option<&str>) -> Document {
    parse_with(body, offset, title, ParseOptions::default())
}

/// How raw HTML is treated.
#[derive(Debug, Clone, Copy, Default)]
pub struct ParseOptions {
    /// Render raw `<script>` elements as visible, escaped text.
    pub escape_scripts: bool,
    /// Leave [`Document::html`] empty: `cmkb check` reads the parsed
    /// document only, and rendering was a fifth of loading a page.
    pub skip_html: bool,
}

pub fn parse_with(
    body: &str,
    offset: usize,
    title: Option<&str>,
    options: ParseOptions,
) -> Document {
    let events = || -> Vec<(Event<'_>, Range<usize>)> {
        // Sized for a page's usual event count (about one per 12 bytes of
        // Markdown), so collecting does not copy the events over and over.
        let mut events: Vec<_> = Vec::with_capacity(body.len() / 12 + 16);
        events.extend(Parser::new_ext(body, self::options()).into_offset_iter());
        if options.escape_scripts {
            for (event, _) in &mut events {
                if let Event::Html(html) | Event::InlineHtml(html) = event {
                    if is_script(html) {
                        *event = Event::Text(html.clone());
                    }
                }
            }
        }
        events
    };
    let first = events();
    let mut doc = Document {
        slot_prefix: slot_prefix(body, ""),
        // The blocks' text is the body's less its markup: room for all of
        // it once, given back by `shrink_to_fit` below, instead of growing.
        block_text: String::with_capacity(body.len()),
        ..Document::default()
    };
    let (heading_ids, title_h1) = assign_heading_ids(&first, title, offset, &mut doc);
    collect_facts(&first, offset, &mut doc);
    // Every page's document is held until the pages are written, and a
    // `Vec` grown by pushing has up to twice the room it uses: at 10,000
    // pages the blocks had 12 MB spare and the HTML 40 MB.
    doc.blocks.shrink_to_fit();
    doc.block_text.shrink_to_fit();
    doc.links.shrink_to_fit();
    doc.headings.shrink_to_fit();
    if options.skip_html {
        return doc;
    }
    let mut html = render(first, &heading_ids, title_h1.clone(), &mut doc);
    // The prefix is absent from the source, but an entity or an escape
    // (`cmkb&#45;slot-0`, `cmkb\-slot-0`) can still spell it in the HTML.
    // Then the text would be filled with a URL: choose a prefix absent from
    // that HTML too and render again (only such a page pays for it).
    while forged(&html, &doc.slot_prefix) {
        doc.slot_prefix = slot_prefix(body, &html);
        html = render(events(), &heading_ids, title_h1.clone(), &mut doc);
    }
    html.shrink_to_fit();
    doc.html = html;
    doc
}

/// Whether the prefix occurs in the HTML anywhere but as the start of a
/// link's `href` or an image's `src`, where the renderer put the slots.
fn forged(html: &str, prefix: &str) -> bool {
    html.match_indices(prefix).any(|(at, _)| {
        let before = &html[..at];
        !(before.ends_with("href=\"") || before.ends_with("src=\""))
    })
}

/// Raw HTML that runs code: `<script>`, or an inline `on…=` handler.
pub fn is_script(html: &str) -> bool {
    let lower = html.to_ascii_lowercase();
    lower.contains("<script") || lower.contains("javascript:") || has_event_handler(&lower)
}

fn has_event_handler(lower: &str) -> bool {
    let bytes = lower.as_bytes();
    lower.match_indices(" on").any(|(i, _)| {
        let rest = &bytes[i + 3..];
        let name = rest.iter().take_while(|b| b.is_ascii_alphabetic()).count();
        name >= 3 && rest.get(name) == Some(&b'=') && lower[..i].rfind('<') > lower[..i].rfind('>')
    })
}

/// Link schemes that run code when followed.
pub fn is_dangerous_link(dest: &str) -> bool {
    // The longest prefix looked at is `data:image/svg`: the first 16
    // characters that count are enough (a link may be a long data: URL).
    // On the stack: every link of every page passes through here.
    let mut buf = [0u8; 64];
    let mut len = 0;
    for c in dest
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(16)
    {
        for &b in c.encode_utf8(&mut [0u8; 4]).as_bytes() {
            buf[len] = b.to_ascii_lowercase();
            len += 1;
        }
    }
    let lower = &buf[..len];
    lower.starts_with(b"javascript:")
        || lower.starts_with(b"vbscript:")
        || (lower.starts_with(b"data:") && !lower.starts_with(b"data:image/")
            || lower.starts_with(b"data:image/svg"))
}

fn slot_prefix(body: &str, html: &str) -> String {
    let mut prefix = String::from("cmkb-slot-");
    while body.contains(&prefix) || html.contains(&prefix) {
        prefix.insert(0, 'x');
    }
    prefix
}

fn heading_level(level: HeadingLevel) -> u8 {
    level as u8
}

/// Gives every heading a unique id: explicit `{#id}`s first (they are what
/// other pages link to), then ids from the text, numbered on collision.
/// Returns the ids by event index of each heading start, and the event range
/// of the title H1 (not rendered).
fn assign_heading_ids(
    events: &[(Event<'_>, Range<usize>)],
    title: Option<&str>,
    offset: usize,
    doc: &mut Document,
) -> (Vec<(usize, String)>, Option<Range<usize>>) {
    // Ids the default theme uses for its own landmarks; a heading called
    // "Main" must not take them.
    let reserved = ["main", "search-q", "content", "toc"].map(String::from);
    let mut used: HashSet<String> = reserved
        .into_iter()
        .chain(events.iter().filter_map(|(e, _)| match e {
            Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
            _ => None,
        }))
        .collect();
    let mut suffixes: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut ids = Vec::new();
    let mut title_range = None;
    let mut i = 0;
    while i < events.len() {
        if let (Event::Start(Tag::Heading { level, id, .. }), range) = &events[i] {
            let start = i;
            let mut text = String::new();
            i += 1;
            while i < events.len() && !matches!(events[i].0, Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[i].0 {
                    text.push_str(t);
                }
                i += 1;
            }
            let text = text.trim().to_string();
            let level = heading_level(*level);
            let (id, explicit) = match id {
                Some(id) => (id.to_string(), true),
                None => {
                    let base = match slug::heading_id(&text) {
                        s if s.is_empty() => "section".to_string(),
                        s => s,
                    };
                    // Number duplicates from where this base last stopped,
                    // so a page of 100,000 equal headings stays linear.
                    let next = suffixes.entry(base.clone()).or_insert(1);
                    let mut id = base.clone();
                    while used.contains(&id) {
                        id = format!("{base}-{next}");
                        *next += 1;
                    }
                    used.insert(id.clone());
                    (id, false)
                }
            };
            let is_title =
                level == 1 && doc.first_h1.is_none() && title.is_none_or(|t| t.trim() == text);
            if level == 1 && doc.first_h1.is_none() {
                doc.first_h1 = Some(text.clone());
            }
            if is_title {
                title_range = Some(start..i + 1);
            }
            doc.headings.push(Heading {
                level,
                text,
                id: id.clone(),
                explicit_id: explicit,
                offset: offset + range.start,
                is_title,
            });
            ids.push((start, id));
        }
        i += 1;
    }
    (ids, title_range)
}

/// Containers whose text becomes a [`Block`].
struct Open {
    kind: BlockKind,
    text: String,
    offset: usize,
    task: Option<bool>,
}

fn collect_facts(events: &[(Event<'_>, Range<usize>)], offset: usize, doc: &mut Document) {
    let mut stack: Vec<Open> = Vec::new();
    // The text buffers of closed blocks, for the next ones: a page has a
    // few dozen blocks, and each grew its own buffer from empty.
    let mut spare: Vec<String> = Vec::new();
    let mut quote_depth = 0usize;
    let mut item_depth = 0usize;
    let mut heading_index = 0usize;
    let mut section: Option<usize> = None;
    let mut open_links: Vec<usize> = Vec::new();
    let mut slot = 0usize;
    for (event, range) in events {
        let at = offset + range.start;
        match event {
            Event::Start(tag) => {
                let kind = match tag {
                    Tag::Paragraph if item_depth > 0 => Some(BlockKind::ListItem),
                    Tag::Paragraph => Some(BlockKind::Paragraph),
                    Tag::Heading { .. } => {
                        section = Some(heading_index);
                        heading_index += 1;
                        Some(BlockKind::Heading)
                    }
                    Tag::Item => {
                        item_depth += 1;
                        Some(BlockKind::ListItem)
                    }
                    Tag::TableCell => Some(BlockKind::TableCell),
                    Tag::CodeBlock(_) => {
                        doc.stats.code_blocks += 1;
                        Some(BlockKind::Code)
                    }
                    Tag::BlockQuote(_) => {
                        quote_depth += 1;
                        None
                    }
                    Tag::Emphasis => {
                        doc.stats.emphasis += 1;
                        None
                    }
                    Tag::Strong => {
                        doc.stats.strong += 1;
                        None
                    }
                    Tag::Table(_) => {
                        doc.stats.tables += 1;
                        None
                    }
                    Tag::FootnoteDefinition(label) => {
                        doc.other_anchors.push(label.to_string());
                        None
                    }
                    Tag::Link {
                        link_type,
                        dest_url,
                        ..
                    }
                    | Tag::Image {
                        link_type,
                        dest_url,
                        ..
                    } => {
                        let kind = if matches!(tag, Tag::Image { .. }) {
                            doc.stats.images += 1;
                            LinkKind::Image
                        } else {
                            LinkKind::Link
                        };
                        let slot = if needs_slot(*link_type, dest_url) {
                            slot += 1;
                            Some(slot - 1)
                        } else {
                            None
                        };
                        open_links.push(doc.links.len());
                        doc.links.push(Link {
                            kind,
                            dest: dest_url.to_string(),
                            text: String::new(),
                            offset: at,
                            len: range.len(),
                            slot,
                        });
                        None
                    }
                    _ => None,
                };
                if let Some(kind) = kind {
                    stack.push(Open {
                        kind,
                        text: spare.pop().unwrap_or_default(),
                        offset: at,
                        task: None,
                    });
                }
            }
            Event::End(tag) => {
                let closes_block = match tag {
                    TagEnd::Paragraph
                    | TagEnd::Heading(_)
                    | TagEnd::TableCell
                    | TagEnd::CodeBlock => true,
                    TagEnd::Item => {
                        item_depth = item_depth.saturating_sub(1);
                        true
                    }
                    TagEnd::BlockQuote(_) => {
                        quote_depth = quote_depth.saturating_sub(1);
                        false
                    }
                    TagEnd::Link | TagEnd::Image => {
                        open_links.pop();
                        false
                    }
                    _ => false,
                };
                if closes_block {
                    if let Some(open) = stack.pop() {
                        let text = open.text.trim();
                        let empty_item =
                            open.kind == BlockKind::ListItem && matches!(tag, TagEnd::Item);
                        if text.is_empty() {
                            // An item whose text all sat in a nested paragraph is
                            // not empty; one with no text at all is decoration.
                            if empty_item
                                && doc.blocks.last().is_none_or(|b| b.offset < open.offset)
                            {
                                doc.stats.empty_items += 1;
                            }
                            spare.push(recycled(open.text));
                            continue;
                        }
                        if !matches!(open.kind, BlockKind::Code | BlockKind::Heading) {
                            let counted = words::count(text);
                            doc.stats.words += counted.tokens;
                            doc.stats.prose_words += counted.prose;
                        }
                        // Within the file's length, which the loader keeps
                        // under 4 GiB; saturating, a text past it would read
                        // as empty rather than wrap.
                        let start = u32::try_from(doc.block_text.len()).unwrap_or(u32::MAX);
                        doc.block_text.push_str(text);
                        let end = u32::try_from(doc.block_text.len()).unwrap_or(u32::MAX);
                        doc.blocks.push(Block {
                            kind: open.kind,
                            in_quote: quote_depth > 0,
                            task: open.task,
                            section: section
                                .and_then(|h| u32::try_from(h).ok())
                                .unwrap_or(NO_SECTION),
                            start,
                            end,
                            offset: open.offset,
                        });
                        spare.push(recycled(open.text));
                    }
                }
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some(open) = stack.last_mut() {
                    open.text.push_str(text);
                }
                if let Some(&link) = open_links.last() {
                    doc.links[link].text.push_str(text);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(open) = stack.last_mut() {
                    open.text.push(if open.kind == BlockKind::Code {
                        '\n'
                    } else {
                        ' '
                    });
                }
            }
            Event::TaskListMarker(done) => {
                if let Some(open) = stack.last_mut() {
                    open.task = Some(*done);
                }
            }
            Event::Rule => doc.stats.rules += 1,
            Event::Html(html) | Event::InlineHtml(html) => {
                collect_html_anchors(html, &mut doc.other_anchors);
                if is_script(html) {
                    doc.scripts.push(at);
                }
                let trimmed = html.trim_start();
                if let Some(rest) = trimmed.strip_prefix("<!--") {
                    let inner = rest.split("-->").next().unwrap_or(rest);
                    doc.comments.push(Comment {
                        text: inner.trim().to_string(),
                        offset: at + (html.len() - trimmed.len()),
                    });
                }
            }
            _ => {}
        }
    }
}

/// An emptied buffer, its room kept.
fn recycled(mut text: String) -> String {
    text.clear();
    text
}

/// Relative and root-relative destinations may need rewriting; anchors on the
/// same page, absolute URLs and e-mail autolinks never do.
fn needs_slot(link_type: LinkType, dest: &str) -> bool {
    // `javascript:` links are slotted so resolution can neutralise them.
    if is_dangerous_link(dest) {
        return true;
    }
    if matches!(link_type, LinkType::Email)
        || dest.is_empty()
        || dest.starts_with('#')
        || dest.starts_with("//")
    {
        return false;
    }
    !has_scheme(dest)
}

/// `https:`, `mailto:`, `Http:` … — but not `@/path.md` or `C:` drive-less paths.
pub fn has_scheme(dest: &str) -> bool {
    let Some(colon) = dest.find(':') else {
        return false;
    };
    let scheme = &dest[..colon];
    !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
        && !dest[..colon].contains('/')
}

/// Ids in raw HTML (`<a name="x">`, `<div id="x">`) are anchors links may target.
fn collect_html_anchors(html: &str, anchors: &mut Vec<String>) {
    for attr in ["id=\"", "name=\"", "id='", "name='"] {
        let quote = attr.chars().last().unwrap_or('"');
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            let preceded_ok = i == 0 || rest.as_bytes()[i - 1].is_ascii_whitespace();
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find(quote) {
                if preceded_ok {
                    anchors.push(rest[..end].to_string());
                }
                rest = &rest[end..];
            }
        }
    }
}

fn render(
    events: Vec<(Event<'_>, Range<usize>)>,
    heading_ids: &[(usize, String)],
    title_h1: Option<Range<usize>>,
    doc: &mut Document,
) -> String {
    let mut ids = heading_ids.iter().peekable();
    let prefix = doc.slot_prefix.clone();
    let mut slot = 0usize;
    let stream = events
        .into_iter()
        .enumerate()
        .filter_map(|(i, (event, _))| {
            if title_h1.as_ref().is_some_and(|r| r.contains(&i)) {
                if ids.peek().is_some_and(|(at, _)| *at == i) {
                    ids.next();
                }
                // The title is not rendered, but its links hold slots in the
                // facts: skipping them here would give every later link the
                // URL of the one before it.
                if let Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    ..
                })
                | Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    ..
                }) = &event
                {
                    if needs_slot(*link_type, dest_url) {
                        slot += 1;
                    }
                }
                return None;
            }
            Some(match event {
                Event::Start(Tag::Heading {
                    level,
                    classes,
                    attrs,
                    ..
                }) => {
                    let id = match ids.peek() {
                        Some((at, id)) if *at == i => {
                            ids.next();
                            Some(CowStr::from(id.clone()))
                        }
                        _ => None,
                    };
                    Event::Start(Tag::Heading {
                        level,
                        id,
                        classes,
                        attrs,
                    })
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) if needs_slot(link_type, &dest_url) => {
                    slot += 1;
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url: format!("{prefix}{}", slot - 1).into(),
                        title,
                        id,
                    })
                }
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) if needs_slot(link_type, &dest_url) => {
                    slot += 1;
                    Event::Start(Tag::Image {
                        link_type,
                        dest_url: format!("{prefix}{}", slot - 1).into(),
                        title,
                        id,
                    })
                }
                other => other,
            })
        });
    let mut html = String::with_capacity(doc.stats.words * 8);
    pulldown_cmark::html::push_html(&mut html, stream);
    html
}

impl Document {
    /// The page's HTML with every slot filled: `urls[n]` is the URL of slot `n`.
    pub fn html_with(&self, urls: &[String]) -> String {
        if urls.is_empty() {
            return self.html.clone();
        }
        let mut out = String::with_capacity(self.html.len() + urls.len() * 16);
        let mut rest = self.html.as_str();
        while let Some(i) = rest.find(&self.slot_prefix) {
            out.push_str(&rest[..i]);
            rest = &rest[i + self.slot_prefix.len()..];
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            match rest[..digits]
                .parse::<usize>()
                .ok()
                .and_then(|n| urls.get(n))
            {
                Some(url) => {
                    let mut escaped = String::new();
                    let _ = pulldown_cmark_escape::escape_href(&mut escaped, url);
                    out.push_str(&escaped);
                }
                // Unreachable by construction (the prefix is absent from the
                // source); keep the text rather than lose it.
                None => out.push_str(&self.slot_prefix),
            }
            rest = &rest[digits..];
        }
        out.push_str(rest);
        out
    }

    /// A block's text (the block is one of this document's).
    pub fn text(&self, block: &Block) -> &str {
        self.block_text
            .get(block.start as usize..block.end as usize)
            .unwrap_or("")
    }

    /// All the page's text (code included), accent- and case-folded, a
    /// block per line.
    pub fn folded_text(&self) -> &str {
        &self.folded_blocks().text
    }

    /// One block's text, folded. The checks read every block folded, rule
    /// after rule; this folds each once for all of them.
    pub fn folded<'a>(&'a self, block: &'a Block) -> std::borrow::Cow<'a, str> {
        let size = std::mem::size_of::<Block>().max(1);
        let at = (block as *const Block as usize).wrapping_sub(self.blocks.as_ptr() as usize);
        let index = at / size;
        if at % size == 0 && index < self.blocks.len() {
            let folded = self.folded_blocks();
            let start = if index == 0 {
                0
            } else {
                folded.ends[index - 1] + 1
            };
            return std::borrow::Cow::Borrowed(&folded.text[start..folded.ends[index]]);
        }
        // A block of another document: its text is not here.
        std::borrow::Cow::Borrowed("")
    }

    /// Drops what only the checks read: links, comments, the anchor set
    /// (see [`crate::content::Site::release_checked`]).
    pub fn release_checked(&mut self) {
        self.links = Vec::new();
        self.comments = Vec::new();
        self.anchors = std::sync::OnceLock::new();
    }

    /// Drops the blocks and their folded text (see
    /// [`crate::content::Site::release_text`]).
    pub fn release_text(&mut self) {
        self.blocks = Vec::new();
        self.block_text = String::new();
        self.folded = std::sync::OnceLock::new();
    }

    /// Drops the folded text; [`Document::folded`] makes it again if asked.
    pub fn release_folded(&mut self) {
        self.folded = std::sync::OnceLock::new();
    }

    fn folded_blocks(&self) -> &FoldedBlocks {
        self.folded.get_or_init(|| {
            let mut folded = FoldedBlocks {
                text: String::with_capacity(self.block_text.len() + self.blocks.len()),
                ends: Vec::with_capacity(self.blocks.len()),
            };
            for block in &self.blocks {
                slug::fold_into(self.text(block), &mut folded.text);
                folded.ends.push(folded.text.len());
                folded.text.push('\n');
            }
            folded
        })
    }

    /// Every id a link into this page may target.
    pub fn has_anchor(&self, anchor: &str) -> bool {
        // A set once the page has many: a page of thousands of headings
        // linking to its own sections would otherwise be quadratic.
        if self.headings.len() + self.other_anchors.len() <= 32 {
            return self.headings.iter().any(|h| h.id == anchor)
                || self.other_anchors.iter().any(|a| a == anchor);
        }
        self.anchors
            .get_or_init(|| {
                let ids = self.headings.iter().map(|h| h.id.as_str());
                ids.chain(self.other_anchors.iter().map(String::as_str))
                    .map(str::to_string)
                    .collect()
            })
            .contains(anchor)
    }

    /// The text of the document, block by block, for search and word counts.
    pub fn prose_blocks(&self) -> impl Iterator<Item = &Block> {
        self.blocks.iter().filter(|b| b.kind != BlockKind::Code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_get_unique_unicode_ids_and_explicit_ids_win() {
        let doc = parse(
            "## Cuándo adaptar\n\n## Cuándo adaptar\n\n## Escalada {#escalation}\n",
            0,
            Some("T"),
        );
        let ids: Vec<&str> = doc.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["cuándo-adaptar", "cuándo-adaptar-1", "escalation"]);
        assert!(
            doc.html.contains("<h2 id=\"escalation\">Escalada</h2>"),
            "{}",
            doc.html
        );
    }

    #[test]
    fn an_explicit_id_is_not_taken_by_an_earlier_heading() {
        let doc = parse("## Why\n\n## Reasons {#why}\n", 0, None);
        assert_eq!(doc.headings[0].id, "why-1");
        assert_eq!(doc.headings[1].id, "why");
    }

    #[test]
    fn the_title_h1_is_not_repeated_in_the_body() {
        let doc = parse("# Moderar un hilo\n\nTexto.\n", 0, None);
        assert_eq!(doc.first_h1.as_deref(), Some("Moderar un hilo"));
        assert!(!doc.html.contains("<h1"), "{}", doc.html);
        let doc = parse("# Otro título\n\nTexto.\n", 0, Some("Título"));
        assert!(doc.html.contains("<h1"), "{}", doc.html);
    }

    #[test]
    fn links_become_slots_and_slots_fill() {
        let doc = parse(
            "See [crisis](../playbooks/crisis.md#first-hour) and [web](https://example.org).\n",
            10,
            None,
        );
        assert_eq!(doc.links.len(), 2);
        assert_eq!(doc.links[0].slot, Some(0));
        assert_eq!(doc.links[0].offset, 14);
        assert_eq!(doc.links[0].text, "crisis");
        assert_eq!(doc.links[1].slot, None);
        let html = doc.html_with(&["/kb/playbooks/crisis/#first-hour".into()]);
        assert!(
            html.contains("href=\"/kb/playbooks/crisis/#first-hour\""),
            "{html}"
        );
        assert!(html.contains("href=\"https://example.org\""), "{html}");
    }

    #[test]
    fn a_source_containing_the_slot_prefix_cannot_forge_a_slot() {
        let doc = parse(
            "[a](x.md) and the text cmkb-slot-0 [b](cmkb-slot-0)\n",
            0,
            None,
        );
        let html = doc.html_with(&["/A/".into(), "/B/".into()]);
        assert!(html.contains("the text cmkb-slot-0"), "{html}");
        assert!(html.contains("href=\"/A/\""), "{html}");
        assert!(html.contains("href=\"/B/\""), "{html}");
    }

    #[test]
    fn blocks_know_their_kind_section_and_position() {
        let text = "Intro words here.\n\n## Steps\n\n- [ ] first step\n- second\n\n| a | b |\n|---|---|\n| c | d |\n\n```\ncode\n```\n";
        let doc = parse(text, 0, None);
        let kinds: Vec<BlockKind> = doc.blocks.iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            [
                BlockKind::Paragraph,
                BlockKind::Heading,
                BlockKind::ListItem,
                BlockKind::ListItem,
                BlockKind::TableCell,
                BlockKind::TableCell,
                BlockKind::TableCell,
                BlockKind::TableCell,
                BlockKind::Code
            ]
        );
        assert_eq!(doc.blocks[2].task, Some(false));
        assert_eq!(doc.blocks[2].section(), Some(0));
        assert_eq!(doc.blocks[0].section(), None);
        assert_eq!(&text[doc.blocks[1].offset..doc.blocks[1].offset + 2], "##");
        assert_eq!(doc.stats.words, 3 + 2 + 1 + 4);
    }

    #[test]
    fn raw_html_ids_and_footnotes_are_anchors() {
        let doc = parse(
            "<a name=\"top\"></a>\n\nText[^1].\n\n[^1]: Note.\n",
            0,
            None,
        );
        assert!(doc.has_anchor("top"));
        assert!(doc.has_anchor("1"));
    }

    #[test]
    fn comments_are_kept_with_positions() {
        let doc = parse(
            "Text.\n\n<!-- cmkb-disable rigid-script -- reason -->\n",
            5,
            None,
        );
        assert_eq!(doc.comments.len(), 1);
        assert_eq!(doc.comments[0].text, "cmkb-disable rigid-script -- reason");
        assert_eq!(doc.comments[0].offset, 5 + 7);
    }

    #[test]
    fn scripts_are_recognised_and_can_be_escaped() {
        let text = "<script>alert(1)</script>\n\nText <img src=x onerror=alert(1)> and <b onclick=\"x()\">b</b>.\n";
        let doc = parse(text, 0, None);
        assert_eq!(doc.scripts.len(), 3);
        assert!(doc.html.contains("<script>alert(1)</script>"));
        let escaped = parse_with(
            text,
            0,
            None,
            ParseOptions {
                escape_scripts: true,
                skip_html: false,
            },
        );
        assert!(!escaped.html.contains("<script>"), "{}", escaped.html);
        assert!(escaped.html.contains("&lt;script&gt;"));
        assert!(!escaped.html.contains("<img src=x onerror"));
        assert!(!is_script("<p>one only</p>"));
    }

    #[test]
    fn dangerous_links() {
        assert!(is_dangerous_link("javascript:alert(1)"));
        assert!(is_dangerous_link(" JavaScript:alert(1)"));
        assert!(is_dangerous_link("java\tscript:alert(1)"));
        assert!(is_dangerous_link("data:text/html,<script>"));
        assert!(is_dangerous_link("data:image/svg+xml,<svg onload=x>"));
        assert!(!is_dangerous_link("data:image/png;base64,AAAA"));
        assert!(!is_dangerous_link("https://example.org"));
        assert!(is_dangerous_link("\u{0}jAvA\nScRiPt:alert(1)"));
        assert!(
            !is_dangerous_link("ｊavascript:x"),
            "a full-width letter is not ASCII"
        );
    }

    /// What `is_dangerous_link` must equal: the first 16 characters that are
    /// not whitespace or control, ASCII-lowercased, by scheme.
    fn dangerous_as_defined(dest: &str) -> bool {
        let lower: String = dest
            .trim()
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .take(16)
            .collect::<String>()
            .to_ascii_lowercase();
        lower.starts_with("javascript:")
            || lower.starts_with("vbscript:")
            || (lower.starts_with("data:") && !lower.starts_with("data:image/")
                || lower.starts_with("data:image/svg"))
    }

    proptest::proptest! {
        #[test]
        fn dangerous_links_as_defined(
            dest in "[ \t\n\u{0}]{0,2}([jJ]ava|[vV]b|[dD]ata|x)?[ \u{7f}]?([sS]cript|:image/|:image/svg|:text)?\\PC{0,20}"
        ) {
            proptest::prop_assert_eq!(is_dangerous_link(&dest), dangerous_as_defined(&dest));
        }

        #[test]
        fn dangerous_links_as_defined_on_any_text(dest in proptest::prelude::any::<String>()) {
            proptest::prop_assert_eq!(is_dangerous_link(&dest), dangerous_as_defined(&dest));
        }
    }

    #[test]
    fn schemes() {
        assert!(has_scheme("https://x"));
        assert!(has_scheme("Http://x"));
        assert!(has_scheme("mailto:a@b"));
        assert!(!has_scheme("@/a.md"));
        assert!(!has_scheme("../a.md"));
        assert!(!has_scheme("a/b:c"));
    }
}
