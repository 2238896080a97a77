//! A file's text with a line index, so any byte offset becomes `line:column`.

use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Source {
    /// Relative to the site root, `/`-separated: what messages show.
    pub path: PathBuf,
    /// The file's text, with a UTF-8 BOM removed.
    pub text: String,
    line_starts: Vec<usize>,
}

impl Source {
    pub fn new(path: PathBuf, text: String) -> Source {
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        };
        let mut line_starts = vec![0];
        // memchr's search reads many bytes a step; `match_indices` one.
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Source {
            path,
            text,
            line_starts,
        }
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let start = self.line_starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0)
            + 1;
        (line, column)
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        if line == 0 || line > self.line_starts.len() {
            return "";
        }
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// Drops the text (see [`crate::content::Site::release_checked`]). What
    /// asks for a line afterwards gets line 1 and an empty line, never a panic.
    pub fn release(&mut self) {
        self.text = String::new();
        self.line_starts = vec![0];
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns() {
        let s = Source::new("a.md".into(), "ab\r\ncañón x\n".into());
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(4), (2, 1));
        assert_eq!(s.line_col("ab\r\ncañón ".len()), (2, 7));
        assert_eq!(s.line_text(2), "cañón x");
        assert_eq!(s.line_text(9), "");
    }

    #[test]
    fn a_released_source_answers_without_panicking() {
        let mut s = Source::new("a.md".into(), "ab\ncd\nef\n".into());
        s.release();
        assert_eq!(s.line_col(7), (1, 1));
        assert_eq!(s.line_text(3), "");
        assert_eq!(s.path, std::path::Path::new("a.md"));
    }

    #[test]
    fn a_bom_is_dropped() {
        let s = Source::new("a.md".into(), "\u{feff}+++".into());
        assert_eq!(s.text, "+++");
    }
}
