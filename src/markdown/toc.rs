//! The table of contents: a page's headings nested by level.

use serde::Serialize;

use super::Heading;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// Nests headings under the nearest shallower one. The title H1 is left out;
/// a page that skips a level (h2 → h4) still nests the h4 under the h2.
pub fn build(headings: &[Heading]) -> Vec<TocEntry> {
    let mut root: Vec<TocEntry> = Vec::new();
    for h in headings.iter().filter(|h| !h.is_title) {
        let entry = TocEntry {
            level: h.level,
            id: h.id.clone(),
            title: h.text.clone(),
            children: Vec::new(),
        };
        insert(&mut root, entry);
    }
    root
}

fn insert(siblings: &mut Vec<TocEntry>, entry: TocEntry) {
    match siblings.last_mut() {
        Some(last) if last.level < entry.level => insert(&mut last.children, entry),
        _ => siblings.push(entry),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(level: u8, id: &str) -> Heading {
        Heading {
            level,
            text: id.to_uppercase(),
            id: id.into(),
            explicit_id: false,
            offset: 0,
            is_title: false,
        }
    }

    #[test]
    fn headings_nest_by_level() {
        let toc = build(&[h(2, "a"), h(3, "b"), h(4, "c"), h(2, "d"), h(4, "e")]);
        assert_eq!(toc.len(), 2);
        assert_eq!(toc[0].children[0].id, "b");
        assert_eq!(toc[0].children[0].children[0].id, "c");
        assert_eq!(toc[1].children[0].id, "e");
    }
}
