//! The mapping text as miette reads it for a report: only the lines around
//! the diagnostic's labels. miette's own source types find a span by
//! scanning the text from its start, once per report, which made a file
//! with 20,000 warnings take minutes; here a [`LineIndex`] built once per
//! file cuts the window, miette reads the window, and line numbers and
//! offsets are moved back to the whole file's, so a report is the same as
//! one rendered from the whole text.

use crate::span::{LineIndex, Span};
use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// Context lines kept around the labels (miette shows one; a margin).
const CONTEXT: usize = 3;

/// The lines of a mapping around some labels.
#[derive(Debug)]
pub(super) struct Window {
    name: String,
    text: String,
    /// Byte offset of the window's start in the whole file.
    offset: usize,
    /// 0-based line of the window's start in the whole file.
    line: usize,
}

impl Window {
    /// The lines of `text` covering `spans`, with context around them.
    pub(super) fn around(
        name: &str,
        text: &str,
        index: &LineIndex,
        spans: impl IntoIterator<Item = Span>,
    ) -> Self {
        let (mut first, mut last) = (usize::MAX, 0);
        for span in spans {
            first = first.min(index.line_of(span.start));
            last = last.max(index.line_of(span.end.max(span.start)));
        }
        if first == usize::MAX {
            (first, last) = (0, 0);
        }
        let line = first.saturating_sub(CONTEXT);
        let end_line = (last + CONTEXT + 1).min(index.lines());
        let offset = index.line_start(line, text);
        let end = index.line_start(end_line, text).max(offset);
        Self {
            name: name.to_owned(),
            text: text.get(offset..end).unwrap_or_default().to_owned(),
            offset,
            line,
        }
    }
}

impl SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let start = span
            .offset()
            .checked_sub(self.offset)
            .ok_or(MietteError::OutOfBounds)?;
        let local = SourceSpan::new(start.into(), span.len());
        let contents =
            self.text
                .as_bytes()
                .read_span(&local, context_lines_before, context_lines_after)?;
        let whole = SourceSpan::new(
            (contents.span().offset() + self.offset).into(),
            contents.span().len(),
        );
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            whole,
            contents.line() + self.line,
            contents.column(),
            contents.line_count() + self.line,
        )))
    }
}
