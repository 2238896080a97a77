//! Site-wide files: `sitemap.xml`, the Atom feed of recently reviewed
//! guidance, and `robots.txt`. All are built from the audience's pages only.

use std::fmt::Write as _;

use super::context::permalink;
use super::Listings;
use crate::content::Site;

/// How many entries the feed carries: enough for a weekly reader to miss nothing.
const FEED_ENTRIES: usize = 20;

pub fn sitemap(site: &Site, listings: &Listings) -> String {
    let base_url = &site.config.base_url;
    let mut entries: Vec<(String, Option<String>)> = Vec::new();
    for (_, page) in site.included_pages().filter(|(_, p)| !p.is_section_index) {
        entries.push((page.url.clone(), page.meta.reviewed.map(|d| d.to_string())));
    }
    for variant in &listings.variants {
        let reviewed = variant
            .page
            .and_then(|p| site.pages[p].meta.reviewed)
            .map(|d| d.to_string());
        entries.push((variant.url.clone(), reviewed));
    }
    for taxonomy in &listings.taxonomies {
        entries.push((taxonomy.url.clone(), None));
        for term in &taxonomy.terms {
            entries.push((term.url.clone(), None));
        }
    }
    entries.sort();
    entries.dedup_by(|a, b| a.0 == b.0);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (url, lastmod) in entries {
        let _ = write!(
            out,
            "  <url>\n    <loc>{}</loc>\n",
            xml_escape(&encode_url(&permalink(base_url, &url)))
        );
        if let Some(lastmod) = lastmod {
            let _ = writeln!(out, "    <lastmod>{lastmod}</lastmod>");
        }
        out.push_str("  </url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

pub fn atom(site: &Site, listings: &Listings) -> String {
    let config = &site.config;
    let base_url = &config.base_url;
    let base_path = site.base_path();
    let entries: Vec<usize> = listings.recent.iter().copied().take(FEED_ENTRIES).collect();
    // The feed changes when guidance is reviewed, so its date is the newest
    // review, not the build time: rebuilding the same content gives the same bytes.
    let updated = entries
        .iter()
        .filter_map(|&p| site.pages[p].meta.reviewed)
        .max()
        .unwrap_or(site.today);
    let mut out = String::new();
    let _ = writeln!(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>");
    let _ = writeln!(
        out,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        xml_escape(&config.default_language)
    );
    let _ = writeln!(out, "  <title>{}</title>", xml_escape(&config.title));
    if !config.description.is_empty() {
        let _ = writeln!(
            out,
            "  <subtitle>{}</subtitle>",
            xml_escape(&config.description)
        );
    }
    let home = encode_url(&permalink(base_url, &base_path));
    let _ = writeln!(
        out,
        "  <link href=\"{}\" rel=\"self\" type=\"application/atom+xml\"/>",
        xml_escape(&encode_url(&permalink(
            base_url,
            &format!("{base_path}atom.xml")
        )))
    );
    let _ = writeln!(out, "  <link href=\"{}\"/>", xml_escape(&home));
    let _ = writeln!(out, "  <id>{}</id>", xml_escape(&home));
    let _ = writeln!(out, "  <updated>{updated}T00:00:00Z</updated>");
    for p in entries {
        let page = &site.pages[p];
        let url = xml_escape(&encode_url(&permalink(base_url, &page.url)));
        let _ = writeln!(out, "  <entry xml:lang=\"{}\">", xml_escape(&page.lang));
        let _ = writeln!(out, "    <title>{}</title>", xml_escape(&page.title));
        let _ = writeln!(out, "    <link href=\"{url}\"/>");
        let _ = writeln!(out, "    <id>{url}</id>");
        if let Some(reviewed) = page.meta.reviewed {
            let _ = writeln!(out, "    <updated>{reviewed}T00:00:00Z</updated>");
        }
        if let Some(owner) = &page.meta.owner {
            let _ = writeln!(
                out,
                "    <author><name>{}</name></author>",
                xml_escape(owner)
            );
        } else {
            let _ = writeln!(
                out,
                "    <author><name>{}</name></author>",
                xml_escape(&config.title)
            );
        }
        if let Some(description) = page.meta.description.as_deref().filter(|d| !d.is_empty()) {
            let _ = writeln!(out, "    <summary>{}</summary>", xml_escape(description));
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

pub fn robots(site: &Site) -> String {
    if site.audience.internal {
        // The internal edition is for the team: ask crawlers to stay out.
        return "User-agent: *\nDisallow: /\n".into();
    }
    let sitemap = encode_url(&permalink(
        &site.config.base_url,
        &format!("{}sitemap.xml", site.base_path()),
    ));
    format!("User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n")
}

pub fn xml_escape(text: &str) -> String {
    // Every value a template prints goes through here, and most need nothing:
    // find the first byte that does with a table (a match on each byte cost
    // twice as much), then copy the runs between the few that need escaping.
    let bytes = text.as_bytes();
    let Some(first) = bytes.iter().position(|&b| XML_SPECIAL[usize::from(b)]) else {
        return text.to_owned();
    };
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(&text[..first]);
    let mut start = first;
    for (i, &b) in bytes.iter().enumerate().skip(first) {
        if !XML_SPECIAL[usize::from(b)] {
            continue;
        }
        out.push_str(&text[start..i]);
        out.push_str(xml_replacement(b));
        start = i + 1;
    }
    out.push_str(&text[start..]);
    out
}

/// What replaces a byte that [`XML_SPECIAL`] marks.
fn xml_replacement(b: u8) -> &'static str {
    match b {
        b'&' => "&amp;",
        b'<' => "&lt;",
        b'>' => "&gt;",
        b'"' => "&quot;",
        b'\'' => "&apos;",
        // Control characters are not allowed in XML 1.0.
        _ => "",
    }
}

/// The bytes [`xml_escape`] replaces: the five markup characters and the
/// control characters other than tab, newline and carriage return.
static XML_SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = !matches!(b as u8, b'\n' | b'\t' | b'\r');
        b += 1;
    }
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[b'"' as usize] = true;
    table[b'\'' as usize] = true;
    table
};

/// Percent-encodes what a URL in a sitemap or feed may not carry raw
/// (non-ASCII letters, spaces), leaving its structure alone.
pub fn encode_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for byte in url.bytes() {
        if byte.is_ascii_graphic() && byte != b'"' && byte != b'<' && byte != b'>' {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_encoded_for_xml() {
        assert_eq!(
            encode_url("https://x.org/tags/moderación/"),
            "https://x.org/tags/moderaci%C3%B3n/"
        );
        assert_eq!(xml_escape("a & b <c>"), "a &amp; b &lt;c&gt;");
    }

    /// The escaping as first written, one byte at a time: the table-driven
    /// [`xml_escape`] must give the same string for any text.
    fn xml_escape_by_match(text: &str) -> String {
        let mut out = String::new();
        for c in text.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&apos;"),
                c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
                c => out.push(c),
            }
        }
        out
    }

    #[test]
    fn escaping_keeps_plain_text_and_drops_control_characters() {
        for text in [
            "",
            "plain",
            "ñandú & <b>\"'</b>",
            "&",
            "tab\tnew\nline\rreturn",
            "bell\u{7}escape\u{1b}nul\u{0}end",
            "\u{85}\u{a0}\u{2028}😀",
        ] {
            assert_eq!(xml_escape(text), xml_escape_by_match(text), "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn escaping_matches_its_definition_on_any_text(text in "\\PC*|[\\x00-\\x7f]*") {
            proptest::prop_assert_eq!(xml_escape(&text), xml_escape_by_match(&text));
        }
    }
}
