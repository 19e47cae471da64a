//! RFC 3339 `date-time` cases no one here wrote (the JSON-Schema-Test-Suite's,
//! see `conformance/SOURCES.md`) through `timestamp()`'s parser: every valid
//! one parses, every invalid one is R105. Then the edges the reliability
//! issue named, from RFC 3339's grammar: year 9999, fraction lengths,
//! offsets past ±23:59, signed years.
#![allow(clippy::expect_used, clippy::unwrap_used)] // a panic in a test is a failed test

use runtime::time::{parse_rfc3339, to_rfc3339};
use runtime::ErrorCode;

#[derive(serde::Deserialize)]
struct Group {
    tests: Vec<Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    description: String,
    data: serde_json::Value,
    valid: bool,
}

#[test]
fn the_json_schema_test_suite_date_time_cases() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/conformance/date-time.json"
    );
    let groups: Vec<Group> =
        serde_json::from_str(&std::fs::read_to_string(path).expect("copied in")).expect("JSON");
    let mut wrong = Vec::new();
    let mut checked = 0;
    for case in groups.iter().flat_map(|g| &g.tests) {
        let Some(text) = case.data.as_str() else {
            continue; // "all string formats ignore integers" and the like
        };
        checked += 1;
        let parsed = parse_rfc3339(text);
        match (case.valid, &parsed) {
            (true, Ok(_)) => {}
            (false, Err(fault)) if fault.code == ErrorCode::InvalidTimestamp => {}
            _ => wrong.push(format!(
                "{text:?} ({}): expected {}, got {:?}",
                case.description,
                if case.valid { "valid" } else { "R105" },
                parsed.map(to_rfc3339).map_err(|f| f.code)
            )),
        }
    }
    assert!(checked >= 19, "{checked} string cases");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_grammar_edges() {
    let ok = |text: &str| parse_rfc3339(text).map(to_rfc3339).map_err(|f| f.code);
    // jiff's instants end at 9999-12-30T22:00:00Z (its civil times allow
    // offsets to ±25:59:59, so every instant is a date in ±9999 anywhere):
    // the last hours of year 9999 in UTC are outside what the runtime holds
    // and say so with R105 rather than wrapping or clamping.
    assert_eq!(
        ok("9999-12-30T21:59:59Z"),
        Ok("9999-12-30T21:59:59Z".to_owned())
    );
    assert_eq!(ok("9999-12-31T23:59:59Z"), Err(ErrorCode::InvalidTimestamp));
    assert_eq!(
        ok("1998-12-31T15:59:60.5-08:00"),
        Ok("1998-12-31T23:59:59.5Z".to_owned()),
        "a leap second is read as the second before it"
    );
    assert_eq!(
        ok("0000-01-01T00:00:00Z"),
        Ok("0000-01-01T00:00:00Z".to_owned())
    );
    assert_eq!(
        ok("2024-02-29T12:00:00.123456789012+01:00"),
        Ok("2024-02-29T11:00:00.123456789Z".to_owned()),
        "12 fraction digits: read, kept to the nanosecond"
    );
    for bad in [
        "-000001-01-01T00:00:00Z",
        "+002024-01-01T00:00:00Z",
        "2024-01-01T00:00:00+25:59",
        "2024-01-01T00:00:00+24:00",
        "2024-01-01T00:00:00.Z",
        "2024-01-01T24:00:00Z",
        "2023-02-29T00:00:00Z",
        "2024-01-01T00:00:00",
    ] {
        assert_eq!(ok(bad), Err(ErrorCode::InvalidTimestamp), "{bad}");
    }
}
