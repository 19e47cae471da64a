//! The docs cannot drift: every `map` example in docs/dsl.md parses, every
//! error code has an entry in docs/diagnostics.md, and every error kind has
//! a test case.

#![allow(clippy::expect_used)] // a panic in a test helper is a failed test

use contract_tests::root;
use mapc::diagnostics::codes;

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).expect("doc exists")
}

/// The fenced blocks of `text` tagged `lang`.
fn blocks<'t>(text: &'t str, lang: &str) -> Vec<&'t str> {
    let fence = format!("```{lang}\n");
    text.split(fence.as_str())
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .collect()
}

#[test]
fn every_dsl_example_parses() {
    let dsl = read("docs/dsl.md");
    let examples = blocks(&dsl, "map");
    assert!(examples.len() >= 12, "{} examples", examples.len());
    for example in examples {
        let text = if example.contains("mapping ") {
            example.to_owned()
        } else {
            format!("mapping doc.example -> Example\n{example}")
        };
        if let Err(errors) = mapc::syntax::parse(&text) {
            panic!("docs/dsl.md example does not parse: {errors:?}\n{text}");
        }
    }
}

#[test]
fn every_code_is_documented() {
    let doc = read("docs/diagnostics.md");
    let compile_time = codes::ALL.iter().map(|c| c.code.to_owned());
    let run_time = runtime::ErrorCode::ALL
        .iter()
        .map(|c| c.as_str().to_owned());
    for code in compile_time.chain(run_time) {
        assert!(
            doc.contains(&format!("### {code} ")),
            "docs/diagnostics.md has no entry for {code}"
        );
    }
}

#[test]
fn every_case_named_in_the_docs_exists() {
    let doc = read("docs/diagnostics.md");
    let mut named = 0;
    for line in doc.lines() {
        let Some((_, listed)) = line
            .split_once("Case:")
            .or_else(|| line.split_once("Cases:"))
        else {
            continue;
        };
        for case in listed.split('`').skip(1).step_by(2) {
            let dir = root().join("tests/cases/errors").join(case);
            assert!(
                dir.join("mapping.map").exists(),
                "docs/diagnostics.md names a missing case `{case}`"
            );
            named += 1;
        }
    }
    let cases = std::fs::read_dir(root().join("tests/cases/errors"))
        .expect("cases")
        .count();
    assert!(
        cases >= 12 && named >= 20,
        "{cases} cases, {named} named in docs"
    );
}

#[test]
fn mappings_doc_lists_every_mapping() {
    let doc = read("docs/mappings.md");
    let mut listed: Vec<(String, String, String, String)> = doc
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let unquote = |s: &str| s.trim_matches('`').to_owned();
            let samples: Vec<String> = cells
                .get(6)
                .unwrap_or(&"")
                .split(',')
                .map(|s| unquote(s.trim()))
                .collect();
            let routes = cells.get(7).unwrap_or(&"").to_string();
            (
                unquote(cells[1]),
                unquote(cells[5]),
                samples.join(","),
                routes,
            )
        })
        .collect();
    listed.sort();
    let mut actual = Vec::new();
    for file in mapc::project::find_mappings(&[root().join("mappings")]).expect("mappings") {
        let name = file
            .strip_prefix(root())
            .unwrap_or(&file)
            .to_string_lossy()
            .replace('\\', "/");
        let (compiled, _) = contract_tests::compile(&name);
        let ir = compiled.mapping.expect("compiles");
        let samples: Vec<String> = mapc::project::samples_for(&file)
            .iter()
            .filter_map(|s| Some(s.file_name()?.to_string_lossy().into_owned()))
            .collect();
        actual.push((
            ir.id.clone(),
            ir.target.clone(),
            samples.join(","),
            routes_cell(&ir),
        ));
    }
    actual.sort();
    assert_eq!(listed, actual, "docs/mappings.md is out of date");
}

/// Where a mapping finds its records, as `docs/mappings.md` lists them:
/// its routes (`` `.order`, `.orders[]`, `.` ``), or its named inputs.
fn routes_cell(ir: &mapc::ir::Mapping) -> String {
    let quoted = |text: String| format!("`{text}`");
    let routes: Vec<String> = if !ir.inputs.is_empty() {
        return format!(
            "inputs {}",
            ir.inputs
                .iter()
                .map(|i| quoted(i.clone()))
                .collect::<Vec<_>>()
                .join(", ")
        );
    } else if !ir.routes.is_empty() {
        ir.routes
            .iter()
            .map(|r| {
                let keys: Vec<&str> = r.keys.iter().map(String::as_str).collect();
                runtime::Route {
                    keys: &keys,
                    each: r.each,
                }
                .describe()
            })
            .collect()
    } else {
        let keys: Vec<&str> = ir.at.iter().map(String::as_str).collect();
        vec![runtime::Route {
            keys: &keys,
            each: false,
        }
        .describe()]
    };
    routes
        .into_iter()
        .map(quoted)
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn builtin_table_is_the_registry() {
    let dsl = read("docs/dsl.md");
    let expected = mapc::builtins::markdown_table();
    let start = dsl.find("| function | result |").expect("builtin table");
    let end = dsl[start..]
        .find("\n\n")
        .map_or(dsl.len(), |e| start + e + 1);
    assert_eq!(
        &dsl[start..end],
        expected,
        "docs/dsl.md's builtin table differs from the registry; it should read:\n{expected}"
    );
}

/// Errors are data until `diagnostics`: the checker and the façade write no
/// message text. Messages quote code in backticks, so a string literal with
/// a backtick outside comments in `check/` or `lib.rs` is prose in the
/// wrong place.
#[test]
fn the_checker_writes_no_prose() {
    let dir = root().join("compiler/src/check");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("check/")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.push(root().join("compiler/src/lib.rs"));
    let mut prose = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("source file");
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            let literals = code.split('"').skip(1).step_by(2);
            if literals.into_iter().any(|l| l.contains('`')) {
                prose.push(format!("{}:{}: {}", file.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(
        prose.is_empty(),
        "message text outside diagnostics:\n{}",
        prose.join("\n")
    );
}

/// The JSON Schema support table of `docs/dsl.md`: every row names a case
/// that exists, and that case's schemas (its folder's, and the shared ones
/// it refers to) use each keyword the row lists.
#[test]
fn json_schema_support_table_is_backed_by_cases() {
    let dsl = read("docs/dsl.md");
    let start = dsl.find("## JSON Schema support").expect("the section");
    let section = &dsl[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    let rows: Vec<&str> = section
        .lines()
        .filter(|l| l.starts_with("| `") || l.starts_with("| recursion"))
        .collect();
    assert!(rows.len() >= 20, "{} rows", rows.len());
    for row in rows {
        let cells: Vec<&str> = row.split(" | ").collect();
        let case = cells
            .last()
            .expect("a case cell")
            .trim_end_matches(" |")
            .trim_matches('`');
        let dir = root().join("tests/cases").join(case);
        assert!(dir.is_dir(), "{row}: no case {case}");
        let mapping = std::fs::read_to_string(dir.join("mapping.map")).expect("mapping");
        let mut schemas = String::new();
        let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
            .expect("case folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        if mapping.contains("../../schemas/") {
            files.extend(
                std::fs::read_dir(dir.join("../../schemas"))
                    .expect("shared schemas")
                    .filter_map(|e| e.ok().map(|e| e.path())),
            );
        }
        for file in files
            .iter()
            .filter(|f| f.extension().is_some_and(|x| x == "json"))
        {
            if !file.ends_with("input.json") {
                schemas.push_str(&std::fs::read_to_string(file).expect("schema"));
            }
        }
        let keywords = cells.first().expect("keyword cell");
        for keyword in keywords.split('`').skip(1).step_by(2) {
            let keyword = keyword.split(' ').next().unwrap_or(keyword);
            assert!(
                schemas.contains(&format!("\"{keyword}\"")),
                "{case}'s schemas do not use `{keyword}`"
            );
        }
    }
}

/// A `map` example of `docs/dsl.md` whose introducing paragraph names an
/// ok case ("as `tests/cases/ok/find_and_decode` runs them") is lines of
/// that case, so a test runs each on both back ends.
#[test]
fn builtin_examples_are_run_by_a_case() {
    let dsl = read("docs/dsl.md");
    let fence = "```map\n";
    let mut checked = Vec::new();
    for (at, _) in dsl.match_indices(fence) {
        let before = &dsl[..at];
        let paragraph = before.trim_end().rsplit("\n\n").next().unwrap_or("");
        let Some(name) = paragraph
            .split("`tests/cases/ok/")
            .nth(1)
            .and_then(|rest| rest.split('`').next())
        else {
            continue;
        };
        let case = read(&format!("tests/cases/ok/{name}/mapping.map"));
        let example = dsl[at + fence.len()..].split("```").next().unwrap_or("");
        for line in example.lines().filter(|l| !l.trim().is_empty()) {
            assert!(case.lines().any(|c| c == line), "not in {name}: {line}");
        }
        checked.push(name.to_owned());
    }
    assert_eq!(
        checked,
        [
            "emit_records",
            "mapping_params",
            "find_and_decode",
            "group_by_keys",
            "patterns_and_rejections"
        ]
    );
}

/// `docs/mappings/<id>.md`, the lineage page of every mapping, is what
/// `mapc lineage --pages docs/mappings` writes now; no page is left of a
/// mapping that is gone.
#[test]
fn lineage_pages_are_current() {
    let files = mapc::project::find_mappings(&[root().join("mappings")]).expect("mappings");
    let read = |p: &std::path::Path| mapc::project::read_file(&root().join(p));
    let session = mapc::Session::new(&read);
    let mut expected = std::collections::BTreeSet::new();
    for file in files {
        let name = file
            .strip_prefix(root())
            .expect("under the root")
            .to_string_lossy()
            .replace('\\', "/");
        let compiled = session.compile(&name, &read(std::path::Path::new(&name)).expect("mapping"));
        let ir = compiled.mapping.expect("compiles");
        let page = format!("docs/mappings/{}.md", ir.id);
        let written = read(std::path::Path::new(&page)).unwrap_or_default();
        let current = mapc::lineage::markdown(&ir, &mapc::lineage::of(&ir));
        assert!(
            written == current,
            "{page} is stale: run `mapc lineage --pages docs/mappings`"
        );
        expected.insert(format!("{}.md", ir.id));
    }
    let present: std::collections::BTreeSet<String> =
        std::fs::read_dir(root().join("docs/mappings"))
            .expect("docs/mappings")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
    assert_eq!(present, expected, "a page per mapping, and no other");
}

/// `mapc explain` has an entry for every code; for every compile-time code
/// but the two that take a generated file, a wrong mapping (its case) that
/// yields the code and a right one that compiles without it.
#[test]
fn explain_examples_yield_their_code_and_their_fixes_compile() {
    let generated_only = ["E105", "E211"];
    for code in codes::ALL.iter().map(|c| c.code) {
        let explanation =
            mapc::explain::explain(code).unwrap_or_else(|| panic!("no entry for {code}"));
        assert!(explanation.entry.starts_with(&format!("### {code} ")));
        if generated_only.contains(&code) {
            continue;
        }
        let case = explanation
            .case
            .unwrap_or_else(|| panic!("{code} names no case"));
        assert!(explanation.wrong.is_some(), "{code}: no wrong example");
        assert!(
            explanation.right.is_some(),
            "{code}: tests/cases/errors/{case}/right.map is missing"
        );
        let (wrong, _) = contract_tests::compile(&format!("tests/cases/errors/{case}/mapping.map"));
        assert!(
            wrong.diagnostics.iter().any(|d| d.code.code == code),
            "{code}: the wrong example of {case} does not yield it"
        );
        let (right, _) = contract_tests::compile(&format!("tests/cases/errors/{case}/right.map"));
        let left: Vec<&str> = right
            .diagnostics
            .iter()
            .filter(|d| d.severity == mapc::check::Severity::Error || d.code.code == code)
            .map(|d| d.code.code)
            .collect();
        assert!(
            left.is_empty(),
            "{code}: the right example of {case} still has {left:?}"
        );
    }
    for code in runtime::ErrorCode::ALL {
        assert!(
            mapc::explain::explain(code.as_str()).is_some(),
            "no entry for {}",
            code.as_str()
        );
    }
}
