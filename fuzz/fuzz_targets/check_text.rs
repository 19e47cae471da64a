//! (a) Arbitrary text as a mapping file beside the real ones: parse,
//! check and, when it checks, generate code. Never a panic, never a hang.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let compiled = mapc::compile("mappings/shopify/fuzzed.map", &text, &common::read);
    if let Some(ir) = &compiled.mapping {
        let _ = mapc::codegen::generate(ir);
    }
});
