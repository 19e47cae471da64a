//! Value types of the mapping language.

use super::ShapeId;
use std::fmt;

/// The type of a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// Text.
    String,
    /// 64-bit integer.
    Int,
    /// Exact decimal.
    Decimal,
    /// Boolean.
    Bool,
    /// An instant.
    Timestamp,
    /// Amount and currency.
    Money,
    /// Only `null`.
    Null,
    /// A source object (read-only).
    Source(ShapeId),
    /// An array.
    Array(Box<Ty>),
    /// An object built by the mapping (write-only).
    Output,
    /// Element type of `[]`: fits any array.
    Unknown,
    /// A source value the schema lets be a string, a number or a boolean
    /// (`["string", "integer"]`): its text as the payload writes it, read
    /// only through a conversion (`string`, `int`, `decimal`).
    Scalar,
    /// A source value of any JSON type (an element of an array without
    /// `items`): it can be counted and checked for presence, not read.
    Opaque,
}

impl Ty {
    /// Whether a value of type `self` can stand where `other` is expected
    /// (`Unknown` and `Null` fit anything).
    pub fn fits(&self, other: &Ty) -> bool {
        match (self, other) {
            (Ty::Unknown, _) | (_, Ty::Unknown) | (Ty::Null, _) => true,
            (Ty::Array(a), Ty::Array(b)) => a.fits(b),
            (a, b) => a == b,
        }
    }

    /// The more precise of two fitting types.
    pub fn join(&self, other: &Ty) -> Ty {
        match (self, other) {
            (Ty::Unknown | Ty::Null, t) | (t, Ty::Unknown | Ty::Null) => t.clone(),
            (Ty::Array(a), Ty::Array(b)) => Ty::Array(Box::new(a.join(b))),
            (a, _) => a.clone(),
        }
    }

    /// Whether `==` and ordering are defined.
    pub fn comparable(&self) -> bool {
        matches!(
            self,
            Ty::String | Ty::Int | Ty::Decimal | Ty::Bool | Ty::Timestamp | Ty::Null
        )
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::String => f.write_str("string"),
            Ty::Int => f.write_str("int"),
            Ty::Decimal => f.write_str("decimal"),
            Ty::Bool => f.write_str("bool"),
            Ty::Timestamp => f.write_str("timestamp"),
            Ty::Money => f.write_str("money"),
            Ty::Null => f.write_str("null"),
            Ty::Source(_) => f.write_str("source object"),
            Ty::Array(t) if **t == Ty::Opaque => f.write_str("array without `items`"),
            Ty::Array(t) => write!(f, "array of {t}"),
            Ty::Output => f.write_str("object"),
            Ty::Unknown => f.write_str("anything"),
            Ty::Scalar => f.write_str("string, number or boolean"),
            Ty::Opaque => f.write_str("value of any type"),
        }
    }
}
