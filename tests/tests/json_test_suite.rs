//! JSONTestSuite's parsing cases (`tests/conformance/json_test_suite/`,
//! see its SOURCES.md), through the one JSON reader both back ends use, in
//! every position a payload can put them: the whole input, a field the
//! mapping skips, and a field it reads. Every `n_` case is R101 in every
//! position; every `y_` case is accepted whole and as a skipped field, and
//! never R101 where it is read (a value of the wrong shape is R102); the
//! `i_` verdicts (the RFC leaves them to the parser) are snapshotted.
#![allow(clippy::expect_used)] // a panic in a test is a failed test

use contract_tests::root;
use runtime::json_in::{read_record, Reader};
use runtime::ErrorCode;

#[derive(serde::Deserialize)]
struct Case {
    name: String,
    input: String,
}

fn cases() -> Vec<Case> {
    let path = root().join("tests/conformance/json_test_suite/parsing.json");
    let text = std::fs::read_to_string(path).expect("the suite is copied in");
    serde_json::from_str(&text).expect("the suite is JSON")
}

/// The npm copy's lossy files (invalid UTF-8 replaced by U+FFFD).
const LOSSY: &[&str] = &[
    "n_array_a_invalid_utf8.json",
    "n_array_invalid_utf8.json",
    "n_number_invalid-utf-8-in-bigger-int.json",
    "n_number_invalid-utf-8-in-exponent.json",
    "n_number_invalid-utf-8-in-int.json",
    "n_number_real_with_invalid_utf8_after_e.json",
    "n_object_lone_continuation_byte_in_key_and_trailing_comma.json",
    "n_string_invalid-utf-8-in-escape.json",
    "n_string_invalid_utf8_after_escape.json",
    "n_structure_incomplete_UTF8_BOM.json",
    "n_structure_lone-invalid-utf-8.json",
    "n_structure_single_eacute.json",
];

/// Where a case can sit in a Shopify inventory level record (as the host
/// hands it to the transform, cut from `{"inventory_level": ...}`).
#[derive(Debug, Clone, Copy)]
enum Position {
    Whole,
    Skipped,
    Read,
}

/// The code the case gives at `position` (None: accepted).
fn verdict(case: &str, position: Position) -> Option<ErrorCode> {
    let level = |item: &str, extra: &str| {
        format!(
            "{{\"inventory_item_id\": {item}, \"location_id\": 905684977, \"available\": 6, \"updated_at\": \"2018-05-07T15:51:26-04:00\"{extra}}}"
        )
    };
    let record = match position {
        Position::Whole => {
            return read_record(case.as_bytes(), Reader::skip)
                .err()
                .map(|e| e.code)
        }
        Position::Skipped => level("808950810", &format!(", \"unread\": {case}")),
        Position::Read => level(case, ""),
    };
    let mapping = maprt::find("shopify.inventory_level").expect("compiled in");
    let mut out = Vec::new();
    (mapping.transform)(record.as_bytes(), &mut out)
        .err()
        .map(|e| e.code)
}

#[test]
fn every_n_case_is_r101_in_every_position() {
    let cases = cases();
    let n: Vec<&Case> = cases.iter().filter(|c| c.name.starts_with("n_")).collect();
    assert_eq!(n.len(), 188);
    let mut wrong = Vec::new();
    for case in &n {
        for position in [Position::Whole, Position::Skipped, Position::Read] {
            let got = verdict(&case.input, position);
            if got != Some(ErrorCode::InvalidJson) {
                wrong.push(format!("{} {position:?}: {got:?}", case.name));
            }
        }
    }
    assert!(wrong.is_empty(), "not R101:\n{}", wrong.join("\n"));
    let lossy: Vec<&str> = n
        .iter()
        .filter(|c| c.input.contains('\u{FFFD}'))
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(lossy, LOSSY);
}

#[test]
fn every_y_case_is_accepted_and_never_r101() {
    let cases = cases();
    let y: Vec<&Case> = cases.iter().filter(|c| c.name.starts_with("y_")).collect();
    assert_eq!(y.len(), 95);
    let mut wrong = Vec::new();
    for case in &y {
        for position in [Position::Whole, Position::Skipped] {
            if let Some(code) = verdict(&case.input, position) {
                wrong.push(format!("{} {position:?}: {code:?}", case.name));
            }
        }
        let read = verdict(&case.input, Position::Read);
        if read == Some(ErrorCode::InvalidJson) {
            wrong.push(format!("{} Read: R101", case.name));
        }
    }
    assert!(wrong.is_empty(), "refused:\n{}", wrong.join("\n"));
}

#[test]
fn i_case_verdicts_are_documented() {
    let verdicts: Vec<String> = cases()
        .iter()
        .filter(|c| c.name.starts_with("i_"))
        .map(|c| {
            let say = |p| verdict(&c.input, p).map_or("accepted", |code| code.as_str());
            // A copy whose invalid UTF-8 became U+FFFD tests U+FFFD, not
            // the file's bytes (R101 for invalid UTF-8 is tested elsewhere).
            let lossy = if c.input.contains('\u{FFFD}') {
                "  (lossy copy)"
            } else {
                ""
            };
            format!(
                "{:<52} whole {:<8} skipped {:<8} read {}{lossy}",
                c.name,
                say(Position::Whole),
                say(Position::Skipped),
                say(Position::Read)
            )
        })
        .collect();
    insta::assert_snapshot!("i_case_verdicts", verdicts.join("\n"));
}
