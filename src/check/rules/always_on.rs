//! `always-on`: (to be written by the rule's author — see src/check/rules/review_overdue.rs for the shape).

use crate::check::{Bilingual, PageCheck, Rule};

pub struct AlwaysOn;

impl Rule for AlwaysOn {
    fn id(&self) -> &'static str {
        "always-on"
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
