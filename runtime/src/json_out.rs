//! The canonical JSON writer: compact output, keys in the order written.
//!
//! Generated code and the evaluator both write through this type, so their
//! output is byte-identical whenever their values are.

use crate::{Decimal, Money, Timestamp};

use std::io::Write;

/// Writes one JSON value into a byte buffer, handling commas itself.
/// Nesting is limited to 128 levels (canonical schemas are far shallower).
#[derive(Debug)]
pub struct JsonWriter<'o> {
    out: &'o mut Vec<u8>,
    depth: u32,
    in_array: u128,
    has_items: u128,
}

impl<'o> JsonWriter<'o> {
    /// Append to `out`.
    pub fn new(out: &'o mut Vec<u8>) -> Self {
        Self {
            out,
            depth: 0,
            in_array: 0,
            has_items: 0,
        }
    }

    fn bit(&self) -> u128 {
        1u128 << (self.depth % 128)
    }

    fn separate(&mut self) {
        let bit = self.bit();
        if self.has_items & bit != 0 {
            self.out.push(b',');
        }
        self.has_items |= bit;
    }

    fn before_value(&mut self) {
        if self.in_array & self.bit() != 0 {
            self.separate();
        }
    }

    fn open(&mut self, byte: u8, array: bool) {
        self.before_value();
        self.out.push(byte);
        self.depth += 1;
        let bit = self.bit();
        self.has_items &= !bit;
        if array {
            self.in_array |= bit;
        } else {
            self.in_array &= !bit;
        }
    }

    fn close(&mut self, byte: u8) {
        self.out.push(byte);
        self.depth = self.depth.saturating_sub(1);
    }

    /// `{`
    pub fn begin_object(&mut self) {
        self.open(b'{', false);
    }

    /// `}`
    pub fn end_object(&mut self) {
        self.close(b'}');
    }

    /// `[`
    pub fn begin_array(&mut self) {
        self.open(b'[', true);
    }

    /// `]`
    pub fn end_array(&mut self) {
        self.close(b']');
    }

    /// `"key":` inside an object.
    pub fn key(&mut self, key: &str) {
        self.separate();
        self.raw_string(key);
        self.out.push(b':');
    }

    fn raw_string(&mut self, s: &str) {
        // Writing into a Vec<u8> cannot fail.
        let _ = serde_json::to_writer(&mut *self.out, s);
    }

    /// A string value.
    pub fn string(&mut self, s: &str) {
        self.before_value();
        self.raw_string(s);
    }

    /// An integer value.
    pub fn int(&mut self, i: i64) {
        self.before_value();
        let _ = write!(self.out, "{i}");
    }

    /// A decimal written as a JSON number (`"type": "number"` targets).
    pub fn decimal_number(&mut self, d: Decimal) {
        self.before_value();
        let _ = write!(self.out, "{d}");
    }

    /// A decimal written as a string (`"format": "decimal"` targets).
    pub fn decimal_string(&mut self, d: Decimal) {
        self.before_value();
        let _ = write!(self.out, "\"{d}\"");
    }

    /// `true` / `false`.
    pub fn bool(&mut self, b: bool) {
        self.before_value();
        self.out
            .extend_from_slice(if b { b"true" } else { b"false" });
    }

    /// `null`.
    pub fn null(&mut self) {
        self.before_value();
        self.out.extend_from_slice(b"null");
    }

    /// An instant as RFC 3339 UTC (`2008-01-10T16:00:00Z`).
    pub fn timestamp(&mut self, ts: Timestamp) {
        self.before_value();
        let _ = write!(self.out, "\"{ts}\"");
    }

    /// An already-encoded JSON value.
    pub fn raw(&mut self, json: &[u8]) {
        self.before_value();
        self.out.extend_from_slice(json);
    }

    /// Money as `{"amount":"19.99","currency":"USD"}`.
    pub fn money(&mut self, m: &Money) {
        self.begin_object();
        self.key("amount");
        self.decimal_string(m.amount);
        self.key("currency");
        self.string(m.currency.as_str());
        self.end_object();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_nested_values_with_commas() {
        let mut out = Vec::new();
        let mut w = JsonWriter::new(&mut out);
        w.begin_object();
        w.key("a");
        w.begin_array();
        w.int(1);
        w.begin_object();
        w.key("x\"y");
        w.null();
        w.end_object();
        w.bool(true);
        w.end_array();
        w.key("m");
        w.money(&Money::from_minor(1999, "USD").unwrap());
        w.end_object();
        assert_eq!(
            String::from_utf8_lossy(&out),
            r#"{"a":[1,{"x\"y":null},true],"m":{"amount":"19.99","currency":"USD"}}"#
        );
    }
}
