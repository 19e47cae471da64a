//! Evaluator values.

use super::read::Node;
use crate::ir::{Lit, Ty};
use runtime::{Decimal, Money, Timestamp};
use std::borrow::Cow;
use std::cmp::Ordering;

/// A runtime value; source strings are borrowed from the payload.
#[derive(Debug, Clone, PartialEq)]
pub enum Val<'v> {
    /// Missing or null.
    Absent,
    /// Text.
    Str(Cow<'v, str>),
    /// Integer.
    Int(i64),
    /// Exact decimal.
    Dec(Decimal),
    /// Boolean.
    Bool(bool),
    /// Instant.
    Ts(Timestamp),
    /// Amount and currency.
    Money(Money),
    /// A source object.
    Node(&'v Node<'v>),
    /// An array.
    List(Vec<Val<'v>>),
    /// An output object, already encoded.
    Raw(Vec<u8>),
}

impl<'v> Val<'v> {
    /// A literal's value.
    pub fn from_lit(lit: &'v Lit) -> Self {
        match lit {
            Lit::String(s) => Val::Str(Cow::Borrowed(s)),
            Lit::Int(i) => Val::Int(*i),
            Lit::Decimal(d) => Val::Dec(*d),
            Lit::Bool(b) => Val::Bool(*b),
            Lit::Timestamp(t) => Val::Ts(*t),
            Lit::Null => Val::Absent,
        }
    }

    /// A payload value read as type `ty` (already shape-checked).
    pub fn from_node(v: &'v Node<'v>, ty: &Ty) -> Option<Self> {
        Some(match (ty, v) {
            (_, Node::Null) => Val::Absent,
            (Ty::String | Ty::Scalar, Node::Str(s)) => Val::Str(Cow::Borrowed(s)),
            (Ty::Int, Node::Int(i)) => Val::Int(*i),
            (Ty::Decimal, Node::Dec(d)) => Val::Dec(*d),
            (Ty::Bool, Node::Bool(b)) => Val::Bool(*b),
            (Ty::Source(_), Node::Object(_)) => Val::Node(v),
            (Ty::Array(elem), Node::List(items)) => Val::List(
                items
                    .iter()
                    .map(|i| Val::from_node(i, elem))
                    .collect::<Option<_>>()?,
            ),
            _ => return None,
        })
    }

    /// `true` only for `Bool(true)`.
    pub fn is_true(&self) -> bool {
        matches!(self, Val::Bool(true))
    }

    /// Integers widen to decimals.
    pub fn to_decimal(&self) -> Decimal {
        match self {
            Val::Dec(d) => *d,
            Val::Int(i) => Decimal::from(*i),
            _ => Decimal::ZERO,
        }
    }

    /// Ordering of two values of one comparable type.
    pub fn compare(&self, other: &Val<'_>) -> Ordering {
        match (self, other) {
            (Val::Str(a), Val::Str(b)) => a.as_ref().cmp(b.as_ref()),
            (Val::Int(a), Val::Int(b)) => a.cmp(b),
            (Val::Dec(a), Val::Dec(b)) => a.cmp(b),
            (Val::Bool(a), Val::Bool(b)) => a.cmp(b),
            (Val::Ts(a), Val::Ts(b)) => a.cmp(b),
            _ => Ordering::Equal,
        }
    }

    /// For error messages.
    pub fn describe(&self) -> String {
        match self {
            Val::Absent => "null".to_owned(),
            Val::Str(s) => format!("{s:?}"),
            Val::Int(i) => i.to_string(),
            Val::Dec(d) => d.to_string(),
            Val::Bool(b) => b.to_string(),
            Val::Ts(t) => t.to_string(),
            other => format!("{other:?}"),
        }
    }
}
