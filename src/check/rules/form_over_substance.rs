//! `form-over-substance`: (to be written by the rule's author — see src/check/rules/review_overdue.rs for the shape).

use crate::check::{Bilingual, PageCheck, Rule};

pub struct FormOverSubstance;

impl Rule for FormOverSubstance {
    fn id(&self) -> &'static str {
        "form-over-substance"
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
