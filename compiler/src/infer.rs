//! Schema inference: a draft JSON Schema (2020-12) from sample payloads,
//! for `mapc schema infer`. Channels rarely publish schemas; infer a draft
//! from real samples, then review and tighten it by hand.
//!
//! Rules: types are the union of what the samples show (`integer` and
//! `number` merge to `number`); `null` seen makes the field nullable; a
//! property is `required` when every sample object has it; strings that are
//! all RFC 3339 instants get `format: date-time`, all decimal-looking ones
//! `format: decimal`; with `enums`, strings with few distinct values become
//! an `enum`. Properties keep the order they were first seen in.

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
    values: BTreeMap<String, usize>,
}

fn is_decimal_text(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "0"));
    !int.is_empty()
        && !frac.is_empty()
        && int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
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
        self.date_times += usize::from(runtime::time::parse_rfc3339(s).is_ok());
        self.decimals += usize::from(is_decimal_text(s));
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
            && self.strings > 1
            && !self.values.is_empty()
            && self.values.len() <= options.max_enum
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
        if let Some(items) = &self.items {
            out.insert("items".into(), items.schema(options));
        }
        Value::Object(out)
    }
}

/// Infer a draft schema from sample documents.
pub fn infer(samples: &[Value], title: &str, options: Options) -> Value {
    let mut seen = Seen::default();
    for sample in samples {
        seen.observe(sample, options);
    }
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
    if let Value::Object(body) = seen.schema(options) {
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
        assert_eq!(
            schema["properties"]["price"],
            json!({"type": "string", "format": "decimal", "enum": ["1.0", "19.99", "5"]})
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
        ] {
            assert_eq!(is_decimal_text(text), want, "{text}");
        }
    }
}
