//! Accessibility touches on a page's rendered Markdown, in the page's
//! language, for themes that ask for them through their UI strings:
//!
//! - `heading_anchor` (e.g. `"Link to this section: {title}"`): every heading
//!   of the body is followed by a link to itself, so readers can copy it:
//!   `<div class="heading heading-2"><h2 id="x">Text</h2><a class="heading-anchor"
//!   href="#x"><span aria-hidden="true">#</span><span class="visually-hidden">Link
//!   to this section: Text</span></a></div>`. The link sits beside the heading,
//!   not inside it, so the heading's accessible name stays its text.
//! - `table_region` (e.g. `"Table {n}"`): tables are wrapped in a scrolling
//!   region that keyboard users can focus and scroll, named "Table 1",
//!   "Table 2"…: `<section class="table-scroll" tabindex="0"
//!   aria-label="Table 1"><table>…</table></section>` (a named section is a
//!   region landmark).
//! - `task_done` / `task_open`: the disabled checkboxes of task lists are
//!   hidden from assistive technology and their state is said in words
//!   instead ("Done: …"), since a disabled, unlabelled checkbox tells a
//!   screen-reader user nothing.
//!
//! A theme without those strings gets pulldown-cmark's HTML untouched.

use crate::markdown::Heading;

/// What to add, in the page's language.
#[derive(Debug, Clone, Default)]
pub struct Decorations {
    /// The heading anchor's accessible name; `{title}` is the heading text.
    pub heading_anchor: Option<String>,
    /// Words for a ticked and an unticked task, said before the item's text.
    pub task_done: Option<String>,
    pub task_open: Option<String>,
    /// The name of a table's scrolling region; `{n}` is its number in the page.
    pub table_region: Option<String>,
}

impl Decorations {
    pub fn from_strings(strings: &serde_json::Value) -> Decorations {
        let get = |key: &str| {
            strings
                .get(key)
                .and_then(serde_json::Value::as_str)
                .filter(|s| !s.trim().is_empty())
                .map(str::to_string)
        };
        Decorations {
            heading_anchor: get("heading_anchor"),
            task_done: get("task_done"),
            task_open: get("task_open"),
            table_region: get("table_region"),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.heading_anchor.is_none()
            && self.task_done.is_none()
            && self.task_open.is_none()
            && self.table_region.is_none()
    }

    pub fn apply(&self, html: String, headings: &[Heading]) -> String {
        let mut html = html;
        if let Some(label) = &self.heading_anchor {
            html = heading_anchors(&html, headings, label);
        }
        // Most pages have no task list and no table: those keep their HTML
        // as it is, not a copy of it.
        if let (Some(done), Some(open)) = (&self.task_done, &self.task_open) {
            if let Some(changed) = task_checkboxes(&html, done, open) {
                html = changed;
            }
        }
        if let Some(label) = &self.table_region {
            if let Some(changed) = table_regions(&html, label) {
                html = changed;
            }
        }
        html
    }
}

/// Where `needle` first occurs in `haystack`. memmem, not `str::find`: these
/// searches read every page's whole HTML several times, and the standard
/// searcher's set-up and byte loop were most of decorating a page.
fn find(haystack: &str, needle: &str) -> Option<usize> {
    memchr::memmem::find(haystack.as_bytes(), needle.as_bytes())
}

/// Where the tag `tag` (which starts with `<`) first occurs in `html`: at
/// one of its `<`s. A heading's tags are searched for once each per page,
/// and setting up a searcher for each (what `find` does) cost more than
/// stepping through the few `<`s before it.
fn find_tag(html: &str, tag: &str) -> Option<usize> {
    let bytes = html.as_bytes();
    memchr::memchr_iter(b'<', bytes).find(|&i| bytes[i..].starts_with(tag.as_bytes()))
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

/// Wraps each rendered heading (found in document order by its level and
/// id, exactly as pulldown-cmark writes them) with its anchor link.
fn heading_anchors(html: &str, headings: &[Heading], label: &str) -> String {
    let mut out = String::with_capacity(html.len() + headings.len() * 160);
    let mut rest = html;
    // Reused from heading to heading: a page has a dozen.
    let (mut id, mut open, mut close) = (String::new(), String::new(), String::new());
    let mut level = itoa::Buffer::new();
    for heading in headings.iter().filter(|h| !h.is_title) {
        let level = level.format(heading.level);
        id.clear();
        let _ = pulldown_cmark_escape::escape_html(&mut id, &heading.id);
        open.clear();
        for part in ["<h", level, " id=\"", &id, "\""] {
            open.push_str(part);
        }
        close.clear();
        for part in ["</h", level, ">"] {
            close.push_str(part);
        }
        let Some(start) = find_tag(rest, &open) else {
            continue;
        };
        // `open` ends with the id's closing quote, so `id="a"` never matches `id="ab"`.
        let Some(end) = find_tag(&rest[start..], &close).map(|i| start + i + close.len()) else {
            continue;
        };
        out.push_str(&rest[..start]);
        for part in ["<div class=\"heading heading-", level, "\">"] {
            out.push_str(part);
        }
        out.push_str(&rest[start..end]);
        for part in ["<a class=\"heading-anchor\" href=\"#", &id] {
            out.push_str(part);
        }
        out.push_str("\"><span aria-hidden=\"true\">#</span><span class=\"visually-hidden\">");
        // The label with `{title}` replaced, escaped piece by piece
        // (escaping is character by character, so the pieces add up).
        for (k, piece) in label.split("{title}").enumerate() {
            if k > 0 {
                let _ = pulldown_cmark_escape::escape_html(&mut out, heading.text.trim());
            }
            let _ = pulldown_cmark_escape::escape_html(&mut out, piece);
        }
        out.push_str("</span></a></div>");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// pulldown-cmark's task-list markers.
const TASK_OPEN: &str = "<input disabled=\"\" type=\"checkbox\"/>";
const TASK_DONE: &str = "<input disabled=\"\" type=\"checkbox\" checked=\"\"/>";

/// The HTML with task markers replaced; `None` when it has none.
fn task_checkboxes(html: &str, done: &str, open: &str) -> Option<String> {
    if find(html, TASK_OPEN).is_none() && find(html, TASK_DONE).is_none() {
        return None;
    }
    let marker = |checked: bool, words: &str| {
        format!(
            "<input class=\"task-checkbox\" type=\"checkbox\" disabled{} aria-hidden=\"true\"><span class=\"visually-hidden\">{}: </span>",
            if checked { " checked" } else { "" },
            escape(words)
        )
    };
    Some(
        html.replace(TASK_DONE, &marker(true, done))
            .replace(TASK_OPEN, &marker(false, open)),
    )
}

/// Wraps each `<table>` as pulldown-cmark writes it (no attributes) with
/// its matching `</table>`, nested raw-HTML tables counted, in a focusable
/// scrolling region. A table whose end is not found is left alone. `None`
/// when the HTML has no table.
fn table_regions(html: &str, label: &str) -> Option<String> {
    const OPEN: &str = "<table>";
    let first = find(html, OPEN)?;
    let mut out = String::with_capacity(html.len() + 128);
    out.push_str(&html[..first]);
    let mut rest = &html[first..];
    let mut n = 0;
    while let Some(start) = find(rest, OPEN) {
        let Some(end) = matching_table_end(&rest[start..]).map(|e| start + e) else {
            break;
        };
        n += 1;
        let name = escape(&label.replace("{n}", &n.to_string()));
        out.push_str(&rest[..start]);
        out.push_str(&format!(
            "<section class=\"table-scroll\" tabindex=\"0\" aria-label=\"{name}\">"
        ));
        out.push_str(&rest[start..end]);
        out.push_str("</section>");
        rest = &rest[end..];
    }
    out.push_str(rest);
    Some(out)
}

/// The byte just past the `</table>` closing the table `html` starts with.
fn matching_table_end(html: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut at = 0;
    loop {
        let open = find(&html[at..], "<table").map(|i| at + i);
        let close = find(&html[at..], "</table>").map(|i| at + i);
        match (open, close) {
            (Some(o), Some(c)) if o < c => {
                depth += 1;
                at = o + "<table".len();
            }
            (_, Some(c)) => {
                depth = depth.checked_sub(1)?;
                at = c + "</table>".len();
                if depth == 0 {
                    return Some(at);
                }
            }
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heading(level: u8, id: &str, text: &str) -> Heading {
        Heading {
            level,
            text: text.into(),
            id: id.into(),
            explicit_id: false,
            offset: 0,
            is_title: false,
        }
    }

    #[test]
    fn headings_get_an_anchor_beside_them() {
        let html = "<p>x</p>\n<h2 id=\"ab\">A &amp; B</h2>\n<h3 id=\"c\" class=\"k\">C</h3>\n";
        let out = heading_anchors(
            html,
            &[heading(2, "ab", "A & B"), heading(3, "c", "C")],
            "Link to this section: {title}",
        );
        assert!(out.contains("<div class=\"heading heading-2\"><h2 id=\"ab\">A &amp; B</h2><a class=\"heading-anchor\" href=\"#ab\"><span aria-hidden=\"true\">#</span><span class=\"visually-hidden\">Link to this section: A &amp; B</span></a></div>"), "{out}");
        assert!(out.contains("<div class=\"heading heading-3\"><h3 id=\"c\" class=\"k\">C</h3><a class=\"heading-anchor\" href=\"#c\">"), "{out}");
        assert!(out.starts_with("<p>x</p>\n"));
    }

    /// The decoration as first written, a search and a `format!` at a time:
    /// the definition the single pass must keep.
    fn heading_anchors_as_defined(html: &str, headings: &[Heading], label: &str) -> String {
        let mut out = String::new();
        let mut rest = html;
        for heading in headings.iter().filter(|h| !h.is_title) {
            let id = escape(&heading.id);
            let open = format!("<h{} id=\"{id}\"", heading.level);
            let close = format!("</h{}>", heading.level);
            let Some(start) = rest.find(&open) else {
                continue;
            };
            let Some(end) = rest[start..].find(&close).map(|i| start + i + close.len()) else {
                continue;
            };
            let name = escape(&label.replace("{title}", heading.text.trim()));
            out.push_str(&rest[..start]);
            out.push_str(&format!(
                "<div class=\"heading heading-{}\">",
                heading.level
            ));
            out.push_str(&rest[start..end]);
            out.push_str(&format!("<a class=\"heading-anchor\" href=\"#{id}\"><span aria-hidden=\"true\">#</span><span class=\"visually-hidden\">{name}</span></a></div>"));
            rest = &rest[end..];
        }
        out.push_str(rest);
        out
    }

    proptest::proptest! {
        /// Headings present or missing, repeated, out of order, with ids and
        /// titles that need escaping, among text full of `<`; labels with
        /// no `{title}`, one, or two.
        #[test]
        fn the_single_pass_decorates_as_defined(
            shown in proptest::collection::vec((1u8..=6, "[ab&\"<]{0,3}", "[ x&<]{0,4}", proptest::bool::ANY), 0..6),
            listed in proptest::collection::vec((1u8..=6, "[ab&\"<]{0,3}", "[ x&<]{0,4}", proptest::bool::ANY), 0..6),
            noise in "[<>/h1-6 a\"=]{0,12}",
            label in "(\\{title\\}|[<& a]){0,4}",
        ) {
            let mut html = String::new();
            for (level, id, text, title) in &shown {
                html.push_str(&noise);
                if !title {
                    html.push_str(&format!("<h{level} id=\"{}\">{}</h{level}>\n", escape(id), escape(text)));
                }
            }
            html.push_str(&noise);
            let headings: Vec<Heading> = shown
                .iter()
                .chain(&listed)
                .map(|(level, id, text, title)| Heading { is_title: *title, ..heading(*level, id, text) })
                .collect();
            proptest::prop_assert_eq!(
                heading_anchors(&html, &headings, &label),
                heading_anchors_as_defined(&html, &headings, &label)
            );
        }
    }

    #[test]
    fn a_missing_heading_is_skipped_and_the_rest_still_found() {
        let html = "<h2 id=\"b\">B</h2>";
        let out = heading_anchors(
            html,
            &[heading(2, "a", "A"), heading(2, "b", "B")],
            "{title}",
        );
        assert!(out.contains("href=\"#b\""), "{out}");
        assert!(!out.contains("href=\"#a\""), "{out}");
    }

    #[test]
    fn tables_scroll_in_a_named_focusable_region() {
        let html = "<table><tr><td><table class=\"raw\"><tr><td>x</td></tr></table></td></tr></table>\n<p>a</p><table><tr><td>y</td></tr></table>";
        let out = table_regions(html, "Table {n}");
        assert_eq!(
            out.as_deref(),
            Some("<section class=\"table-scroll\" tabindex=\"0\" aria-label=\"Table 1\"><table><tr><td><table class=\"raw\"><tr><td>x</td></tr></table></td></tr></table></section>\n<p>a</p><section class=\"table-scroll\" tabindex=\"0\" aria-label=\"Table 2\"><table><tr><td>y</td></tr></table></section>")
        );
        // An unclosed table is left as it is.
        assert_eq!(
            table_regions("<table><tr>", "T").as_deref(),
            Some("<table><tr>")
        );
        // No table, nothing to change.
        assert_eq!(table_regions("<p>a</p>", "T"), None);
    }

    #[test]
    fn task_checkboxes_say_their_state() {
        let html = format!("<ul>\n<li>{TASK_OPEN}\nOne</li>\n<li>{TASK_DONE}\nTwo</li>\n</ul>");
        let out = task_checkboxes(&html, "Done", "To do").unwrap_or_default();
        assert_eq!(task_checkboxes("<p>a</p>", "Done", "To do"), None);
        assert!(
            out.contains(
                "aria-hidden=\"true\"><span class=\"visually-hidden\">To do: </span>\nOne"
            ),
            "{out}"
        );
        assert!(out.contains("disabled checked aria-hidden=\"true\"><span class=\"visually-hidden\">Done: </span>\nTwo"), "{out}");
    }
}
