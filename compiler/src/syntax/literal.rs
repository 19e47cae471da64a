//! Decoding literal tokens: strings with escapes, numbers, timestamps.

use super::ast::Literal;
use rust_decimal::Decimal;

/// Decode the inside of a string literal (escapes were checked by the grammar).
pub fn unescape(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'u' => {
                let hex: String = chars.by_ref().skip(1).take_while(|c| *c != '}').collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            other => out.push(other),
        }
    }
    Some(out)
}

/// `42` is an integer, `19.99` an exact decimal.
pub fn number(text: &str) -> Option<Literal> {
    if text.contains('.') {
        Decimal::from_str_exact(text).ok().map(Literal::Decimal)
    } else {
        text.parse::<i64>().ok().map(Literal::Int)
    }
}

/// `@2024-01-01T00:00:00Z` (RFC 3339 with an offset).
pub fn timestamp(text: &str) -> Option<Literal> {
    let rest = text.strip_prefix('@')?;
    rest.parse::<jiff::Timestamp>().ok().map(Literal::Timestamp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_literals() {
        assert_eq!(unescape(r#"a\"b\n\u{e9}"#).as_deref(), Some("a\"b\né"));
        assert_eq!(number("42"), Some(Literal::Int(42)));
        assert!(matches!(number("19.990"), Some(Literal::Decimal(d)) if d.to_string() == "19.990"));
        assert_eq!(number("99999999999999999999"), None);
        assert!(timestamp("@2024-01-01T00:00:00Z").is_some());
        assert!(timestamp("@2024-13-01").is_none());
    }
}
