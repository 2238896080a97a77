//! `broken-link`: internal links and anchors that resolve to nothing.
//!
//! Links are resolved once, site-wide, when the site loads (the renderer
//! needs the URLs anyway); this file gives the findings their place in the
//! catalogue.

use crate::check::{Bilingual, Rule};
use crate::diagnostic::Severity;

pub struct BrokenLink;

impl Rule for BrokenLink {
    fn id(&self) -> &'static str {
        "broken-link"
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
    }
    fn guidance(&self) -> bool {
        false
    }
    fn why(&self) -> Bilingual {
        Bilingual {
            es: "Un enlace roto deja a quien lee sin la guía que necesitaba, a menudo en mitad de un incidente.",
            en: "A broken link leaves the reader without the guidance they needed, often in the middle of an incident.",
        }
    }
    fn description(&self) -> Bilingual {
        Bilingual {
            es: "Enlaces internos y anclas que no llevan a ninguna página o sección.",
            en: "Internal links and anchors that lead to no page or section.",
        }
    }
}
