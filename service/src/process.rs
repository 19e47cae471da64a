//! One delivered payload (a webhook body, a stream message) through a
//! mapping: the host's run over the payload as one document, its canonical
//! records as NDJSON and its dead letters, each letter carrying the
//! delivery's correlation id.

use crate::sink::Item;
use base64::prelude::{Engine as _, BASE64_STANDARD};
use bytes::Bytes;
use host::envelope::Tally;
use host::{Envelope, Sinks};
use runtime::{CompiledMapping, ErrorCode, JsonFraming, SourceFormat};
use std::io;

/// What became of one payload.
#[derive(Debug, Default)]
pub struct Processed {
    /// Canonical records, one JSON object per line.
    pub records: Vec<u8>,
    /// One dead letter per failed record, in the order they failed.
    pub letters: Vec<serde_json::Value>,
    /// The records the payload held and their fate.
    pub tally: Tally,
    /// Failures by code (`R116 incomplete_order` for a rejection).
    pub failures: std::collections::BTreeMap<String, u64>,
}

impl Processed {
    /// Whether the payload itself could not be read (broken JSON or XML,
    /// not UTF-8): the sender's fault, not the mapping's.
    pub fn malformed(&self) -> bool {
        self.tally.records <= 1
            && self.letters.iter().any(|letter| {
                letter.get("form").and_then(|f| f.as_str()) != Some("record")
                    && matches!(
                        letter.get("code").and_then(|c| c.as_str()),
                        Some(c) if c == ErrorCode::InvalidJson.as_str()
                            || c == ErrorCode::InvalidXml.as_str()
                    )
            })
    }

    /// A payload refused before the mapping saw it (past a limit): one
    /// dead letter of the whole payload, with the limit's code.
    pub fn refused(code: &str, message: String, payload: &[u8], correlation_id: &str) -> Self {
        let mut letter = serde_json::json!({
            "record": 1,
            "line": 1,
            "code": code,
            "path": "$",
            "mapping": null,
            "message": message,
            "form": "payload",
            "correlation_id": correlation_id,
        });
        let (key, input) = match std::str::from_utf8(payload) {
            Ok(text) => ("input", text.to_owned()),
            Err(_) => ("input_base64", BASE64_STANDARD.encode(payload)),
        };
        if let Some(fields) = letter.as_object_mut() {
            fields.insert(key.to_owned(), serde_json::Value::String(input));
        }
        let mut failures = std::collections::BTreeMap::new();
        failures.insert(code.to_owned(), 1);
        Processed {
            records: Vec::new(),
            letters: vec![letter],
            tally: Tally {
                records: 1,
                ..Tally::default()
            },
            failures,
        }
    }

    /// The canonical records to publish: each with its idempotency key as
    /// its de-duplication key.
    pub fn record_items(&self, correlation_id: &str) -> Vec<Item> {
        self.records
            .split(|b| *b == b'\n')
            .filter(|line| !line.is_empty())
            .map(|line| Item {
                line: Bytes::copy_from_slice(line),
                key: idempotency_key(line),
                correlation_id: Some(correlation_id.to_owned()),
            })
            .collect()
    }

    /// The dead letters to publish; with an `origin` (the delivery's
    /// stable name), each keyed `dead-letter:<origin>:<n>`.
    pub fn letter_items(&self, origin: Option<&str>, correlation_id: &str) -> Vec<Item> {
        self.letters
            .iter()
            .enumerate()
            .map(|(n, letter)| Item {
                line: Bytes::from(letter.to_string()),
                key: origin.map(|origin| format!("dead-letter:{origin}:{n}")),
                correlation_id: Some(correlation_id.to_owned()),
            })
            .collect()
    }
}

/// The `idempotency_key` of a canonical record (JSON text).
pub fn idempotency_key(record: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Keyed {
        idempotency_key: Option<String>,
    }
    serde_json::from_slice::<Keyed>(record)
        .ok()
        .and_then(|keyed| keyed.idempotency_key)
}

/// The framing of one delivered payload: a JSON mapping's payload is one
/// document (never NDJSON); other formats as the mapping reads them.
fn delivered_format(format: SourceFormat) -> SourceFormat {
    match format {
        SourceFormat::Json(_) => SourceFormat::Json(JsonFraming::Document),
        other => other,
    }
}

/// Run `payload` through `mapping`; every letter gets `correlation_id`.
///
/// The run reads from and writes to memory: an error is a fault of the
/// host, never of the payload (every payload fault is a dead letter).
pub fn process(
    mapping: &CompiledMapping,
    limits: host::Limits,
    payload: &[u8],
    correlation_id: &str,
) -> io::Result<Processed> {
    let mut records = Vec::new();
    let mut letters = Vec::new();
    let mut errors = Vec::new();
    let outcome = host::run(
        mapping.transform,
        &Envelope::of(mapping).limited(limits),
        payload,
        delivered_format(mapping.format),
        Sinks {
            output: &mut records,
            dead_letters: Some(&mut letters),
            errors: &mut errors,
            progress: None,
        },
    )?;
    let letters = letters
        .split(|b| *b == b'\n')
        .filter(|line| !line.is_empty())
        .filter_map(|line| serde_json::from_slice::<serde_json::Value>(line).ok())
        .map(|mut letter| {
            if let Some(fields) = letter.as_object_mut() {
                fields.insert(
                    "correlation_id".to_owned(),
                    serde_json::Value::String(correlation_id.to_owned()),
                );
            }
            letter
        })
        .collect();
    Ok(Processed {
        records,
        letters,
        tally: outcome.tally,
        failures: outcome.failures,
    })
}

/// Payloads up to this size are transformed on the task that received them
/// (tens of microseconds); larger ones on a blocking thread, so a large
/// document never holds up the other tasks sharing that thread.
const INLINE_PAYLOAD: usize = 64 * 1024;

/// [`process`] from async code: inline for a small payload, on a blocking
/// thread for a large one. The error is the host fault, as a message.
pub async fn process_delivery(
    mapping: &'static CompiledMapping,
    limits: host::Limits,
    payload: bytes::Bytes,
    correlation_id: &str,
) -> Result<Processed, String> {
    let ran = if payload.len() <= INLINE_PAYLOAD {
        process(mapping, limits, &payload, correlation_id)
    } else {
        let correlation_id = correlation_id.to_owned();
        tokio::task::spawn_blocking(move || process(mapping, limits, &payload, &correlation_id))
            .await
            .map_err(|e| format!("the transform did not finish: {e}"))?
    };
    ran.map_err(|e| format!("the payload could not be run: {e}"))
}
