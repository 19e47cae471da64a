//! Dead letters: a failed record, with everything needed to fix and replay
//! it (record number, line, code, the mapping's reason code when it
//! rejected the record, JSON path, mapping line, the input and which form
//! it is in: a record cut from its payload or the payload as framed). The
//! input is kept exactly: as text when it is UTF-8 (`input`), else as
//! base64 of its bytes (`input_base64`), never repaired; only a payload
//! larger than the record limit is not kept (form `omitted`).

use crate::envelope::Cut;
use crate::format::Record;
use base64::prelude::{Engine as _, BASE64_STANDARD};
use runtime::RuntimeError;
use std::io::{self, Write};

/// A record's dead letter, as one JSON object.
pub fn dead_letter(record: &Record<'_>, cut: &Cut, error: &RuntimeError) -> serde_json::Value {
    let mut letter = serde_json::json!({
        "record": record.number,
        "line": record.line,
        "code": error.code.as_str(),
        "path": error.path,
        "mapping": error.location.as_ref().map(ToString::to_string),
        "message": error.message,
        "form": cut.as_str(),
    });
    if let (Cut::Record(at), Some(fields)) = (cut, letter.as_object_mut()) {
        fields.insert("at".to_owned(), serde_json::Value::String(at.clone()));
    }
    if let (Some(reason), Some(fields)) = (&error.reason, letter.as_object_mut()) {
        fields.insert(
            "reason".to_owned(),
            serde_json::Value::String(reason.clone()),
        );
    }
    if *cut == Cut::Omitted {
        return letter;
    }
    let bytes = record.bytes;
    let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    let (key, input) = match std::str::from_utf8(bytes) {
        Ok(text) => ("input", text.to_owned()),
        Err(_) => ("input_base64", BASE64_STANDARD.encode(bytes)),
    };
    if let Some(fields) = letter.as_object_mut() {
        fields.insert(key.to_owned(), serde_json::Value::String(input));
    }
    letter
}

/// The form of a dead letter's input. Letters written before the form was
/// recorded say it by their failure: the whole payload failed when no
/// record was cut from it (R101 broken JSON, R114 not UTF-8, or a failure
/// at the root `$`).
pub fn form_of(letter: &serde_json::Value) -> Cut {
    match letter.get("form").and_then(|v| v.as_str()) {
        Some("record") => Cut::Record(
            letter
                .get("at")
                .and_then(|v| v.as_str())
                .unwrap_or("$")
                .to_owned(),
        ),
        Some("payload") => Cut::Payload,
        Some("undecoded") => Cut::Undecoded,
        Some("omitted") => Cut::Omitted,
        _ => {
            let code = letter.get("code").and_then(|v| v.as_str());
            let path = letter.get("path").and_then(|v| v.as_str());
            if matches!(code, Some("R101" | "R114")) || path == Some("$") {
                Cut::Payload
            } else {
                Cut::Record("$".to_owned())
            }
        }
    }
}

/// The input a dead letter holds, as its bytes (`input` or
/// `input_base64`); `None` when it holds neither.
pub fn input_of(letter: &serde_json::Value) -> Option<Vec<u8>> {
    if let Some(text) = letter.get("input").and_then(|v| v.as_str()) {
        return Some(text.as_bytes().to_vec());
    }
    let encoded = letter.get("input_base64")?.as_str()?;
    BASE64_STANDARD.decode(encoded).ok()
}

/// Report a failed record: one line on `errors`, and a dead letter when
/// dead letters are written.
pub fn report_failure(
    errors: &mut (dyn Write + '_),
    dead_letters: Option<&mut (dyn Write + '_)>,
    record: &Record<'_>,
    cut: &Cut,
    error: &RuntimeError,
) -> io::Result<()> {
    writeln!(
        errors,
        "record {} (line {}): {error}",
        record.number, record.line
    )?;
    if let Some(dead) = dead_letters {
        writeln!(dead, "{}", dead_letter(record, cut, error))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use runtime::ErrorCode;

    #[test]
    fn the_input_is_kept_byte_for_byte() {
        let error = RuntimeError::payload(ErrorCode::InvalidJson, "$", "bad");
        for bytes in [
            &b"{\"a\": \"\xff\tb\"}\n"[..],
            b"caf\xc3\xa9\r\n",
            b"\xfe\xff",
        ] {
            let letter = dead_letter(&Record::json(1, 1, bytes), &Cut::Payload, &error);
            let kept = input_of(&letter).expect("an input");
            let line = bytes.strip_suffix(b"\n").unwrap_or(bytes);
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            assert_eq!(kept, line, "{letter}");
        }
        let text = dead_letter(&Record::json(1, 1, b"plain"), &Cut::Payload, &error);
        assert_eq!(text["input"], "plain");
        assert!(text.get("input_base64").is_none());
    }

    #[test]
    fn a_rejected_record_carries_the_mappings_reason_code() {
        let location = runtime::Location::fixed("m.map", 3, 1);
        let error = runtime::Fault::rejected("not_a_tracker", "a batch event")
            .at(|| "$.object".to_owned(), &location);
        let letter = dead_letter(
            &Record::json(4, 7, b"{}"),
            &Cut::Record("$.trackers[3]".to_owned()),
            &error,
        );
        let expected = serde_json::json!({
            "record": 4,
            "line": 7,
            "code": "R116",
            "path": "$.object",
            "mapping": "m.map:3:1",
            "message": "a batch event",
            "reason": "not_a_tracker",
            "form": "record",
            "at": "$.trackers[3]",
            "input": "{}",
        });
        assert_eq!(letter, expected);
        let plain = RuntimeError::payload(ErrorCode::InvalidJson, "$", "bad");
        assert!(
            dead_letter(&Record::json(1, 1, b"x"), &Cut::Payload, &plain)
                .get("reason")
                .is_none()
        );
    }
}
