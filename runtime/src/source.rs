//! The types source values are read into by generated code (see
//! [`crate::json_in`] for the reading): strings borrowed from the payload,
//! numbers kept exact.

use crate::{Decimal, Str};
use std::ops::Deref;

/// A payload string: borrowed from the input unless it contained escapes.
/// Only the reader makes one, so a borrowed one is known to need no
/// escaping when it is written (no quote, backslash or control character:
/// the reader's string scan saw none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonStr<'a>(pub(crate) Str<'a>);

impl<'a> JsonStr<'a> {
    /// Whether the text is written as it is (no character to escape).
    pub fn is_plain(&self) -> bool {
        matches!(self.0, Str::Borrowed(_))
    }

    /// The text.
    pub fn into_str(self) -> Str<'a> {
        self.0
    }
}

impl Deref for JsonStr<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// A JSON number read exactly from its token (never through `f64`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonDecimal(pub Decimal);
