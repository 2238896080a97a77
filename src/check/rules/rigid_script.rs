//! `rigid-script`: (to be written by the rule's author — see src/check/rules/review_overdue.rs for the shape).

use crate::check::{Bilingual, PageCheck, Rule};

pub struct RigidScript;

impl Rule for RigidScript {
    fn id(&self) -> &'static str {
        "rigid-script"
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
