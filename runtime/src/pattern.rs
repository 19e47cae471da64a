//! Regular expressions: `matches(s, pattern)` and `capture(s, pattern,
//! group)`, in the `regex` crate's syntax (linear time in the text: no
//! backtracking, no look-around).
//!
//! A pattern is always a literal in the mapping, checked by `mapc check`
//! with [`compile`]; at run time each is compiled once per thread and kept.

use crate::error::{ErrorCode, Fault};
use regex::Regex;
use std::cell::RefCell;
use std::collections::HashMap;

/// The compiled size a pattern may take (the `regex` crate's own default
/// is 10 MiB; a mapping's pattern needs far less).
const SIZE_LIMIT: usize = 1 << 20;

thread_local! {
    static COMPILED: RefCell<HashMap<String, Regex>> = RefCell::new(HashMap::new());
}

/// `pattern` compiled; R113 when it is not a valid regular expression.
pub fn compile(pattern: &str) -> Result<Regex, Fault> {
    regex::RegexBuilder::new(pattern)
        .size_limit(SIZE_LIMIT)
        .build()
        .map_err(|e| {
            let reason = match e {
                // The crate's text repeats the pattern with a caret; the
                // diagnostic already points at it: keep the `error:` line.
                regex::Error::Syntax(text) => text
                    .lines()
                    .find_map(|l| l.strip_prefix("error: "))
                    .map_or_else(|| text.clone(), str::to_owned),
                regex::Error::CompiledTooBig(_) => "the pattern compiles too big".to_owned(),
                other => other.to_string(),
            };
            Fault::new(
                ErrorCode::InvalidArgument,
                format!("invalid pattern: {reason}"),
            )
        })
}

/// The compiled `pattern`, compiled on this thread's first use.
fn compiled(pattern: &str) -> Result<Regex, Fault> {
    COMPILED.with(|cache| {
        if let Some(found) = cache.borrow().get(pattern) {
            return Ok(found.clone());
        }
        let regex = compile(pattern)?;
        cache.borrow_mut().insert(pattern.to_owned(), regex.clone());
        Ok(regex)
    })
}

/// `matches(s, pattern)`: whether `pattern` matches somewhere in `s`
/// (anchor it with `^...$` to match the whole text).
pub fn matches(s: &str, pattern: &str) -> Result<bool, Fault> {
    Ok(compiled(pattern)?.is_match(s))
}

/// `capture(s, pattern, group)`: the text group `group` (0 is the whole
/// match) of the first match, absent when nothing matches or the group
/// took no part; R113 when the pattern has no such group.
pub fn capture(s: &str, pattern: &str, group: i64) -> Result<Option<String>, Fault> {
    let regex = compiled(pattern)?;
    let index = usize::try_from(group)
        .ok()
        .filter(|&i| i < regex.captures_len())
        .ok_or_else(|| no_group(&group.to_string(), pattern))?;
    Ok(regex
        .captures(s)
        .and_then(|c| c.get(index))
        .map(|m| m.as_str().to_owned()))
}

/// `capture(s, pattern, "name")`: the named group `(?P<name>...)`.
pub fn capture_named(s: &str, pattern: &str, name: &str) -> Result<Option<String>, Fault> {
    let regex = compiled(pattern)?;
    if !regex.capture_names().any(|n| n == Some(name)) {
        return Err(no_group(&format!("`{name}`"), pattern));
    }
    Ok(regex
        .captures(s)
        .and_then(|c| c.name(name))
        .map(|m| m.as_str().to_owned()))
}

fn no_group(group: &str, pattern: &str) -> Fault {
    Fault::new(
        ErrorCode::InvalidArgument,
        format!("the pattern {pattern:?} has no group {group}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_and_captures_by_index_and_name() {
        let href = "https://api.example.com/orders/1234/refunds/77";
        assert_eq!(matches(href, r"/orders/\d+"), Ok(true));
        assert_eq!(matches(href, r"^/orders"), Ok(false));
        let id = capture(href, r"/orders/(\d+)", 1);
        assert_eq!(id, Ok(Some("1234".to_owned())));
        let whole = capture(href, r"refunds/\d+", 0);
        assert_eq!(whole, Ok(Some("refunds/77".to_owned())));
        let named = capture_named(href, r"refunds/(?P<refund>\d+)", "refund");
        assert_eq!(named, Ok(Some("77".to_owned())));
        assert_eq!(capture("none here", r"(\d+)", 1), Ok(None));
        // A group that took no part in the match is absent.
        assert_eq!(capture("ab", r"a(x)?b", 1), Ok(None));
    }

    #[test]
    fn a_missing_group_or_a_broken_pattern_is_r113() {
        let codes = [
            capture("a", "(a)", 2).map(|_| ()),
            capture("a", "(a)", -1).map(|_| ()),
            capture_named("a", "(?P<x>a)", "y").map(|_| ()),
            matches("a", "(unclosed").map(|_| ()),
            compile("a{1000}{1000}").map(|_| ()),
        ];
        for result in codes {
            let fault = result.unwrap_err();
            assert_eq!(fault.code, ErrorCode::InvalidArgument, "{}", fault.message);
        }
        let message = compile("(unclosed").unwrap_err().message;
        assert!(message.starts_with("invalid pattern: "), "{message}");
        assert_eq!(message, "invalid pattern: unclosed group");
    }
}
