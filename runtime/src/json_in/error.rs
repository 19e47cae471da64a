//! Why a record could not be read: R101 (not JSON) or R102 (not of the
//! source schema's shape), with the JSON path collected while unwinding.

use crate::error::{ErrorCode, RuntimeError};

/// Why a record could not be read, and where.
#[derive(Debug)]
pub struct ReadError(Box<Failure>);

#[derive(Debug)]
struct Failure {
    /// Broken JSON (R101) or JSON of the wrong shape (R102).
    syntax: bool,
    message: String,
    /// Byte offset in the record.
    pos: usize,
    /// JSON path, innermost segment first (pushed while unwinding).
    path: Vec<Segment>,
}

#[derive(Debug)]
enum Segment {
    Key(String),
    Index(usize),
}

impl ReadError {
    pub(super) fn new(syntax: bool, pos: usize, message: String) -> Self {
        Self(Box::new(Failure {
            syntax,
            message,
            pos,
            path: Vec::new(),
        }))
    }

    pub(super) fn under_key(mut self, key: &[u8]) -> Self {
        let key = String::from_utf8_lossy(key).into_owned();
        self.0.path.push(Segment::Key(key));
        self
    }

    pub(super) fn under_index(mut self, index: usize) -> Self {
        self.0.path.push(Segment::Index(index));
        self
    }

    /// Whether the record is not JSON at all (rather than JSON of the wrong
    /// shape).
    pub fn is_syntax(&self) -> bool {
        self.0.syntax
    }

    /// The JSON path of the failure, `$.a[0].b`.
    pub fn path(&self) -> String {
        let mut text = String::from("$");
        for segment in self.0.path.iter().rev() {
            match segment {
                Segment::Key(key) => {
                    text.push('.');
                    text.push_str(key);
                }
                Segment::Index(i) => text.push_str(&format!("[{i}]")),
            }
        }
        text
    }

    /// The runtime error for this failure in `input` (the record it was read
    /// from): R101 at `$` for broken JSON, R102 at the offending value's path
    /// for a shape the source schema does not allow.
    pub fn into_runtime(self, input: &[u8]) -> RuntimeError {
        let (line, column) = line_column(input, self.0.pos);
        let reason = format!("{} at line {line} column {column}", self.0.message);
        if self.0.syntax {
            RuntimeError::payload(
                ErrorCode::InvalidJson,
                "$",
                format!("the record is not valid JSON: {reason}"),
            )
        } else {
            RuntimeError::payload(
                ErrorCode::SchemaMismatch,
                self.path(),
                format!("the record does not match the source schema: {reason}"),
            )
        }
    }
}

/// 1-based line and byte column of `pos` in `input`.
fn line_column(input: &[u8], pos: usize) -> (usize, usize) {
    let before = input.get(..pos).unwrap_or(input);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    (line, pos.saturating_sub(line_start) + 1)
}
