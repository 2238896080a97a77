//! The library's error type: failures that stop a whole stage.
//!
//! Problems with one page (bad front matter, a broken link) are not errors but
//! [`crate::Diagnostic`]s, so every page's problems are reported at once. An
//! `Error` is what leaves nothing sensible to continue with: an unreadable
//! configuration, a template that does not compile, an output folder that cannot
//! be written. Each message names the file and says what to do next.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}:{line}: {message}")]
    Config {
        path: PathBuf,
        line: usize,
        message: String,
    },

    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{0}")]
    Template(String),

    #[error("{0}")]
    Output(String),

    /// The build ran but found errors in the content; they were reported as
    /// diagnostics, and nothing was written.
    #[error("the build found {count} error(s); {output} was left as it was")]
    Content { count: usize, output: PathBuf },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
