//! Dead letters: a failed record, with everything needed to fix and replay
//! it (record number, line, code, JSON path, mapping line, the input).

use crate::format::Record;
use runtime::RuntimeError;
use std::io::{self, Write};

/// A record's dead letter, as one JSON object.
pub fn dead_letter(record: &Record<'_>, error: &RuntimeError) -> serde_json::Value {
    let text = String::from_utf8_lossy(record.bytes);
    serde_json::json!({
        "record": record.number,
        "line": record.line,
        "code": error.code.as_str(),
        "path": error.path,
        "mapping": error.location.as_ref().map(ToString::to_string),
        "message": error.message,
        "input": text.trim_end_matches(['\n', '\r']),
    })
}

/// Report a failed record: one line on `errors`, and a dead letter when
/// dead letters are written.
pub fn report_failure(
    errors: &mut (dyn Write + '_),
    dead_letters: Option<&mut (dyn Write + '_)>,
    record: &Record<'_>,
    error: &RuntimeError,
) -> io::Result<()> {
    writeln!(
        errors,
        "record {} (line {}): {error}",
        record.number, record.line
    )?;
    if let Some(dead) = dead_letters {
        writeln!(dead, "{}", dead_letter(record, error))?;
    }
    Ok(())
}
