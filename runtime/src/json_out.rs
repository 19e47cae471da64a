//! The canonical JSON writer: compact output, keys in the order written.
//!
//! Generated code and the evaluator both write through this type, so their
//! output is byte-identical whenever their values are.

use crate::source::JsonStr;
use crate::text::Part;
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

    /// Another top-level record follows (a mapping emitting several per
    /// input writes them one a line).
    pub fn next_record(&mut self) {
        self.out.push(b'\n');
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

    /// A key encoded as `"key":` or `,"key":` by generated code that knows
    /// whether a comma is due (the fields before it are always written):
    /// no test of the comma state. Always inlined, as [`Self::key_encoded`].
    #[inline(always)]
    pub fn key_placed(&mut self, encoded: &[u8]) {
        self.comma = true;
        self.out.extend_from_slice(encoded);
    }

    fn raw_string(&mut self, s: &str) {
        self.out.push(b'"');
        self.string_content(s);
        self.out.push(b'"');
    }

    /// The characters of a string, escaped, without quotes.
    #[inline]
    fn string_content(&mut self, s: &str) {
        // Most strings need no escaping: copy them as they are.
        if crate::json_in::skip_plain(s.as_bytes(), 0) == s.len() {
            self.out.extend_from_slice(s.as_bytes());
        } else {
            self.escaped_content(s);
        }
    }

    /// [`Self::string_content`] for text with characters to escape, out of
    /// the common path: through serde_json's escaper (writing into a `Vec`
    /// cannot fail).
    #[cold]
    #[inline(never)]
    fn escaped_content(&mut self, s: &str) {
        if let Ok(quoted) = serde_json::to_vec(s) {
            let inner = quoted.get(1..quoted.len().saturating_sub(1));
            self.out.extend_from_slice(inner.unwrap_or_default());
        }
    }

    /// A string value made of parts (a `++` chain), written without building
    /// it first: the same bytes as [`JsonWriter::string`] of their
    /// concatenation (escaping is per character).
    pub fn string_parts(&mut self, parts: &[Part<'_>]) {
        self.before_value();
        self.out.push(b'"');
        for part in parts {
            match *part {
                Part::Text(s) => self.string_content(s),
                // Digits, a sign, RFC 3339: nothing to escape.
                Part::Int(i) => self
                    .out
                    .extend_from_slice(itoa::Buffer::new().format(i).as_bytes()),
                Part::Instant(ts) => self.instant(ts, false),
            }
        }
        self.out.push(b'"');
    }

    /// A string value.
    pub fn string(&mut self, s: &str) {
        self.before_value();
        self.raw_string(s);
    }

    /// A payload string value: text the reader found without escapes is
    /// copied as it is, with no second look for characters to escape.
    pub fn source_string(&mut self, s: &JsonStr<'_>) {
        self.before_value();
        self.out.push(b'"');
        if s.is_plain() {
            self.out.extend_from_slice(s.as_bytes());
        } else {
            self.string_content(s);
        }
        self.out.push(b'"');
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
        self.instant(ts, true);
    }

    /// An instant's RFC 3339 text, `quoted` or not (inside a string): room
    /// is made with one fixed-size block, then the text written in it.
    fn instant(&mut self, ts: Timestamp, quoted: bool) {
        let start = self.out.len();
        let quote = usize::from(quoted);
        self.out.extend_from_slice(&[b'"'; 22]);
        self.out.truncate(start + 20 + 2 * quote);
        let written = self
            .out
            .get_mut(start + quote..start + quote + 20)
            .and_then(|slot| <&mut [u8; 20]>::try_from(slot).ok())
            .is_some_and(|text| crate::time::write_whole_second(ts, text));
        if !written {
            self.out.truncate(start);
            let _ = if quoted {
                write!(self.out, "\"{ts}\"")
            } else {
                write!(self.out, "{ts}")
            };
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
/// 5 and 2). Amounts fit in 64 bits and carry up to four decimals: those are
/// written by [`push_fixed`] with the scale a constant; anything else by
/// [`push_any`].
pub(crate) fn push_digits(out: &mut Vec<u8>, n: u128, scale: u32) {
    match (u64::try_from(n), scale) {
        (Ok(n), 0) => push_fixed::<0>(out, n),
        (Ok(n), 1) => push_fixed::<1>(out, n),
        (Ok(n), 2) => push_fixed::<2>(out, n),
        (Ok(n), 3) => push_fixed::<3>(out, n),
        (Ok(n), 4) => push_fixed::<4>(out, n),
        _ => push_any(out, n, scale),
    }
}

/// Two-digit pairs `00` to `99`.
const PAIRS: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// `n` with `SCALE` decimals: room is made in `out` with a block of zeros
/// of fixed size (a few vector stores), then the text is filled in right to
/// left (a division by the constant 10^SCALE splits the number, then two
/// digits per division by 100) and the block cut to length. The digits go
/// straight into `out`: built in a stack buffer and copied, the copy would
/// read back bytes just stored one by one, which stalls the CPU.
fn push_fixed<const SCALE: u32>(out: &mut Vec<u8>, n: u64) {
    // 20 digits, a point, and the fraction's leading zeros fit in 32.
    const BLOCK: usize = 32;
    let start = out.len();
    out.extend_from_slice(&[b'0'; BLOCK]);
    let Some(text) = out.get_mut(start..) else {
        return;
    };
    let whole = n / 10u64.pow(SCALE);
    let mut fraction = n % 10u64.pow(SCALE);
    let whole_digits = whole.checked_ilog10().map_or(1, |log| log as usize + 1);
    let total = whole_digits + if SCALE > 0 { SCALE as usize + 1 } else { 0 };
    let mut at = total;
    for _ in 0..SCALE {
        at -= 1;
        if let Some(slot) = text.get_mut(at) {
            *slot = b'0' + (fraction % 10) as u8;
        }
        fraction /= 10;
    }
    if SCALE > 0 {
        at -= 1;
        if let Some(slot) = text.get_mut(at) {
            *slot = b'.';
        }
    }
    let mut rest = whole;
    while rest >= 10 {
        let pair = (rest % 100) as usize * 2;
        at = at.saturating_sub(2);
        if let (Some(slot), Some(digits)) = (text.get_mut(at..at + 2), PAIRS.get(pair..pair + 2)) {
            slot.copy_from_slice(digits);
        }
        rest /= 100;
    }
    // An odd digit count leaves one digit (or the `0` of zero) in front.
    if at > 0 {
        if let Some(slot) = text.get_mut(0) {
            *slot = b'0' + rest as u8;
        }
    }
    out.truncate(start + total);
}

/// Any `n` and scale: digit by digit (rust_decimal's scale goes to 28, its
/// mantissa to 96 bits).
fn push_any(out: &mut Vec<u8>, n: u128, scale: u32) {
    let scale = scale as usize;
    let digits = n.checked_ilog10().map_or(1, |log| log as usize + 1);
    // At least one digit before the point.
    let total = digits.max(scale + 1) + usize::from(scale > 0);
    let start = out.len();
    out.resize(start + total, b'0');
    let Some(text) = out.get_mut(start..) else {
        return;
    };
    let point = (scale > 0).then(|| total - scale - 1);
    if let Some(slot) = point.and_then(|p| text.get_mut(p)) {
        *slot = b'.';
    }
    let mut at = total;
    let mut rest = n;
    while rest > 0 {
        at -= 1;
        if Some(at) == point {
            at -= 1;
        }
        if let Some(slot) = text.get_mut(at) {
            *slot = b'0' + (rest % 10) as u8;
        }
        rest /= 10;
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
            // Read back from a payload (borrowed, or unescaped when it holds
            // escapes), then written as a payload string: the same bytes.
            let json = serde_json::to_vec(s).unwrap();
            let read = crate::json_in::read_record(&json, crate::json_in::Reader::str).unwrap();
            assert_eq!(read.is_plain(), !json.contains(&b'\\'), "{s:?}");
            let mut source = Vec::new();
            JsonWriter::new(&mut source).source_string(&read);
            assert_eq!(source, out, "{s:?} read from a payload");
            let mut middle = s.len() / 2;
            while !s.is_char_boundary(middle) {
                middle += 1;
            }
            let (a, b) = s.split_at(middle);
            let mut parts = Vec::new();
            JsonWriter::new(&mut parts).string_parts(&[
                Part::Text(a),
                Part::Text(""),
                Part::Text(b),
            ]);
            assert_eq!(parts, out, "{s:?} in parts");
        }
        // Formatted parts are written as `concat_all` builds them.
        let ts = Timestamp::from_second(1_199_980_800).unwrap();
        let fraction = Timestamp::new(1_199_980_800, 250_000_000).unwrap();
        for chain in [
            [Part::Text("id:"), Part::Int(-42), Part::Instant(ts)],
            [
                Part::Int(i64::MIN),
                Part::Text("\"|"),
                Part::Instant(fraction),
            ],
        ] {
            let mut out = Vec::new();
            JsonWriter::new(&mut out).string_parts(&chain);
            let built = crate::text::concat_all(&chain);
            assert_eq!(out, serde_json::to_vec(&built).unwrap(), "{built}");
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
        let mut mantissas = vec![0, 1, 5, 9, 10, 99, 100, 1999, 123_456_789, -7, -100];
        mantissas.extend([i64::MAX, i64::MIN + 1, 10_000, 99_999, 100_001]);
        let mut rng = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..3000 {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            // Every length of mantissa, both signs.
            let digits = rng % 18;
            mantissas.push(
                (rng >> 8) as i64 % 10_i64.pow(digits as u32 + 1) * [1, -1][rng as usize & 1],
            );
        }
        for mantissa in mantissas {
            for scale in [0, 1, 2, 3, 4, 5, 9, 28] {
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
