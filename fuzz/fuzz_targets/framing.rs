//! (e) Framing: the same bytes as NDJSON, a JSON document, CSV, TSV and
//! XML, through `host::run` of a mapping of that format. Every record read
//! ends in exactly one place (transformed, filtered or dead-lettered: the
//! outcome balances), every dead letter is one JSON line, and an NDJSON
//! run on two threads writes the same bytes as on one.
#![no_main]

#[path = "common.rs"]
mod common;

use host::{Envelope, Sinks};
use libfuzzer_sys::fuzz_target;
use runtime::{Delimited, JsonFraming, Separator, SourceFormat};

/// A run of `input` as `format` through `mapping`: outputs, dead letters.
fn run(mapping: &str, input: &[u8], format: SourceFormat, threads: usize) -> (Vec<u8>, Vec<u8>) {
    let Some(compiled) = maprt::find(mapping) else {
        panic!("no mapping {mapping}");
    };
    let (mut out, mut dead, mut errors) = (Vec::new(), Vec::new(), Vec::new());
    let sinks = Sinks {
        output: &mut out,
        dead_letters: Some(&mut dead),
        errors: &mut errors,
        progress: None,
    };
    let envelope = Envelope::of(compiled);
    let outcome = if threads > 1 {
        host::parallel::run_ndjson(compiled.transform, &envelope, input, threads, sinks)
    } else {
        host::run(compiled.transform, &envelope, input, format, sinks)
    };
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(e) => panic!("an in-memory run failed: {e}"),
    };
    assert!(outcome.balanced(), "{mapping}: {outcome:?}");
    let letters = dead
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .count() as u64;
    assert_eq!(
        letters, outcome.failed,
        "{mapping}: one dead letter per failure"
    );
    (out, dead)
}

fuzz_target!(|data: &[u8]| {
    let lines = SourceFormat::Json(JsonFraming::Lines);
    let one = run("shopify.inventory_level", data, lines, 1);
    let two = run("shopify.inventory_level", data, lines, 2);
    assert!(one == two, "NDJSON on two threads differs from one");
    run(
        "shopify.order",
        data,
        SourceFormat::Json(JsonFraming::Document),
        1,
    );
    run(
        "shopify.order",
        data,
        SourceFormat::Json(JsonFraming::Auto),
        1,
    );
    for separator in [Separator::Comma, Separator::Tab] {
        let format = SourceFormat::Delimited(Delimited {
            separator,
            whole_file: false,
        });
        run("amazon.listings_report", data, format, 1);
    }
    run("ebay.order", data, SourceFormat::Xml, 1);
});
