//! String builtins and conversions to text.

use crate::error::{ErrorCode, Fault};
use crate::{Str, Timestamp};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

/// `lower(s)`.
pub fn lower(s: Str<'_>) -> Str<'_> {
    // ASCII without upper case (most emails and codes): nothing to change.
    if s.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        return s;
    }
    if s.is_ascii() {
        return Str::Owned(s.to_ascii_lowercase());
    }
    Str::Owned(s.to_lowercase())
}

/// `upper(s)`.
pub fn upper(s: Str<'_>) -> Str<'_> {
    if s.bytes().all(|b| b.is_ascii() && !b.is_ascii_lowercase()) {
        return s;
    }
    if s.is_ascii() {
        return Str::Owned(s.to_ascii_uppercase());
    }
    Str::Owned(s.to_uppercase())
}

/// `trim(s)`: leading and trailing white space removed.
pub fn trim<'a>(s: Str<'a>) -> Str<'a> {
    match s {
        Str::Borrowed(b) => Str::Borrowed(b.trim()),
        // In place: no second allocation.
        Str::Owned(mut o) => {
            o.truncate(o.trim_end().len());
            let leading = o.len() - o.trim_start().len();
            o.drain(..leading);
            Str::Owned(o)
        }
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

/// One piece of a `++` chain: text, or a value `string()` would format,
/// kept as it is so that the chain is formatted once, where it goes (one
/// allocation in [`concat_all`], none in [`crate::JsonWriter::string_parts`]).
#[derive(Debug, Clone, Copy)]
pub enum Part<'a> {
    /// Text as it is.
    Text(&'a str),
    /// `string(i)` of an integer.
    Int(i64),
    /// `string(t)` of an instant (RFC 3339 UTC).
    Instant(Timestamp),
}

impl Part<'_> {
    /// An upper bound of the part's length in bytes.
    fn max_len(&self) -> usize {
        match self {
            Part::Text(s) => s.len(),
            Part::Int(_) => 20,
            Part::Instant(_) => 32,
        }
    }
}

/// `a ++ b ++ ...` in one allocation.
pub fn concat_all(parts: &[Part<'_>]) -> String {
    let mut out = String::with_capacity(parts.iter().map(Part::max_len).sum());
    for part in parts {
        match part {
            Part::Text(s) => out.push_str(s),
            Part::Int(i) => out.push_str(itoa::Buffer::new().format(*i)),
            Part::Instant(ts) => {
                let mut text = [0; 20];
                if crate::time::write_whole_second(*ts, &mut text) {
                    out.extend(text.iter().map(|&b| char::from(b)));
                } else {
                    out.push_str(&ts.to_string());
                }
            }
        }
    }
    out
}

/// `starts_with(s, prefix)`.
pub fn starts_with(s: &str, prefix: &str) -> bool {
    s.starts_with(prefix)
}

/// `ends_with(s, suffix)`.
pub fn ends_with(s: &str, suffix: &str) -> bool {
    s.ends_with(suffix)
}

/// `contains(s, part)`: `part` occurs in `s` (the empty string always does).
pub fn contains(s: &str, part: &str) -> bool {
    s.contains(part)
}

/// `concat(a, b, ...)`.
pub fn concat_strs(parts: &[&str]) -> String {
    parts.concat()
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
    itoa::Buffer::new().format(i).to_owned()
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

/// `substring(s, start, length)`: `length` characters from the `start`-th
/// (0-based); past the end, what there is. R113 for a negative `start` or
/// `length`.
pub fn substring(s: &str, start: i64, length: i64) -> Result<String, Fault> {
    let count = |n: i64, what: &str| {
        usize::try_from(n).map_err(|_| {
            Fault::new(
                ErrorCode::InvalidArgument,
                format!("substring {what} {n} is negative"),
            )
        })
    };
    let (start, length) = (count(start, "start")?, count(length, "length")?);
    Ok(s.chars().skip(start).take(length).collect())
}

/// `url_decode(s)`: `%XX` sequences decoded (as `decodeURIComponent` does:
/// `+` stays `+`); a `%` not followed by two hex digits is kept. R115 when
/// the decoded bytes are not UTF-8.
pub fn url_decode(s: &str) -> Result<String, Fault> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map(std::borrow::Cow::into_owned)
        .map_err(|_| {
            Fault::new(
                ErrorCode::InvalidEncoding,
                format!("{s:?} does not decode to UTF-8"),
            )
        })
}

/// `html_unescape(s)`: HTML character references decoded (`&amp;`,
/// `&eacute;`, `&#39;`, `&#x2F;`, every HTML5 named reference); text that
/// is not a reference is kept.
pub fn html_unescape(s: &str) -> String {
    html_escape::decode_html_entities(s).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substrings_count_characters() {
        assert_eq!(
            substring("gid://shopify/Order/42", 6, 7).unwrap(),
            "shopify"
        );
        assert_eq!(substring("Zürich", 1, 2).unwrap(), "ür");
        assert_eq!(substring("abc", 2, 10).unwrap(), "c");
        assert_eq!(substring("abc", 5, 1).unwrap(), "");
        let negative = substring("abc", -1, 1).unwrap_err();
        assert_eq!(negative.code, ErrorCode::InvalidArgument);
    }

    #[test]
    fn url_and_html_decoding() {
        assert_eq!(
            url_decode("https%3A%2F%2Fwww.amazon.com%2Fprogress-tracker%3FitemId%3Djk").unwrap(),
            "https://www.amazon.com/progress-tracker?itemId=jk"
        );
        assert_eq!(url_decode("a+b%20c%zz%4").unwrap(), "a+b c%zz%4");
        assert_eq!(url_decode("caf%C3%A9").unwrap(), "café");
        assert_eq!(
            url_decode("%FF").unwrap_err().code,
            ErrorCode::InvalidEncoding
        );
        assert_eq!(
            html_unescape("Fish &amp; Chips &lt;b&gt; &eacute;t&eacute; &#39;x&#x27; &bogus;"),
            "Fish & Chips <b> été 'x' &bogus;"
        );
    }

    #[test]
    fn prefix_suffix_and_part_tests() {
        assert!(starts_with("SKU-123", "SKU-"));
        assert!(!starts_with("sku-123", "SKU-"));
        assert!(ends_with("gid://shopify/Order/42", "/42"));
        assert!(contains("https://x.test/orders/42", "/orders/"));
        assert!(contains("abc", ""));
        assert!(!contains("", "a"));
    }

    #[test]
    fn string_builtins() {
        for i in [0, 7, -7, 10, -10, 1_000_000, i64::MAX, i64::MIN] {
            assert_eq!(from_int(i), i.to_string());
            assert_eq!(concat_all(&[Part::Int(i)]), i.to_string());
        }
        assert_eq!(
            concat_all(&[Part::Text("a"), Part::Text(""), Part::Text("bc")]),
            "abc"
        );
        for second in [0, 1_199_980_800, -62_167_219_200, -62_167_219_201, -1] {
            let ts = Timestamp::from_second(second).unwrap();
            let chain = [Part::Text("at "), Part::Instant(ts), Part::Text(".")];
            assert_eq!(concat_all(&chain), format!("at {ts}."));
        }
        let fraction = Timestamp::new(1_199_980_800, 5_000_000).unwrap();
        assert_eq!(concat_all(&[Part::Instant(fraction)]), fraction.to_string());
        assert_eq!(lower(Str::Borrowed("ÄB")), "äb");
        assert_eq!(upper(Str::Borrowed("straße")), "STRASSE");
        assert!(matches!(lower(Str::Borrowed("a@b.com")), Str::Borrowed(_)));
        assert!(matches!(upper(Str::Borrowed("US")), Str::Borrowed(_)));
        assert_eq!(upper(Str::Borrowed("us")), "US");
        assert_eq!(trim(Str::Borrowed("  x ")), "x");
        assert_eq!(trim(Str::Owned(" \t x y\n".to_owned())), "x y");
        assert_eq!(trim(Str::Owned("   ".to_owned())), "");
        assert_eq!(lower(Str::Borrowed("Jo@X.COM")), "jo@x.com");
        assert_eq!(upper(Str::Borrowed("gb")), "GB");
        assert_eq!(split("a,b", ","), vec!["a", "b"]);
        assert!(split("", ",").is_empty());
        assert_eq!(join(&["a", "b"], "-"), "a-b");
        assert_eq!(
            sha256("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
