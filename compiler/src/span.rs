//! Byte-range spans into a mapping file, and line/column lookup.

/// A byte range `start..end` in one mapping file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// `start..end`.
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// Number of bytes covered.
    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span covers nothing.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

/// Where each line of a text starts, so that a line/column lookup costs a
/// binary search instead of a scan of everything before it.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    /// Byte offset of the start of every line (the first is 0).
    starts: Vec<usize>,
}

impl LineIndex {
    /// The index of `text`.
    pub fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self { starts }
    }

    /// 0-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|s| *s <= offset)
            .saturating_sub(1)
    }

    /// Byte offset where 0-based `line` starts (the text's end past the
    /// last line).
    pub fn line_start(&self, line: usize, text: &str) -> usize {
        self.starts.get(line).copied().unwrap_or(text.len())
    }

    /// Number of lines.
    pub fn lines(&self) -> usize {
        self.starts.len()
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let start = self.line_start(line, text);
        let column = text.get(start..offset).map_or(0, |l| l.chars().count()) + 1;
        (
            u32::try_from(line + 1).unwrap_or(u32::MAX),
            u32::try_from(column).unwrap_or(u32::MAX),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        let text = "ab\ncdé\nf";
        let index = LineIndex::new(text);
        let line_col = |offset| index.line_col(text, offset);
        assert_eq!(line_col(0), (1, 1));
        assert_eq!(line_col(4), (2, 2));
        assert_eq!(line_col(7), (2, 4)); // after the two-byte é
        assert_eq!(line_col(8), (3, 1));
        assert_eq!(line_col(3), (2, 1)); // just after the newline
        assert_eq!(line_col(2), (1, 3)); // the newline itself
        assert_eq!(line_col(99), (3, 2)); // past the end: the end
    }
}
