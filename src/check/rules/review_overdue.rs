//! `review-overdue`: guidance must stay true. A page whose `review_by` (or
//! `reviewed` plus `review_every`) is past is flagged; the date is
//! `--today` or `SOURCE_DATE_EPOCH`, so the result is reproducible.

use crate::check::{Bilingual, PageCheck, Rule};

pub struct ReviewOverdue;

/// Days of slack after the due date before the finding fires. Zero by
/// default: the owner chose the date.
const GRACE_DAYS: f64 = 0.0;

impl Rule for ReviewOverdue {
    fn id(&self) -> &'static str {
        "review-overdue"
    }
    fn why(&self) -> Bilingual {
        Bilingual {
            es: "La guía envejece: una página sin revisar puede mandar a alguien a un canal que ya no existe o aplicar una norma que cambió.",
            en: "Guidance ages: an unreviewed page may send someone to a channel that no longer exists or apply a rule that has changed.",
        }
    }
    fn description(&self) -> Bilingual {
        Bilingual {
            es: "Páginas cuya fecha de revisión (`review_by`, o `reviewed` + `review_every`) ya pasó.",
            en: "Pages whose review date (`review_by`, or `reviewed` + `review_every`) has passed.",
        }
    }
    fn settings(&self) -> &'static [&'static str] {
        &["grace_days"]
    }
    fn check_page(&self, check: &mut PageCheck<'_>) {
        let page = check.page;
        if page.is_section_index {
            return;
        }
        let Some(due) = page.review_due(&check.site.config) else {
            return;
        };
        let today = check.site.today;
        let Ok(span) = today.since(due) else {
            return;
        };
        let late = span.get_days() as f64;
        if late <= check.settings.number("grace_days", GRACE_DAYS) {
            return;
        }
        let key = if page.meta.review_by.is_some() {
            "review_by"
        } else {
            "reviewed"
        };
        let owner = page
            .meta
            .owner
            .clone()
            .unwrap_or_else(|| check.lang.pick("su responsable", "its owner").to_string());
        check.at_key(
            key,
            check.lang.pick(
                format!("la revisión venció el {due} (hace {late} días)"),
                format!("the review was due on {due} ({late} days ago)"),
            ),
            check.lang.pick(
                format!("que {owner} relea la página, la corrija si hace falta y actualice `reviewed` y `review_by`"),
                format!("have {owner} reread the page, fix what changed, and update `reviewed` and `review_by`"),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::rules::tests::{check, page};

    #[test]
    fn fires_in_both_languages_at_the_review_by_line() {
        let es = check(
            "review-overdue",
            &[(
                "a.md",
                &page(
                    "es",
                    "guide",
                    "reviewed = 2025-01-01\nreview_by = 2025-06-01",
                    "Texto.",
                ),
            )],
        );
        assert_eq!(es.len(), 1);
        assert_eq!(es[0].line, 7);
        assert!(
            es[0].message.contains("la revisión venció el 2025-06-01"),
            "{}",
            es[0].message
        );
        let en = check(
            "review-overdue",
            &[(
                "a.md",
                &page(
                    "en",
                    "guide",
                    "reviewed = 2025-01-01\nreview_by = 2025-06-01",
                    "Text.",
                ),
            )],
        );
        assert!(en[0].message.contains("was due on 2025-06-01"));
    }

    #[test]
    fn review_every_counts_from_reviewed() {
        let found = check(
            "review-overdue",
            &[(
                "a.md",
                &page(
                    "en",
                    "guide",
                    "reviewed = 2026-01-01\nreview_every = \"P3M\"",
                    "Text.",
                ),
            )],
        );
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("2026-04-01"));
    }

    #[test]
    fn near_misses_do_not_fire() {
        let due_today = check(
            "review-overdue",
            &[(
                "a.md",
                &page(
                    "en",
                    "guide",
                    "reviewed = 2026-06-01\nreview_by = 2026-11-25",
                    "Text.",
                ),
            )],
        );
        assert!(due_today.is_empty());
        let no_dates = check(
            "review-overdue",
            &[("a.md", &page("es", "guide", "", "Texto."))],
        );
        assert!(no_dates.is_empty());
    }
}
