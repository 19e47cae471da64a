//! The TextMate grammar in `editors/` (highlighting for editors that read
//! TextMate grammars): it is valid, its patterns compile (fancy-regex, which
//! like the editors' Oniguruma has look-behind), and it knows every keyword
//! of the DSL's pest grammar.
#![allow(clippy::expect_used)] // a panic in a test helper is a failed test

use contract_tests::root;
use serde_json::Value;

fn grammar() -> Value {
    let text =
        std::fs::read_to_string(root().join("editors/mapc.tmLanguage.json")).expect("grammar");
    serde_json::from_str(&text).expect("JSON")
}

fn pattern(grammar: &Value, rule: &str) -> fancy_regex::Regex {
    let source = grammar["repository"][rule]["match"]
        .as_str()
        .expect("match");
    fancy_regex::Regex::new(source).expect("compiles")
}

fn matches(regex: &fancy_regex::Regex, text: &str) -> Vec<String> {
    regex
        .find_iter(text)
        .map(|m| m.expect("no backtracking limit").as_str().to_owned())
        .collect()
}

#[test]
fn every_pattern_compiles() {
    let grammar = grammar();
    assert_eq!(grammar["scopeName"], "source.mapc");
    let rules = grammar["repository"].as_object().expect("rules");
    for (name, rule) in rules {
        for key in ["match", "begin", "end"] {
            if let Some(source) = rule[key].as_str() {
                fancy_regex::Regex::new(source).unwrap_or_else(|e| panic!("{name}.{key}: {e}"));
            }
        }
        let included = grammar["patterns"]
            .as_array()
            .expect("patterns")
            .iter()
            .any(|p| p["include"] == format!("#{name}"));
        assert!(included, "{name} is not used");
    }
}

#[test]
fn every_keyword_of_the_dsl_is_highlighted() {
    let pest =
        std::fs::read_to_string(root().join("compiler/src/grammar.pest")).expect("grammar.pest");
    let literal = fancy_regex::Regex::new(r#""([a-z_]{2,})""#).expect("pattern");
    let mut words: Vec<&str> = literal
        .captures_iter(&pest)
        .filter_map(|c| Some(c.ok()?.get(1)?.as_str()))
        .collect();
    words.sort_unstable();
    words.dedup();
    assert!(
        words.contains(&"mapping") && words.contains(&"emit"),
        "{words:?}"
    );
    let grammar = grammar();
    let keyword = pattern(&grammar, "keyword");
    let constant = pattern(&grammar, "constant");
    for word in words {
        let found = [&keyword, &constant]
            .iter()
            .any(|r| matches(r, &format!(" {word} ")) == [word]);
        assert!(
            found,
            "`{word}` is a keyword of grammar.pest the editor grammar does not highlight"
        );
    }
}

#[test]
fn source_paths_and_comments_are_told_apart() {
    let grammar = grammar();
    let path = pattern(&grammar, "source-path");
    assert_eq!(
        matches(&path, "email = lower(.customer.email) ?? item.sku"),
        [".customer.email"],
        "a path on the record, not a field of a variable"
    );
    assert_eq!(
        matches(&path, "for l in .line_items[] {"),
        [".line_items[]"]
    );
    let comment = pattern(&grammar, "comment");
    assert_eq!(matches(&comment, "id = x # the id"), ["# the id"]);
}
