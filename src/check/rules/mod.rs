//! The rule catalogue: one file per rule. Adding a rule is adding a file
//! and a line to [`all`].

use super::{PageCheck, Rule};

mod always_on;
mod broken_link;
mod business_over_community;
mod confidential_leak;
mod explain_why;
mod form_over_substance;
mod frontmatter_schema;
mod member_protection;
pub mod personal_data;
mod review_overdue;
mod rigid_script;
mod translation_parity;
mod unsafe_content;

/// Which rule reports a missing required section: the one whose principle
/// the section serves. Sections not listed here are `frontmatter-schema`'s.
pub const SECTION_OWNERS: &[(&str, &str)] = &[
    ("when-to-adapt", "rigid-script"),
    ("escalation", "rigid-script"),
    ("why", "explain-why"),
    ("consequences", "explain-why"),
    ("appeals", "explain-why"),
    ("handover", "always-on"),
    ("rotation", "always-on"),
];

/// The sections the page's type requires that `rule` reports when missing.
pub fn owned_required_sections<'a>(check: &PageCheck<'a>, rule: &str) -> Vec<&'a str> {
    let Some(spec) = check.spec else {
        return Vec::new();
    };
    spec.sections
        .iter()
        .filter(|s| {
            SECTION_OWNERS
                .iter()
                .any(|(id, owner)| id == s && *owner == rule)
        })
        .map(String::as_str)
        .collect()
}

/// The word lists rules ask of every whole page, read in one pass over it
/// ([`crate::check::text::PageText`]).
pub fn page_lists() -> Vec<&'static [&'static str]> {
    vec![
        &form_over_substance::ALL_PHRASES,
        always_on::PROMISES,
        &business_over_community::KEYWORDS.0,
    ]
}

/// Every rule, in catalogue order.
pub fn all() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(frontmatter_schema::FrontmatterSchema),
        Box::new(form_over_substance::FormOverSubstance),
        Box::new(business_over_community::BusinessOverCommunity),
        Box::new(rigid_script::RigidScript),
        Box::new(member_protection::MemberProtection),
        Box::new(confidential_leak::ConfidentialLeak),
        Box::new(personal_data::PersonalData),
        Box::new(explain_why::ExplainWhy),
        Box::new(always_on::AlwaysOn),
        Box::new(review_overdue::ReviewOverdue),
        Box::new(broken_link::BrokenLink),
        Box::new(translation_parity::TranslationParity),
        Box::new(unsafe_content::UnsafeContent),
    ]
}

#[cfg(test)]
pub(crate) mod tests {
    //! Helpers for rule tests: a site in a temp folder, checked, and the
    //! findings of one rule.

    use crate::check::Checker;
    use crate::content::{self, Audience, LoadOptions, Site};
    use crate::{Config, Diagnostic};

    /// A page with front matter: `title`, `type` (unless empty), `lang` and
    /// `owner` on lines 2–5, then `extra` from line 6, then the body.
    pub fn page(lang: &str, kind: &str, extra: &str, body: &str) -> String {
        let kind = if kind.is_empty() {
            "draft = false".to_string()
        } else {
            format!("type = \"{kind}\"")
        };
        let extra = if extra.is_empty() {
            String::new()
        } else {
            format!("{extra}\n")
        };
        format!("+++\ntitle = \"T\"\n{kind}\nlang = \"{lang}\"\nowner = \"equipo\"\n{extra}+++\n{body}\n")
    }

    /// Checks a site made of `files` (paths under `content/`) with an optional
    /// `site.toml`, and returns the findings of `rule`.
    pub fn check_with(rule: &str, site_toml: &str, files: &[(&str, &str)]) -> Vec<Diagnostic> {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("site.toml"), site_toml).expect("site.toml");
        for (path, text) in files {
            let full = dir.path().join("content").join(path);
            std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
            std::fs::write(full, text).expect("write");
        }
        let (checker, mut site) = load(dir.path());
        checker
            .run(&mut site)
            .into_iter()
            .filter(|d| d.rule == rule)
            .collect()
    }

    /// The site in `root`, every page included, as `cmkb check` sees it on
    /// 2026-11-25, and a checker configured by its `site.toml`.
    pub fn load(root: &std::path::Path) -> (Checker, Site) {
        let config = Config::load(root).expect("config");
        let checker = Checker::new(&config).expect("checker");
        let site = content::load(
            root,
            config,
            LoadOptions {
                audience: Audience {
                    internal: true,
                    drafts: true,
                },
                today: jiff::civil::date(2026, 11, 25),
                output_dir: None,
                static_files: Default::default(),
                html: true,
            },
        )
        .expect("load");
        (checker, site)
    }

    pub fn check(rule: &str, files: &[(&str, &str)]) -> Vec<Diagnostic> {
        check_with(rule, "", files)
    }
}
