//! `unsafe-content`: a knowledge base is read by members and moderators who
//! trust it. Raw `<script>` (or an `onclick=`-style handler) pasted into a
//! page, and `javascript:` links, run code in their browsers.
//!
//! Dangerous links are neutralised when links are resolved (they point
//! nowhere in the output) and reported there; raw scripts follow
//! `[markdown] scripts` in site.toml: `finding` (kept, reported here),
//! `escape` (shown as text) or `allow`.

use crate::check::{Bilingual, PageCheck, Rule};
use crate::config::ScriptPolicy;

pub struct UnsafeContent;

impl Rule for UnsafeContent {
    fn id(&self) -> &'static str {
        "unsafe-content"
    }
    fn guidance(&self) -> bool {
        false
    }
    fn why(&self) -> Bilingual {
        Bilingual {
            es: "Quien lee la base de conocimiento confía en ella: un script pegado en una página se ejecuta en su navegador.",
            en: "Readers trust the knowledge base: a script pasted into a page runs in their browser.",
        }
    }
    fn description(&self) -> Bilingual {
        Bilingual {
            es: "Scripts, manejadores de eventos y enlaces javascript: en el contenido.",
            en: "Scripts, event handlers and javascript: links in content.",
        }
    }
    fn check_page(&self, check: &mut PageCheck<'_>) {
        if check.site.config.markdown.scripts != ScriptPolicy::Finding {
            return;
        }
        for &offset in &check.page.doc.scripts {
            let width = check.page.source.text[offset..]
                .lines()
                .next()
                .map(|l| l.chars().count())
                .unwrap_or(1);
            check.at_offset(
                offset,
                width,
                check.lang.pick(
                    "HTML que ejecuta código (`<script>` o un manejador `on…=`) en el contenido".to_string(),
                    "HTML that runs code (`<script>` or an `on…=` handler) in the content".to_string(),
                ),
                check.lang.pick(
                    "quítalo; si de verdad hace falta, pon `[markdown] scripts = \"allow\"` en site.toml, o `\"escape\"` para mostrarlo como texto",
                    "remove it; if it is really needed, set `[markdown] scripts = \"allow\"` in site.toml, or `\"escape\"` to show it as text",
                )
                .to_string(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::rules::tests::{check, check_with, page};

    #[test]
    fn raw_scripts_are_findings_by_default_and_not_when_escaped_or_allowed() {
        let p = page("en", "", "", "Text.\n\n<script>alert(1)</script>\n");
        let found = check("unsafe-content", &[("a.md", &p)]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].line, 9);
        assert!(check_with(
            "unsafe-content",
            "[markdown]\nscripts = \"escape\"\n",
            &[("a.md", &p)]
        )
        .is_empty());
        assert!(check_with(
            "unsafe-content",
            "[markdown]\nscripts = \"allow\"\n",
            &[("a.md", &p)]
        )
        .is_empty());
    }

    #[test]
    fn javascript_links_are_reported_in_the_page_language() {
        let p = page("es", "", "", "Pulsa [aquí](javascript:alert(1)).\n");
        let found = check("unsafe-content", &[("a.md", &p)]);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("se ha desactivado"));
    }

    #[test]
    fn ordinary_html_is_not_a_finding() {
        let p = page(
            "en",
            "",
            "",
            "<details><summary>More</summary>\n\nText.\n\n</details>\n",
        );
        assert!(check("unsafe-content", &[("a.md", &p)]).is_empty());
    }
}
