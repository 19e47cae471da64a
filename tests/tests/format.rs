//! `mapc fmt` over every mapping of the repository and every case: each
//! is formatted already (what `mapc fmt --check` would say), and its layout
//! taken apart (indentation stripped or made of tabs, trailing white space)
//! formats back to the same bytes. The file taken apart compiles to the
//! same IR, spans and columns left out, with the same diagnostics: layout
//! never changes what a mapping means, and the formatter never changes a
//! token (it checks that itself, and this checks it agrees).

#![allow(clippy::expect_used, clippy::unwrap_used)] // a panic in a test is a failed test

use mapc::syntax::format::format;

/// Every line's indentation removed (every third made a tab) and white
/// space added at its end; line numbers stay, columns move.
fn taken_apart(text: &str) -> String {
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            let indent = if i % 3 == 0 { "\t" } else { "" };
            format!("{indent}{}  \n", line.trim_start())
        })
        .collect()
}

/// What a compiled mapping means, without where it came from: the IR's
/// debug form with spans and columns blanked (lines stay), and the codes
/// of its diagnostics.
fn meaning(relative: &str, text: &str) -> String {
    let root = contract_tests::root();
    let read = |p: &std::path::Path| {
        std::fs::read_to_string(root.join(p)).map_err(|e| format!("{}: {e}", p.display()))
    };
    let compiled = mapc::compile(relative, text, &read);
    let codes: Vec<String> = compiled
        .diagnostics
        .iter()
        .map(|d| format!("{:?}", d.code))
        .collect();
    let ir = format!("{:?}", compiled.mapping);
    let spans = fancy_regex::Regex::new(r"Span \{ start: \d+, end: \d+ \}").expect("regex");
    let columns = fancy_regex::Regex::new(r"column: \d+").expect("regex");
    let ir = spans.replace_all(&ir, "Span");
    format!("{codes:?} {}", columns.replace_all(&ir, "column: C"))
}

#[test]
fn every_mapping_and_case_is_formatted_and_layout_never_changes_meaning() {
    let files = contract_tests::mapping_files(&["mappings", "tests/cases"]);
    assert!(files.len() > 100, "{} files", files.len());
    let mut checked = 0;
    for file in &files {
        let text = std::fs::read_to_string(contract_tests::root().join(file)).expect("mapping");
        if mapc::syntax::parse(&text).is_err() {
            continue; // a case of a syntax error: nothing to format
        }
        checked += 1;
        let formatted = format(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(formatted == text, "{file} is not formatted: run `mapc fmt`");
        let apart = taken_apart(&text);
        assert_ne!(apart, text);
        let again = format(&apart).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(again == text, "{file}: taken apart, it formats to\n{again}");
        let same = meaning(file, &apart) == meaning(file, &text);
        assert!(same, "{file}: taken apart, it compiles to another IR");
    }
    assert!(checked > 100, "{checked} files formatted");
}
