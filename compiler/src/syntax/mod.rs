//! Syntax: mapping text -> AST (pest grammar in `grammar.pest`).
//!
//! Entry point: [`parse`]. Errors are data ([`SyntaxError`]); their prose
//! lives in `diagnostics`.

pub mod ast;
mod depth;
pub mod format;
mod literal;
mod parse;
mod precedence;

pub use depth::{check_items as check_depth, children, MAX_DEPTH};
pub use parse::{parse, SyntaxError, SyntaxErrorKind};

/// The words `grammar.pest` reserves in expressions (its `keyword` rule):
/// never a name (a variable, a table, a function).
pub const RESERVED_WORDS: [&str; 16] = [
    "let", "fn", "for", "in", "where", "with", "if", "then", "else", "match", "and", "or", "not",
    "true", "false", "null",
];

/// The pest parser generated from `grammar.pest`.
#[derive(pest_derive::Parser)]
#[grammar = "grammar.pest"]
pub struct Grammar;

#[cfg(test)]
mod tests {
    #[test]
    fn the_reserved_words_are_the_grammars() {
        let grammar = include_str!("../grammar.pest");
        // From `keyword = @{ (...` to its closing `!name_char }`.
        let start = grammar.find("\nkeyword ").unwrap_or_default();
        let rest = grammar.get(start..).unwrap_or_default();
        let rule = rest
            .get(..rest.find("!name_char }").unwrap_or_default())
            .unwrap_or_default();
        let mut words: Vec<&str> = rule.split('"').skip(1).step_by(2).collect();
        words.sort_unstable();
        let mut reserved = super::RESERVED_WORDS.to_vec();
        reserved.sort_unstable();
        assert_eq!(words, reserved);
    }
}
