//! Schema inference: a draft JSON Schema (2020-12) from sample payloads,
//! for `mapc schema infer`. Channels rarely publish schemas; infer a draft
//! from real samples, then review and tighten it by hand.
//!
//! Rules: types are the union of what the samples show (`integer` and
//! `number` merge to `number`); `null` seen makes the field nullable; a
//! property is `required` when every sample object has it; strings that are
//! all RFC 3339 instants get `format: date-time`, all decimal-looking ones
//! `format: decimal` (but not labels with a leading zero like `"02"`); with
//! `enums`, strings with few distinct values, some seen more than once,
//! become an `enum`, never amounts, instants, URLs or free text. An array
//! seen only empty gets no `items` (its elements are unknown, said in its
//! `description`). Properties keep the order they were first seen in.
//! [`records_at`] takes the records from under a wrapper first;
//! [`merge`] widens a reviewed schema instead of writing a new one.

mod merge;

pub use merge::{merge, Change, Merge};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Inference options.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Emit `enum` for strings with at most `max_enum` distinct values.
    pub enums: bool,
    /// Most distinct values an inferred `enum` may have.
    pub max_enum: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            enums: false,
            max_enum: 8,
        }
    }
}

/// What was seen at one position across all samples.
#[derive(Debug, Default)]
struct Seen {
    kinds: BTreeSet<&'static str>,
    objects: usize,
    properties: Vec<(String, usize, Seen)>,
    /// Where each property name is in `properties` (one lookup per key:
    /// a scan made objects with many keys quadratic).
    positions: std::collections::HashMap<String, usize>,
    items: Option<Box<Seen>>,
    strings: usize,
    date_times: usize,
    decimals: usize,
    /// Strings that cannot be enum values (amounts, instants, URLs, text).
    not_tokens: usize,
    values: BTreeMap<String, usize>,
}

fn is_decimal_text(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "0"));
    // `"02"` is a label (a department, a ticket), not an amount.
    let leading_zero = int.len() > 1 && int.starts_with('0');
    !int.is_empty()
        && !frac.is_empty()
        && !leading_zero
        && int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
}

/// Whether a string could be a value of a status-like enum: a short token,
/// not an amount, an instant, a URL or words.
fn is_token(s: &str, decimal: bool, instant: bool) -> bool {
    !decimal
        && !instant
        && !s.is_empty()
        && s.len() <= 40
        && !s.contains("://")
        && !s.chars().any(char::is_whitespace)
}

impl Seen {
    fn observe(&mut self, value: &Value, options: Options) {
        match value {
            Value::Null => {
                self.kinds.insert("null");
            }
            Value::Bool(_) => {
                self.kinds.insert("boolean");
            }
            Value::Number(n) => {
                self.kinds.insert(if n.is_i64() || n.is_u64() {
                    "integer"
                } else {
                    "number"
                });
            }
            Value::String(s) => self.observe_string(s, options),
            Value::Array(items) => {
                self.kinds.insert("array");
                let seen = self.items.get_or_insert_with(Box::default);
                for item in items {
                    seen.observe(item, options);
                }
            }
            Value::Object(map) => {
                self.kinds.insert("object");
                self.objects += 1;
                for (key, v) in map {
                    let next = self.properties.len();
                    let at = *self.positions.entry(key.clone()).or_insert(next);
                    if at == next {
                        self.properties.push((key.clone(), 0, Seen::default()));
                    }
                    if let Some((_, present, seen)) = self.properties.get_mut(at) {
                        *present += 1;
                        seen.observe(v, options);
                    }
                }
            }
        }
    }

    fn observe_string(&mut self, s: &str, options: Options) {
        self.kinds.insert("string");
        self.strings += 1;
        // What `timestamp(...)` reads, so an inferred date-time always parses.
        let instant = runtime::time::parse_rfc3339(s).is_ok();
        let decimal = is_decimal_text(s);
        self.date_times += usize::from(instant);
        self.decimals += usize::from(decimal);
        self.not_tokens += usize::from(!is_token(s, decimal, instant));
        if options.enums && self.values.len() <= options.max_enum {
            *self.values.entry(s.to_owned()).or_default() += 1;
        }
    }

    fn schema(&self, options: Options) -> Value {
        let mut out = Map::new();
        let mut kinds: Vec<&str> = self.kinds.iter().copied().collect();
        if kinds.contains(&"number") {
            kinds.retain(|k| *k != "integer");
        }
        kinds.sort_by_key(|k| (*k == "null", *k));
        match kinds.as_slice() {
            [] => {}
            [one] => {
                out.insert("type".into(), json!(one));
            }
            many => {
                out.insert("type".into(), json!(many));
            }
        }
        if self.strings > 0 && self.date_times == self.strings {
            out.insert("format".into(), json!("date-time"));
        } else if self.strings > 0 && self.decimals == self.strings {
            out.insert("format".into(), json!("decimal"));
        }
        if options.enums
            && self.not_tokens == 0
            && !self.values.is_empty()
            && self.values.len() <= options.max_enum
            && self.values.len() < self.strings
        {
            let mut values: Vec<Value> = self.values.keys().map(|v| json!(v)).collect();
            if self.kinds.contains("null") {
                values.push(Value::Null);
            }
            out.insert("enum".into(), Value::Array(values));
        }
        if self.objects > 0 {
            let mut properties = Map::new();
            let mut required = Vec::new();
            for (key, present, seen) in &self.properties {
                properties.insert(key.clone(), seen.schema(options));
                if *present == self.objects {
                    required.push(json!(key));
                }
            }
            if !required.is_empty() {
                out.insert("required".into(), Value::Array(required));
            }
            out.insert("properties".into(), Value::Object(properties));
        }
        match &self.items {
            Some(items) if !items.kinds.is_empty() => {
                out.insert("items".into(), items.schema(options));
            }
            Some(_) => {
                let unknown = "Only empty arrays in the samples: the element type is unknown; add `items` from the channel's documentation.";
                out.insert("description".into(), json!(unknown));
            }
            None => {}
        }
        Value::Object(out)
    }
}

/// The records under `route` in a sample (`.orders[]`, `.[]`, `.order`):
/// what to infer from when the samples are list pages or envelopes. `None`
/// when the sample has nothing there.
pub fn records_at(sample: &Value, route: &str) -> Option<Vec<Value>> {
    let (path, each) = match route.strip_suffix("[]") {
        Some(path) => (path, true),
        None => (route, false),
    };
    let mut value = sample;
    for key in path.split('.').filter(|k| !k.is_empty()) {
        value = value.get(key)?;
    }
    match (each, value) {
        (true, Value::Array(items)) => Some(items.clone()),
        (true, _) => None,
        (false, one) => Some(vec![one.clone()]),
    }
}

/// The schema of one position, from every value seen there.
fn infer_node(values: &[Value], options: Options) -> Value {
    let mut seen = Seen::default();
    for value in values {
        seen.observe(value, options);
    }
    seen.schema(options)
}

/// Infer a draft schema from sample documents.
pub fn infer(samples: &[Value], title: &str, options: Options) -> Value {
    let mut schema = Map::new();
    schema.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    schema.insert("title".into(), json!(title));
    schema.insert(
        "description".into(),
        json!(format!(
            "Inferred by `mapc schema infer` from {} sample(s). Review it: tighten types, add descriptions and enums from the channel's documentation.",
            samples.len()
        )),
    );
    if let Value::Object(body) = infer_node(samples, options) {
        schema.extend(body);
    }
    Value::Object(schema)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infers_types_nullability_required_and_formats() {
        let samples = [
            json!({"id": 1, "price": "19.99", "at": "2024-01-01T00:00:00Z", "note": null, "tags": ["a"], "status": "paid"}),
            json!({"id": 2, "price": "5", "at": "2024-01-02T10:00:00+01:00", "note": "x", "rate": 0.5, "status": "open"}),
            json!({"id": 3.5, "price": "1.0", "at": "2024-01-03T00:00:00Z", "tags": [], "status": "paid"}),
        ];
        let schema = infer(
            &samples,
            "T",
            Options {
                enums: true,
                max_enum: 8,
            },
        );
        assert_eq!(schema["required"], json!(["id", "price", "at", "status"]));
        assert_eq!(schema["properties"]["id"], json!({"type": "number"}));
        // Amounts never become enums, repeated or not.
        assert_eq!(
            schema["properties"]["price"],
            json!({"type": "string", "format": "decimal"})
        );
        assert_eq!(schema["properties"]["at"]["format"], json!("date-time"));
        assert_eq!(
            schema["properties"]["note"]["type"],
            json!(["string", "null"])
        );
        // One observation is not enough to call a string an enum.
        assert_eq!(
            schema["properties"]["tags"],
            json!({"type": "array", "items": {"type": "string"}})
        );
        assert_eq!(
            schema["properties"]["status"]["enum"],
            json!(["open", "paid"])
        );
        let plain = infer(&samples, "T", Options::default());
        assert!(plain["properties"]["status"].get("enum").is_none());
    }

    #[test]
    fn an_object_with_many_keys_is_inferred_in_one_pass() {
        let n = 50_000;
        let object: Map<String, Value> = (0..n).map(|i| (format!("k{i}"), json!(i))).collect();
        let schema = infer(
            &[Value::Object(object.clone()), Value::Object(object)],
            "Wide",
            Options::default(),
        );
        let properties = schema["properties"].as_object().map(Map::len);
        assert_eq!(properties, Some(n));
        assert_eq!(schema["required"].as_array().map(Vec::len), Some(n));
        assert_eq!(
            schema["properties"]
                .as_object()
                .and_then(|p| p.keys().next_back())
                .map(String::as_str),
            Some("k49999")
        );
    }

    #[test]
    fn decimal_text_detection() {
        for (text, want) in [
            ("19.99", true),
            ("-3", true),
            ("1e5", false),
            ("1.", false),
            (".5", false),
            ("", false),
            ("12a", false),
            ("02", false),
            ("0.5", true),
            ("10", true),
        ] {
            assert_eq!(is_decimal_text(text), want, "{text}");
        }
    }

    #[test]
    fn enums_only_for_repeated_tokens_and_empty_arrays_are_unknown() {
        let samples = [
            json!({"dept": "02", "url": "https://x.example/a", "note": "left at door", "kind": "a", "once": "x", "tags": []}),
            json!({"dept": "03", "url": "https://x.example/a", "note": "left at door", "kind": "a", "once": "y", "tags": []}),
        ];
        let options = Options {
            enums: true,
            max_enum: 8,
        };
        let schema = infer(&samples, "T", options);
        let p = &schema["properties"];
        assert_eq!(p["dept"], json!({"type": "string"}));
        assert_eq!(p["url"], json!({"type": "string"}));
        assert_eq!(p["note"], json!({"type": "string"}));
        assert_eq!(p["kind"], json!({"type": "string", "enum": ["a"]}));
        assert_eq!(p["once"], json!({"type": "string"}));
        assert_eq!(
            p["tags"],
            json!({"type": "array", "description": "Only empty arrays in the samples: the element type is unknown; add `items` from the channel's documentation."})
        );
    }

    #[test]
    fn records_are_taken_from_under_a_wrapper() {
        let page = json!({"orders": [{"id": 1}, {"id": 2}], "page": 1});
        assert_eq!(
            records_at(&page, ".orders[]"),
            Some(vec![json!({"id": 1}), json!({"id": 2})])
        );
        assert_eq!(
            records_at(&json!([1, 2]), ".[]"),
            Some(vec![json!(1), json!(2)])
        );
        assert_eq!(
            records_at(&json!({"order": {"id": 1}}), ".order"),
            Some(vec![json!({"id": 1})])
        );
        assert_eq!(records_at(&page, ".missing[]"), None);
        assert_eq!(records_at(&page, ".page[]"), None);
    }
}
