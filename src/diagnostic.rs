//! Findings about the content: a rule id, a severity, the file, line and
//! column, what is wrong and what to do.
//!
//! A diagnostic carries the offending source line with it, so reporters need
//! no access to the files, and a rule that masks personal data masks the
//! snippet too: nothing downstream can echo what the rule hid.

use std::fmt::Write as _;
use std::path::PathBuf;

use rayon::slice::ParallelSliceMut;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    /// Parses a `site.toml` severity; `Some(None)` is `"off"`.
    pub fn parse_setting(s: &str) -> Option<Option<Severity>> {
        match s {
            "error" => Some(Some(Severity::Error)),
            "warning" => Some(Some(Severity::Warning)),
            "note" => Some(Some(Severity::Note)),
            "off" => Some(None),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub rule: String,
    pub severity: Severity,
    /// Relative to the site root, with `/` separators.
    pub path: PathBuf,
    /// 1-based; 0 when the finding is about the whole file.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
    /// Why it matters: the principle behind the rule, in one sentence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(skip)]
    pub snippet: Option<Snippet>,
}

/// The source line a diagnostic points at, and the span to underline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    pub text: String,
    /// 1-based column of the first underlined character.
    pub column: usize,
    /// How many characters to underline (at least one caret is drawn).
    pub width: usize,
}

impl Diagnostic {
    pub fn new(
        rule: &str,
        severity: Severity,
        path: impl Into<PathBuf>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            rule: rule.to_string(),
            severity,
            path: path.into(),
            line: 0,
            column: 0,
            message: message.into(),
            why: None,
            help: None,
            snippet: None,
        }
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn snippet(mut self, text: &str, width: usize) -> Self {
        self.snippet = Some(Snippet {
            text: text.trim_end_matches(['\r', '\n']).to_string(),
            column: self.column.max(1),
            width: width.max(1),
        });
        self
    }

    /// `path:line:column`, as editors and terminals link it.
    pub fn location(&self) -> String {
        let path = self.path.to_string_lossy().replace('\\', "/");
        match (self.line, self.column) {
            (0, _) => path,
            (line, 0) => format!("{path}:{line}"),
            (line, column) => format!("{path}:{line}:{column}"),
        }
    }

    /// A rustc-like rendering: the headline, the location, the source line with
    /// a caret under the problem, and the help.
    pub fn render_human(&self, colour: bool) -> String {
        let paint = |code: &str, text: &str| {
            if colour {
                format!("\x1b[{code}m{text}\x1b[0m")
            } else {
                text.to_string()
            }
        };
        let level = match self.severity {
            Severity::Error => paint("1;31", "error"),
            Severity::Warning => paint("1;33", "warning"),
            Severity::Note => paint("1;36", "note"),
        };
        let mut out = String::new();
        let _ = writeln!(out, "{level}[{}]: {}", self.rule, paint("1", &self.message));
        let gutter = if self.line > 0 {
            self.line.to_string().len()
        } else {
            1
        };
        let pad = " ".repeat(gutter);
        let _ = writeln!(out, "{pad}{} {}", paint("1;34", "-->"), self.location());
        if let Some(snippet) = &self.snippet {
            let bar = paint("1;34", "|");
            let line_no = paint("1;34", &self.line.to_string());
            let text = snippet.text.replace('\t', "    ");
            let _ = writeln!(out, "{pad} {bar}");
            let _ = writeln!(out, "{line_no} {bar} {text}");
            let lead: String = snippet
                .text
                .chars()
                .take(snippet.column.saturating_sub(1))
                .map(|c| if c == '\t' { "    " } else { " " })
                .collect();
            let carets = "^".repeat(snippet.width.min(120));
            let _ = writeln!(out, "{pad} {bar} {lead}{}", paint("1;31", &carets));
        }
        if let Some(why) = &self.why {
            let _ = writeln!(out, "{pad} = {}: {why}", paint("1", "why"));
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "{pad} = {}: {help}", paint("1", "help"));
        }
        out
    }
}

/// Orders diagnostics the way a reader scans them: by file, then line.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    // Stable, as the serial sort was (a large site's findings took a
    // twentieth of the checks sorted on one thread).
    diagnostics.par_sort_by(|a, b| {
        (&a.path, a.line, a.column, &a.rule, &a.message)
            .cmp(&(&b.path, b.line, b.column, &b.rule, &b.message))
    });
}

pub fn count(diagnostics: &[Diagnostic], severity: Severity) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.severity == severity)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_output_points_at_the_column() {
        let d = Diagnostic::new(
            "broken-link",
            Severity::Error,
            "content/a.md",
            "no such page",
        )
        .at(3, 5)
        .snippet("See [x](y.md).", 4)
        .help("fix the path");
        let text = d.render_human(false);
        assert!(
            text.starts_with("error[broken-link]: no such page\n"),
            "{text}"
        );
        assert!(text.contains("--> content/a.md:3:5"), "{text}");
        assert!(text.contains("3 | See [x](y.md)."), "{text}");
        assert!(text.contains("  |     ^^^^\n"), "{text}");
        assert!(text.contains("= help: fix the path"), "{text}");
    }
}
