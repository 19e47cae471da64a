//! (b) and (c): arbitrary bytes as a payload of one of the repository's
//! mappings (the first byte picks it), framed by its format and cut by its
//! routes, through the compiled code and the evaluator: the same outputs
//! and the same failures (code, path, mapping line), never a panic.
//! Seeded from every mapping's real samples.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mappings = common::mappings();
    let Some((&pick, payload)) = data.split_first() else {
        return;
    };
    let Some((ir, compiled)) = mappings.get(usize::from(pick) % mappings.len().max(1)) else {
        return;
    };
    if !compiled.inputs.is_empty() || !compiled.params.is_empty() {
        return;
    }
    contract_tests::differential_payload(ir, compiled, payload);
});
