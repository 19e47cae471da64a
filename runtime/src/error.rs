//! Runtime errors: a stable code, the JSON path of the source value and the
//! mapping location that failed.

use std::borrow::Cow;
use std::fmt;

/// Declares the runtime codes once: the enum, `ALL` and the code text.
macro_rules! error_codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $code:literal,)*) => {
        /// Stable runtime error codes. Never renumber; add new codes at the
        /// end. Documented one by one in `docs/diagnostics.md`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($(#[doc = $doc])* $variant,)*
        }

        impl ErrorCode {
            /// Every runtime code, in number order.
            pub const ALL: &'static [ErrorCode] = &[$(Self::$variant),*];

            /// The stable code, e.g. `R104`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $code,)*
                }
            }
        }
    };
}

error_codes! {
    /// R101: the record is not valid JSON.
    InvalidJson = "R101",
    /// R102: the record does not have the shape the source schema declares.
    SchemaMismatch = "R102",
    /// R103: a value asserted present with `!` is missing or null.
    MissingValue = "R103",
    /// R104: a string could not be parsed as a decimal.
    InvalidDecimal = "R104",
    /// R105: a string could not be parsed as a timestamp.
    InvalidTimestamp = "R105",
    /// R106: a lookup table has no entry for the key.
    TableMiss = "R106",
    /// R107: money of two different currencies was combined.
    CurrencyMismatch = "R107",
    /// R108: a currency code is not three upper-case ASCII letters.
    InvalidCurrency = "R108",
    /// R109: decimal or integer arithmetic overflowed or divided by zero.
    Arithmetic = "R109",
    /// R110: an amount has more decimals than its currency's minor unit.
    InexactMinorUnits = "R110",
    /// R111: a value is not one of the values the target schema allows.
    NotInTargetEnum = "R111",
    /// R112: a string could not be parsed as an integer.
    InvalidInteger = "R112",
    /// R113: an unknown rounding mode or time zone was given, or a regex
    /// group the pattern does not have.
    InvalidArgument = "R113",
    /// R114: the record is not well-formed XML.
    InvalidXml = "R114",
    /// R115: percent-encoded text does not decode to UTF-8.
    InvalidEncoding = "R115",
    /// R116: the mapping rejected the record (`fail`, `assert`); the
    /// mapping's own reason code says why.
    Rejected = "R116",
    /// R117: a mapping parameter was not supplied, or not as its type.
    InvalidParameter = "R117",
    /// R118: the record is larger than the operator's limit.
    RecordTooLarge = "R118",
    /// R119: the record nests deeper than the operator's limit.
    NestedTooDeep = "R119",
    /// R120: an array of the record is longer than the operator's limit.
    ArrayTooLong = "R120",
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in a mapping file (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Mapping file, relative to the repository root.
    pub file: Cow<'static, str>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (in characters).
    pub column: u32,
}

impl Location {
    /// A location known at compile time (used by generated code).
    pub const fn fixed(file: &'static str, line: u32, column: u32) -> Self {
        Self {
            file: Cow::Borrowed(file),
            line,
            column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// What went wrong in a builtin, before the caller adds where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// Stable code.
    pub code: ErrorCode,
    /// Human-readable reason.
    pub message: String,
    /// The mapping's own reason code, for a record it rejected (R116).
    pub reason: Option<String>,
}

impl Fault {
    /// A new fault.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            reason: None,
        }
    }

    /// A record the mapping rejects (`fail`, `assert`), with the mapping's
    /// reason code.
    pub fn rejected(reason: &str, message: &str) -> Self {
        Self {
            code: ErrorCode::Rejected,
            message: message.to_owned(),
            reason: Some(reason.to_owned()),
        }
    }

    /// `x!` on an absent value.
    pub fn missing() -> Self {
        Self::new(ErrorCode::MissingValue, "required value is missing or null")
    }

    /// A table lookup that found nothing.
    pub fn table_miss(table: &str, key: &str) -> Self {
        Self::new(
            ErrorCode::TableMiss,
            format!("lookup table `{table}` has no entry for {key:?}"),
        )
    }

    /// A `match` no arm of which matched: the payload broke its schema's enum.
    pub fn no_arm(value: &str) -> Self {
        Self::new(
            ErrorCode::SchemaMismatch,
            format!("{value} is not a value the source schema allows"),
        )
    }

    /// Check a string against a target `enum`.
    pub fn check_allowed(value: &str, allowed: &[&str]) -> Result<(), Self> {
        if allowed.contains(&value) {
            return Ok(());
        }
        Err(Self::new(
            ErrorCode::NotInTargetEnum,
            format!(
                "{value:?} is not allowed by the target schema (allowed: {})",
                allowed.join(", ")
            ),
        ))
    }

    /// Attach the JSON path (built lazily: only on the error path) and the
    /// mapping location.
    pub fn at(self, path: impl FnOnce() -> String, location: &Location) -> RuntimeError {
        RuntimeError {
            code: self.code,
            message: self.message,
            reason: self.reason,
            path: path(),
            location: Some(location.clone()),
        }
    }
}

/// A record that could not be transformed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeError {
    /// Stable code.
    pub code: ErrorCode,
    /// Human-readable reason.
    pub message: String,
    /// The mapping's own reason code, for a record it rejected (R116).
    pub reason: Option<String>,
    /// JSON path of the offending source value (`$` is the payload root).
    pub path: String,
    /// Mapping line that failed; `None` when the payload itself is unreadable.
    pub location: Option<Location>,
}

impl RuntimeError {
    /// An error about the payload as a whole (no mapping location).
    pub fn payload(code: ErrorCode, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            reason: None,
            path: path.into(),
            location: None,
        }
    }
}

impl fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.reason {
            Some(reason) => write!(f, "error[{} {reason}] at {}", self.code, self.path)?,
            None => write!(f, "error[{}] at {}", self.code, self.path)?,
        }
        if let Some(location) = &self.location {
            write!(f, " ({location})")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for RuntimeError {}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn codes_are_numbered_in_order_without_gaps() {
        for (i, code) in ErrorCode::ALL.iter().enumerate() {
            assert_eq!(code.as_str(), format!("R{}", 101 + i));
        }
    }
}
