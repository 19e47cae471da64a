//! String builtins and conversions to text.

use crate::error::Fault;
use crate::Str;
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

/// `lower(s)`.
pub fn lower(s: Str<'_>) -> Str<'_> {
    // ASCII without upper case (most emails and codes): nothing to change.
    if s.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        return s;
    }
    Str::Owned(s.to_lowercase())
}

/// `upper(s)`.
pub fn upper(s: Str<'_>) -> Str<'_> {
    if s.bytes().all(|b| b.is_ascii() && !b.is_ascii_lowercase()) {
        return s;
    }
    Str::Owned(s.to_uppercase())
}

/// `trim(s)`: leading and trailing white space removed.
pub fn trim<'a>(s: Str<'a>) -> Str<'a> {
    match s {
        Str::Borrowed(b) => Str::Borrowed(b.trim()),
        Str::Owned(o) => Str::Owned(o.trim().to_owned()),
    }
}

/// `replace(s, from, to)`: every occurrence.
pub fn replace(s: &str, from: &str, to: &str) -> String {
    s.replace(from, to)
}

/// `split(s, sep)`: the parts (an empty string gives no parts).
pub fn split(s: &str, sep: &str) -> Vec<String> {
    if s.is_empty() {
        return Vec::new();
    }
    s.split(sep).map(str::to_owned).collect()
}

/// `join(parts, sep)`.
pub fn join<S: AsRef<str>>(parts: &[S], sep: &str) -> String {
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(part.as_ref());
    }
    out
}

/// `a ++ b`.
pub fn concat(a: &str, b: &str) -> String {
    let mut out = String::with_capacity(a.len() + b.len());
    out.push_str(a);
    out.push_str(b);
    out
}

/// `a ++ b ++ ...` in one allocation.
pub fn concat_all(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// `string(i)` for an integer, formatted on the stack (for concatenations,
/// which copy it anyway).
pub struct IntText {
    text: [u8; 20],
    start: usize,
}

impl IntText {
    /// Format `i` (at most 20 characters: `-9223372036854775808`).
    pub fn new(i: i64) -> Self {
        let mut text = [b'-'; 20];
        let mut start = text.len();
        let mut rest = i.unsigned_abs();
        loop {
            start -= 1;
            if let Some(slot) = text.get_mut(start) {
                *slot = b'0' + (rest % 10) as u8;
            }
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        if i < 0 {
            start -= 1; // the `-` already there
        }
        Self { text, start }
    }
}

impl std::ops::Deref for IntText {
    type Target = str;
    fn deref(&self) -> &str {
        // ASCII digits and a sign: always UTF-8.
        std::str::from_utf8(self.text.get(self.start..).unwrap_or_default()).unwrap_or_default()
    }
}

/// `sha256(s)`: lower-case hex digest, for deterministic idempotency keys.
pub fn sha256(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(s.as_bytes());
    let mut out = Vec::with_capacity(64);
    for b in digest {
        for nibble in [b >> 4, b & 0xf] {
            out.extend(HEX.get(usize::from(nibble)));
        }
    }
    String::from_utf8(out).unwrap_or_default() // hex digits: always UTF-8
}

/// `string(x)` for integers.
pub fn from_int(i: i64) -> String {
    IntText::new(i).to_owned()
}

/// `string(x)` for decimals: scale is kept (`19.90` stays `19.90`).
pub fn from_decimal(d: Decimal) -> String {
    d.to_string()
}

/// `string(x)` for booleans.
pub fn from_bool(b: bool) -> String {
    if b { "true" } else { "false" }.to_owned()
}

/// `len(s)`: length in characters.
pub fn len(s: &str) -> i64 {
    i64::try_from(s.chars().count()).unwrap_or(i64::MAX)
}

/// `int(s)` for strings.
pub fn to_int(s: &str) -> Result<i64, Fault> {
    crate::decimal::parse_int(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_builtins() {
        for i in [0, 7, -7, 10, -10, 1_000_000, i64::MAX, i64::MIN] {
            assert_eq!(from_int(i), i.to_string());
            assert_eq!(&*IntText::new(i), i.to_string());
        }
        assert_eq!(concat_all(&["a", "", "bc"]), "abc");
        assert_eq!(lower(Str::Borrowed("ÄB")), "äb");
        assert_eq!(upper(Str::Borrowed("straße")), "STRASSE");
        assert!(matches!(lower(Str::Borrowed("a@b.com")), Str::Borrowed(_)));
        assert!(matches!(upper(Str::Borrowed("US")), Str::Borrowed(_)));
        assert_eq!(upper(Str::Borrowed("us")), "US");
        assert_eq!(trim(Str::Borrowed("  x ")), "x");
        assert_eq!(split("a,b", ","), vec!["a", "b"]);
        assert!(split("", ",").is_empty());
        assert_eq!(join(&["a", "b"], "-"), "a-b");
        assert_eq!(
            sha256("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
