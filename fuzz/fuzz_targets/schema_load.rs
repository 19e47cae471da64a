//! (d) The schema loader on arbitrary JSON as a source schema: `$ref`s
//! (local, to other files of the repository, to itself), `allOf`,
//! recursion. Seeded from the published contracts. Never a panic, never a
//! hang; then a mapping reading it is checked.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let schema = String::from_utf8_lossy(data).into_owned();
    let read = |path: &Path| {
        if path.ends_with("fuzzed.schema.json") {
            Ok(schema.clone())
        } else {
            common::read(path)
        }
    };
    let _ = mapc::schema::load(Path::new("schemas/channels/fuzzed.schema.json"), &read);
    let mapping = "mapping fuzz.schema -> SalesOrder\n  source \"../../schemas/channels/fuzzed.schema.json\"\n  target \"../../schemas/canonical/sales_order.schema.json\"\n\nid = string(.id)\n";
    let _ = mapc::compile("mappings/fuzz/schema.map", mapping, &read);
});
