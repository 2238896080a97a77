//! `explain-why`: (to be written by the rule's author — see src/check/rules/review_overdue.rs for the shape).

use crate::check::{Bilingual, PageCheck, Rule};

pub struct ExplainWhy;

impl Rule for ExplainWhy {
    fn id(&self) -> &'static str {
        "explain-why"
    }
    fn why(&self) -> Bilingual {
        Bilingual {
            es: "PENDING",
            en: "PENDING",
        }
    }
    fn description(&self) -> Bilingual {
        Bilingual {
            es: "PENDING",
            en: "PENDING",
        }
    }
    fn check_page(&self, _check: &mut PageCheck<'_>) {}
}
