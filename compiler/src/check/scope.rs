//! Lexical scopes: let-bindings, loop variables and `with` bindings.

use crate::ir::{LocalId, Ty};
use crate::span::Span;

/// How a name was bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindingKind {
    /// `let`
    Let,
    /// `for` element or index, `with` binding.
    Loop,
}

/// A name in scope.
#[derive(Debug, Clone)]
pub struct Binding {
    /// The name.
    pub name: String,
    /// Its local.
    pub local: LocalId,
    /// Its type.
    pub ty: Ty,
    /// May be absent.
    pub optional: bool,
    /// Where it was bound.
    pub span: Span,
    /// How it was bound.
    pub kind: BindingKind,
    /// Whether it was read.
    pub used: bool,
}

/// A stack of scopes.
#[derive(Debug, Default)]
pub struct Scopes {
    frames: Vec<Vec<Binding>>,
}

impl Scopes {
    /// Open a scope.
    pub fn push(&mut self) {
        self.frames.push(Vec::new());
    }

    /// Close a scope, returning its bindings.
    pub fn pop(&mut self) -> Vec<Binding> {
        self.frames.pop().unwrap_or_default()
    }

    /// Bind a name in the innermost scope.
    pub fn bind(&mut self, binding: Binding) {
        if self.frames.is_empty() {
            self.push();
        }
        if let Some(frame) = self.frames.last_mut() {
            frame.push(binding);
        }
    }

    /// Find a name (innermost first) and mark it used.
    pub fn lookup(&mut self, name: &str) -> Option<Binding> {
        let binding = self
            .frames
            .iter_mut()
            .rev()
            .flat_map(|f| f.iter_mut().rev())
            .find(|b| b.name == name)?;
        binding.used = true;
        Some(binding.clone())
    }

    /// Every name in scope (for "did you mean").
    pub fn names(&self) -> Vec<String> {
        self.frames
            .iter()
            .flatten()
            .map(|b| b.name.clone())
            .collect()
    }
}
