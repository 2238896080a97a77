//! `confidential-leak`: protect members' information. A public page that
//! links to an internal page (by its Markdown file, `@/` path or URL, anchors
//! included) or uses a file from an internal section would publish the path —
//! and often the title — of what the team keeps to itself.
//!
//! Links are resolved once, site-wide, when the site loads; that is where
//! these findings are made (and where the link is emptied, so even a build
//! that lowers this rule to a warning publishes no trace of the target).
//! This file gives them their place in the catalogue.

use crate::check::{Bilingual, Rule};
use crate::diagnostic::Severity;

pub struct ConfidentialLeak;

impl Rule for ConfidentialLeak {
    fn id(&self) -> &'static str {
        "confidential-leak"
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
    }
    fn guidance(&self) -> bool {
        false
    }
    fn why(&self) -> Bilingual {
        Bilingual {
            es: "Lo interno se queda dentro: un enlace público a una página interna revela qué guardamos y dónde, aunque la página no se publique.",
            en: "What is internal stays inside: a public link to an internal page reveals what we keep and where, even if the page itself is not published.",
        }
    }
    fn description(&self) -> Bilingual {
        Bilingual {
            es: "Páginas públicas que enlazan páginas internas o usan archivos de secciones internas.",
            en: "Public pages that link to internal pages or use files from internal sections.",
        }
    }
}
