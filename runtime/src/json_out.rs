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
    /// The current container already has an item (a comma goes first).
    comma: bool,
    /// The current container is an array (values are items themselves).
    array: bool,
    /// The enclosing containers' `comma` and `array`, innermost lowest.
    outer_comma: u128,
    outer_array: u128,
}

impl<'o> JsonWriter<'o> {
    /// Append to `out`.
    pub fn new(out: &'o mut Vec<u8>) -> Self {
        Self {
            out,
            comma: false,
            array: false,
            outer_comma: 0,
            outer_array: 0,
        }
    }

    #[inline]
    fn separate(&mut self) {
        if self.comma {
            self.out.push(b',');
        }
        self.comma = true;
    }

    #[inline]
    fn before_value(&mut self) {
        if self.array {
            self.separate();
        }
    }

    fn open(&mut self, byte: u8, array: bool) {
        self.before_value();
        self.out.push(byte);
        self.outer_comma = self.outer_comma << 1 | u128::from(self.comma);
        self.outer_array = self.outer_array << 1 | u128::from(self.array);
        self.comma = false;
        self.array = array;
    }

    fn close(&mut self, byte: u8) {
        self.out.push(byte);
        self.comma = self.outer_comma & 1 != 0;
        self.array = self.outer_array & 1 != 0;
        self.outer_comma >>= 1;
        self.outer_array >>= 1;
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

    /// A key already encoded as `"key":` (generated code encodes its keys
    /// once, at compile time, with [`encode_key`]).
    /// Always inlined: the key's length is then known where it is copied,
    /// which makes the copy a few moves instead of a `memcpy` call.
    #[inline(always)]
    pub fn key_encoded(&mut self, encoded: &[u8]) {
        self.separate();
        self.out.extend_from_slice(encoded);
    }

    fn raw_string(&mut self, s: &str) {
        self.out.push(b'"');
        self.string_content(s);
        self.out.push(b'"');
    }

    /// The characters of a string, escaped, without quotes.
    fn string_content(&mut self, s: &str) {
        // Most strings need no escaping: copy them as they are. Anything else
        // goes through serde_json's escaper (writing into a Vec cannot fail).
        if crate::json_in::skip_plain(s.as_bytes(), 0) == s.len() {
            self.out.extend_from_slice(s.as_bytes());
        } else if let Ok(quoted) = serde_json::to_vec(s) {
            let inner = quoted.get(1..quoted.len().saturating_sub(1));
            self.out.extend_from_slice(inner.unwrap_or_default());
        }
    }

    /// A string value made of parts (a `++` chain), written without building
    /// it first: the same bytes as [`JsonWriter::string`] of their
    /// concatenation (escaping is per character).
    pub fn string_parts(&mut self, parts: &[&str]) {
        self.before_value();
        self.out.push(b'"');
        for part in parts {
            self.string_content(part);
        }
        self.out.push(b'"');
    }

    /// A string value.
    pub fn string(&mut self, s: &str) {
        self.before_value();
        self.raw_string(s);
    }

    /// An integer value.
    pub fn int(&mut self, i: i64) {
        self.before_value();
        if i < 0 {
            self.out.push(b'-');
        }
        push_digits(self.out, u128::from(i.unsigned_abs()), 0);
    }

    /// A decimal written as a JSON number (`"type": "number"` targets).
    pub fn decimal_number(&mut self, d: Decimal) {
        self.before_value();
        push_decimal(self.out, d);
    }

    /// A decimal written as a string (`"format": "decimal"` targets).
    pub fn decimal_string(&mut self, d: Decimal) {
        self.before_value();
        self.out.push(b'"');
        push_decimal(self.out, d);
        self.out.push(b'"');
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
        if !push_whole_second(self.out, ts) {
            let _ = write!(self.out, "\"{ts}\"");
        }
    }

    /// An already-encoded JSON value.
    pub fn raw(&mut self, json: &[u8]) {
        self.before_value();
        self.out.extend_from_slice(json);
    }

    /// Money as `{"amount":"19.99","currency":"USD"}`.
    pub fn money(&mut self, m: &Money) {
        // `{"amount":"…","currency":"…"}` in one go (the object is opened
        // and closed here, so the comma state is only that of the value).
        self.before_value();
        self.out.extend_from_slice(b"{\"amount\":\"");
        push_decimal(self.out, m.amount);
        self.out.extend_from_slice(b"\",\"currency\":\"");
        // Three upper-case ASCII letters: nothing to escape.
        self.out.extend_from_slice(&m.currency.letters());
        self.out.extend_from_slice(b"\"}");
    }
}

/// `"YYYY-MM-DDTHH:MM:SSZ"` for an instant on a whole second in years 0 to
/// 9999, as jiff's `Display` writes it, without going through `fmt`; false
/// (nothing written) for any other instant.
fn push_whole_second(out: &mut Vec<u8>, ts: Timestamp) -> bool {
    let seconds = ts.as_second();
    if ts.subsec_nanosecond() != 0 || !(-62_167_219_200..253_402_300_800).contains(&seconds) {
        return false;
    }
    // Days to civil date (H. Hinnant's algorithm, proleptic Gregorian).
    let (days, second_of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let z = days + 719_468;
    let (era, day_of_era) = (z.div_euclid(146_097), z.rem_euclid(146_097));
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    let two = |n: i64| [b'0' + (n / 10 % 10) as u8, b'0' + (n % 10) as u8];
    let [y1, y2] = two(year / 100);
    let [y3, y4] = two(year);
    let [mo1, mo2] = two(month);
    let [d1, d2] = two(day);
    let [h1, h2] = two(second_of_day / 3600);
    let [mi1, mi2] = two(second_of_day / 60 % 60);
    let [s1, s2] = two(second_of_day % 60);
    out.extend_from_slice(&[
        b'"', y1, y2, y3, y4, b'-', mo1, mo2, b'-', d1, d2, b'T', h1, h2, b':', mi1, mi2, b':', s1,
        s2, b'Z', b'"',
    ]);
    true
}

/// A decimal as rust_decimal's `Display` writes it (all of its scale's
/// digits, no exponent), without going through `fmt`; zero without a sign
/// (rust_decimal keeps the sign of `-0.00` from negating a zero, which no
/// reader expects).
fn push_decimal(out: &mut Vec<u8>, d: Decimal) {
    let mantissa = d.mantissa();
    if mantissa < 0 {
        out.push(b'-');
    }
    push_digits(out, mantissa.unsigned_abs(), d.scale());
}

/// `n` in decimal with a point `scale` digits from the right (`0.05` for
/// 5 and 2): the room is made in `out` first (zeros), then the digits are
/// filled in from the right, two per division.
pub(crate) fn push_digits(out: &mut Vec<u8>, n: u128, scale: u32) {
    let scale = scale as usize;
    // Amounts fit in 64 bits: count and divide in u64 (u128 division is a
    // call).
    let small = u64::try_from(n).ok();
    let log = match small {
        Some(small) => small.checked_ilog10(),
        None => n.checked_ilog10(),
    };
    let digits = log.map_or(1, |log| log as usize + 1);
    // At least one digit before the point.
    let total = digits.max(scale + 1) + usize::from(scale > 0);
    let start = out.len();
    // Room of zeros: a block of fixed size (a few stores), cut to length.
    const BLOCK: usize = 32;
    if total <= BLOCK {
        out.extend_from_slice(&[b'0'; BLOCK]);
        out.truncate(start + total);
    } else {
        out.resize(start + total, b'0');
    }
    let Some(text) = out.get_mut(start..) else {
        return;
    };
    let point = (scale > 0).then(|| total - scale - 1);
    if let Some(slot) = point.and_then(|p| text.get_mut(p)) {
        *slot = b'.';
    }
    let mut at = total;
    let mut put = |digit: u8| {
        at -= 1;
        if Some(at) == point {
            at -= 1;
        }
        if let Some(slot) = text.get_mut(at) {
            *slot = b'0' + digit;
        }
    };
    match small {
        Some(mut small) => {
            while small >= 100 {
                let pair = (small % 100) as u8;
                put(pair % 10);
                put(pair / 10);
                small /= 100;
            }
            while small > 0 {
                put((small % 10) as u8);
                small /= 10;
            }
        }
        None => {
            let mut big = n;
            while big > 0 {
                put((big % 10) as u8);
                big /= 10;
            }
        }
    }
}

/// `"key":` as JSON text, escaped exactly as [`JsonWriter::key`] would.
pub fn encode_key(key: &str) -> String {
    let mut out = Vec::new();
    JsonWriter::new(&mut out).raw_string(key);
    out.push(b':');
    String::from_utf8_lossy(&out).into_owned()
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

    #[test]
    fn fast_string_path_matches_serde_escaping() {
        for s in [
            "plain",
            "quote\"",
            "back\\slash",
            "tab\t",
            "nl\n",
            "\u{1}",
            "Zoë Ångström €",
            "\u{7f}",
        ] {
            let mut out = Vec::new();
            JsonWriter::new(&mut out).string(s);
            assert_eq!(out, serde_json::to_vec(s).unwrap(), "{s:?}");
            let mut middle = s.len() / 2;
            while !s.is_char_boundary(middle) {
                middle += 1;
            }
            let (a, b) = s.split_at(middle);
            let mut parts = Vec::new();
            JsonWriter::new(&mut parts).string_parts(&[a, "", b]);
            assert_eq!(parts, out, "{s:?} in parts");
        }
        assert_eq!(encode_key("a\"b"), "\"a\\\"b\":");
    }

    #[test]
    fn numbers_are_written_as_display_writes_them() {
        let mut decimals = vec![
            Decimal::MAX,
            Decimal::MIN,
            Decimal::new(1, 28),
            Decimal::new(-1, 28),
            Decimal::from_i128_with_scale(u64::MAX as i128 + 1, 3),
            Decimal::from_i128_with_scale(-(u64::MAX as i128), 0),
        ];
        for mantissa in [0, 1, 5, 9, 10, 99, 100, 1999, 123_456_789, -7, -100] {
            for scale in [0, 1, 2, 3, 4, 9, 28] {
                decimals.push(Decimal::new(mantissa, scale));
            }
        }
        for d in decimals {
            let mut out = Vec::new();
            JsonWriter::new(&mut out).decimal_number(d);
            assert_eq!(String::from_utf8_lossy(&out), d.to_string(), "{d:?}");
        }
        for i in [0, 7, -7, 10, i64::MAX, i64::MIN] {
            let mut out = Vec::new();
            JsonWriter::new(&mut out).int(i);
            assert_eq!(String::from_utf8_lossy(&out), i.to_string());
        }
    }

    #[test]
    fn instants_are_written_as_jiff_displays_them() {
        let mut rng = 0x9e37_79b9_7f4a_7c15_u64;
        let mut seconds = vec![
            0,
            -1,
            951_782_400, // 2000-02-29
            -62_167_219_200,
            253_402_300_799,
            253_402_300_800,
            -62_167_219_201,
            -377_705_116_800,
        ];
        for _ in 0..2000 {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            seconds.push((rng % 330_000_000_000) as i64 - 70_000_000_000);
        }
        for second in seconds {
            for nanos in [0, 500_000_000, 1] {
                let Ok(ts) = Timestamp::new(second, nanos) else {
                    continue;
                };
                let mut out = Vec::new();
                JsonWriter::new(&mut out).timestamp(ts);
                assert_eq!(
                    String::from_utf8_lossy(&out),
                    format!("\"{ts}\""),
                    "{second}"
                );
            }
        }
    }

    #[test]
    fn a_negated_zero_is_written_without_its_sign() {
        let minus_zero = -Decimal::new(0, 2);
        let mut out = Vec::new();
        let mut w = JsonWriter::new(&mut out);
        w.begin_array();
        w.decimal_string(minus_zero);
        w.decimal_number(minus_zero);
        w.decimal_string(Decimal::new(-5, 2));
        w.end_array();
        assert_eq!(String::from_utf8_lossy(&out), r#"["0.00",0.00,"-0.05"]"#);
    }
}
