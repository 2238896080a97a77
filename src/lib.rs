//! cmkb — the community-management knowledge base.
//!
//! The library is the whole pipeline; `main.rs` is a thin command line over it.
//! Each stage takes plain data and returns plain data, so `build`, `check` and
//! `serve` are the same stages composed differently:
//!
//! ```text
//! load (content) ──► Site ──► check ──► Vec<Diagnostic>
//!                       └───► render ──► Output ──► write (atomic)
//! ```
//!
//! The one idea the speed and the simplicity rest on: every Markdown file is
//! read and parsed once, in parallel, into a [`content::Page`] whose
//! [`markdown::Document`] carries everything later stages need (HTML with link
//! slots, headings, links, text blocks with positions).

pub mod build;
pub mod bytes;
pub mod check;
pub mod config;
pub mod content;
pub mod diagnostic;
pub mod error;
pub mod markdown;
pub mod memory;
pub mod output;
pub mod progress;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod slug;
pub mod theme;

pub use build::{build, BuildOptions, BuildReport};
pub use config::Config;
pub use diagnostic::{Diagnostic, Severity};
pub use error::Error;
