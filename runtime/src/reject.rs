//! The mapping's own rejections: `fail(reason, message)` and
//! `assert(condition, reason, message)` dead-letter a record the mapping
//! does not support (R116) with the mapping's reason code, instead of
//! mapping it into a silent reconciliation difference.
//!
//! A reason code is the mapping's own namespace: lower-case snake case
//! (`not_a_tracker`), checked by `mapc check` where it is written.

use crate::error::Fault;

/// What `fail` gives: nothing, ever (it is a value of any type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Never {}

/// `fail(reason, message)`: the record is rejected.
pub fn fail(reason: &str, message: &str) -> Result<Never, Fault> {
    Err(Fault::rejected(reason, message))
}

/// `assert(condition, reason, message)`: the record is rejected unless
/// `condition` holds.
pub fn assert(condition: bool, reason: &str, message: &str) -> Result<bool, Fault> {
    if condition {
        Ok(true)
    } else {
        Err(Fault::rejected(reason, message))
    }
}

/// Whether `text` is a valid reason code: 1 to 64 characters of `a-z`,
/// `0-9` and `_`, starting with a letter.
pub fn is_reason_code(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && text.len() <= 64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn fail_and_a_false_assert_reject_with_the_reason() {
        let Err(fault) = fail("not_a_tracker", "a batch event");
        assert_eq!(fault.code, ErrorCode::Rejected);
        assert_eq!(fault.reason.as_deref(), Some("not_a_tracker"));
        assert_eq!(fault.message, "a batch event");
        assert_eq!(assert(true, "x", "m"), Ok(true));
        let fault = assert(false, "refund_response", "m").unwrap_err();
        assert_eq!(fault.reason.as_deref(), Some("refund_response"));
    }

    #[test]
    fn reason_codes_are_lower_snake_case() {
        assert!(is_reason_code("not_a_tracker"));
        assert!(is_reason_code("v2"));
        for bad in ["", "Not", "2fast", "has-dash", "a b", &"a".repeat(65)] {
            assert!(!is_reason_code(bad), "{bad:?}");
        }
    }
}
