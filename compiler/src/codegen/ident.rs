//! Schema and mapping names -> Rust identifiers, in one place.

/// Rust keywords (strict and reserved) that cannot be field names.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// A field identifier for a JSON property name: invalid characters become
/// `_`, a leading digit gets a `_` prefix, keywords get a `_` suffix.
pub fn field(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if KEYWORDS.contains(&out.as_str()) || out == "_" {
        out.push('_');
    }
    out
}

/// Names generated code uses for itself: a mapping's local never takes one.
const GENERATED: &[&str] = &[
    "acc", "d", "f", "input", "key", "o", "out", "p", "payload", "result", "runtime", "s", "start",
    "v", "w", "x",
];

/// Rust identifiers for a mapping's locals, from the names they were bound
/// with: sanitized, never a name generated code uses itself (`w`, `acc`,
/// temporaries `t<n>`), and unique (a second `item` is `item_2`).
pub fn locals(names: &[String]) -> Vec<String> {
    let mut taken = std::collections::BTreeSet::new();
    names
        .iter()
        .map(|name| {
            let base = field(name).to_lowercase();
            let temp = base
                .strip_prefix('t')
                .is_some_and(|n| n.parse::<u32>().is_ok());
            let reserved = GENERATED.contains(&base.as_str()) || temp || base.starts_with("l_");
            let mut n = 1;
            let mut candidate = if reserved {
                format!("{base}_1")
            } else {
                base.clone()
            };
            while !taken.insert(candidate.clone()) {
                n += 1;
                candidate = format!("{base}_{n}");
            }
            candidate
        })
        .collect()
}

/// The function of a lookup table: `table_<name>`.
pub fn table(name: &str) -> String {
    format!("table_{}", field(name).to_lowercase())
}

/// The module name of a mapping id: `shopify.order` -> `shopify_order`.
pub fn module(mapping_id: &str) -> String {
    field(&mapping_id.replace('.', "_").to_lowercase())
}

/// A Rust string literal for any text.
pub fn string_literal(text: &str) -> String {
    format!("{text:?}")
}

/// `Some("...")` or `None`: an optional text as a Rust literal.
pub fn optional_string_literal(text: Option<&str>) -> String {
    match text {
        Some(text) => format!("Some({})", string_literal(text)),
        None => "None".to_owned(),
    }
}

/// A Rust byte string literal (`b"..."`) for the UTF-8 bytes of `text`.
pub fn byte_string_literal(text: &str) -> String {
    let mut out = String::from("b\"");
    for b in text.bytes() {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitizes_names() {
        let cases = [
            ("line_items", "line_items"),
            ("type", "type_"),
            ("self", "self_"),
            ("$type", "_type"),
            ("2x", "_2x"),
            ("ship-to", "ship_to"),
            ("", "__"),
            ("_", "__"),
            ("Amount", "Amount"),
        ];
        for (input, want) in cases {
            assert_eq!(field(input), want, "{input}");
        }
        assert_eq!(module("shopify.order"), "shopify_order");
        let names = ["item", "w", "item", "t3", "type", "Total", "index"].map(String::from);
        assert_eq!(
            locals(&names),
            ["item", "w_1", "item_2", "t3_1", "type_", "total", "index"]
        );
        assert_eq!(table("financial_status"), "table_financial_status");
        assert_eq!(string_literal("a\"b\n"), r#""a\"b\n""#);
        assert_eq!(byte_string_literal("a\"\\é\n"), r#"b"a\"\\\xc3\xa9\x0a""#);
    }
}
