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

/// The pest parser generated from `grammar.pest`.
#[derive(pest_derive::Parser)]
#[grammar = "grammar.pest"]
pub struct Grammar;
