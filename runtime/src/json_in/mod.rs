//! Reading JSON records: a scanner over one record's text that validates
//! everything (UTF-8 once for the whole record, RFC 8259 grammar, nesting
//! depth) and builds only what it is asked for. Keys come out as raw bytes
//! for a `match`, strings borrow from the input unless they hold escapes,
//! numbers stay exact tokens, and values nobody reads are skipped without
//! being decoded.
//!
//! Generated code and the reference evaluator both read payloads through
//! [`Reader`], so both back ends reject a record with the same code, JSON
//! path and message. A [`ReadError`] collects its JSON path while it
//! unwinds, so reading pays nothing for paths until something fails.

mod error;
mod strings;

pub use error::ReadError;
pub(crate) use strings::skip_plain;

use crate::error::RuntimeError;
use crate::source::JsonDecimal;

/// Deepest nesting of arrays and objects accepted (as serde_json).
const MAX_DEPTH: u32 = 128;

/// What tells an object from an array while reading their items.
struct Container {
    close: u8,
    eof: &'static str,
    expected: &'static str,
}

const OBJECT: Container = Container {
    close: b'}',
    eof: "EOF while parsing an object",
    expected: "expected `,` or `}` after an object member",
};

const ARRAY: Container = Container {
    close: b']',
    eof: "EOF while parsing an array",
    expected: "expected `,` or `]` after an array element",
};

/// A cursor over one JSON record.
#[derive(Clone)]
pub struct Reader<'a> {
    text: &'a str,
    input: &'a [u8],
    pos: usize,
    depth: u32,
}

/// Read one whole record with `read`, then check nothing but whitespace
/// follows it.
pub fn read_record<'a, T>(
    input: &'a [u8],
    read: impl FnOnce(&mut Reader<'a>) -> Result<T, ReadError>,
) -> Result<T, RuntimeError> {
    read_text(utf8(input)?, read)
}

/// A record's text: R101 when it is not UTF-8.
pub fn utf8(input: &[u8]) -> Result<&str, RuntimeError> {
    // SIMD validation; std's only to say where a bad record goes wrong.
    simdutf8::basic::from_utf8(input).map_err(|_| {
        let at = std::str::from_utf8(input)
            .err()
            .map_or(0, |e| e.valid_up_to());
        let message = "invalid UTF-8".to_owned();
        ReadError::new(true, at, message).into_runtime(input)
    })
}

/// [`read_record`] of text already known to be UTF-8.
pub fn read_text<'a, T>(
    text: &'a str,
    read: impl FnOnce(&mut Reader<'a>) -> Result<T, ReadError>,
) -> Result<T, RuntimeError> {
    let input = text.as_bytes();
    let mut reader = Reader::new(text);
    read(&mut reader)
        .and_then(|value| reader.end().map(|()| value))
        .map_err(|e| {
            // A shape error can come first in reading order while the
            // record is not JSON at all: then that is what it is (R101).
            if !e.is_syntax() {
                let mut whole = Reader::new(text);
                if let Err(syntax) = whole.skip().and_then(|()| whole.end()) {
                    return syntax.into_runtime(input);
                }
            }
            e.into_runtime(input)
        })
}

impl<'a> Reader<'a> {
    /// A reader at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            input: text.as_bytes(),
            pos: 0,
            depth: 0,
        }
    }

    #[inline]
    fn byte_at(&self, at: usize) -> Option<u8> {
        self.input.get(at).copied()
    }

    /// The next byte after whitespace, not consumed.
    #[inline]
    fn peek(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.byte_at(self.pos) {
            self.pos += 1;
        }
        self.byte_at(self.pos)
    }

    fn syntax(&self, message: impl Into<String>) -> ReadError {
        ReadError::new(true, self.pos, message.into())
    }

    /// A failure at the current position about the value that starts there.
    fn shape(&self, message: String) -> ReadError {
        ReadError::new(false, self.pos, message)
    }

    /// The next value is not what the schema says: R102 if it is a valid
    /// JSON value of another kind, R101 if it is not JSON at all.
    fn unexpected(&mut self, expected: &str) -> ReadError {
        match self.peek() {
            None => self.syntax("EOF while parsing a value"),
            Some(b'"' | b'{' | b'[' | b't' | b'f' | b'n' | b'-' | b'0'..=b'9') => {
                let mut probe = self.clone();
                match probe.skip() {
                    Err(broken) if broken.is_syntax() => broken,
                    _ => {
                        let found = self.describe();
                        self.shape(format!("expected {expected}, found {found}"))
                    }
                }
            }
            Some(_) => self.syntax("expected a JSON value"),
        }
    }

    /// How the value at the current position reads in a message.
    fn describe(&self) -> String {
        let rest = self.input.get(self.pos..).unwrap_or_default();
        match rest.first() {
            Some(b'{') => "an object".to_owned(),
            Some(b'[') => "an array".to_owned(),
            Some(b'"') => {
                let end = rest
                    .iter()
                    .skip(1)
                    .position(|&b| b == b'"')
                    .map_or(rest.len(), |i| i + 2);
                let text = String::from_utf8_lossy(rest.get(..end.min(42)).unwrap_or(rest));
                let dots = if end > 42 { "..." } else { "" };
                format!("the string {text}{dots}")
            }
            Some(b't') => "true".to_owned(),
            Some(b'f') => "false".to_owned(),
            Some(b'n') => "null".to_owned(),
            _ => {
                let len = rest
                    .iter()
                    .position(|b| !matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
                    .unwrap_or(rest.len());
                let token = String::from_utf8_lossy(rest.get(..len.min(40)).unwrap_or(rest));
                format!("the number {token}")
            }
        }
    }

    /// Check that only whitespace is left.
    pub fn end(&mut self) -> Result<(), ReadError> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.syntax("trailing characters")),
        }
    }

    /// Enter the container whose opening byte is at the cursor; whether it
    /// is empty (then it is left again, closing byte consumed).
    #[inline(always)]
    fn open(&mut self, container: &Container) -> Result<bool, ReadError> {
        self.descend()?;
        if self.peek() == Some(container.close) {
            self.pos += 1;
            self.depth -= 1;
            return Ok(true);
        }
        Ok(false)
    }

    /// After an item: `,` (another follows: true) or the closing byte (the
    /// container is left: false).
    #[inline(always)]
    fn next_item(&mut self, container: &Container) -> Result<bool, ReadError> {
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                Ok(true)
            }
            Some(b) if b == container.close => {
                self.pos += 1;
                self.depth -= 1;
                Ok(false)
            }
            None => Err(self.syntax(container.eof)),
            Some(_) => Err(self.syntax(container.expected)),
        }
    }

    fn descend(&mut self) -> Result<(), ReadError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.syntax("recursion limit exceeded"));
        }
        self.pos += 1;
        Ok(())
    }

    /// Read an object: `each` is called with every key (raw bytes, escapes
    /// decoded) and must consume its value ([`Reader::skip`] for keys it
    /// does not want). Errors from `each` get the key added to their path.
    #[inline]
    pub fn object(
        &mut self,
        mut each: impl FnMut(&mut Self, &[u8]) -> Result<(), ReadError>,
    ) -> Result<(), ReadError> {
        if self.peek() != Some(b'{') {
            return Err(self.unexpected("a JSON object"));
        }
        if self.open(&OBJECT)? {
            return Ok(());
        }
        let input = self.input;
        loop {
            let (start, end, escaped) = self.key()?;
            let decoded;
            let key = if escaped {
                decoded = self.unescape(input.get(start..end).unwrap_or_default(), start)?;
                decoded.as_bytes()
            } else {
                input.get(start..end).unwrap_or_default()
            };
            each(self, key).map_err(|e| e.under_key(key))?;
            if !self.next_item(&OBJECT)? {
                return Ok(());
            }
        }
    }

    /// A key and its colon: the key's byte range and whether it holds
    /// escapes (as [`Reader::scan_string`]). Always inlined: returned through
    /// memory, the small tuple cost a store-forwarding stall per key.
    #[inline(always)]
    fn key(&mut self) -> Result<(usize, usize, bool), ReadError> {
        match self.peek() {
            Some(b'"') => {}
            None => return Err(self.syntax("EOF while parsing an object")),
            Some(_) => return Err(self.syntax("expected a key in double quotes")),
        }
        let span = self.scan_string()?;
        match self.peek() {
            Some(b':') => {
                self.pos += 1;
                Ok(span)
            }
            None => Err(self.syntax("EOF while parsing an object")),
            Some(_) => Err(self.syntax("expected `:` after a key")),
        }
    }

    /// Read an array, calling `each` for every element with its index.
    /// Errors from `each` get the index added to their path.
    #[inline]
    pub fn array(
        &mut self,
        mut each: impl FnMut(&mut Self) -> Result<(), ReadError>,
    ) -> Result<(), ReadError> {
        if self.peek() != Some(b'[') {
            return Err(self.unexpected("an array"));
        }
        if self.open(&ARRAY)? {
            return Ok(());
        }
        let mut index = 0;
        loop {
            each(self).map_err(|e| e.under_index(index))?;
            index += 1;
            if !self.next_item(&ARRAY)? {
                return Ok(());
            }
        }
    }

    /// An array read into a `Vec`, each element with `read`.
    pub fn list<T>(
        &mut self,
        mut read: impl FnMut(&mut Self) -> Result<T, ReadError>,
    ) -> Result<Vec<T>, ReadError> {
        let mut out = Vec::new();
        self.array(|r| {
            out.push(read(r)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// For XML payloads, where a list of one cannot be told from one
    /// element: an array is read as [`Reader::list`], anything else as a
    /// list of one.
    pub fn one_or_many<T>(
        &mut self,
        mut read: impl FnMut(&mut Self) -> Result<T, ReadError>,
    ) -> Result<Vec<T>, ReadError> {
        if self.peek() == Some(b'[') {
            self.list(read)
        } else {
            read(self).map(|one| vec![one])
        }
    }

    /// `null` as `None`, anything else read with `read`.
    #[inline]
    pub fn nullable<T>(
        &mut self,
        read: impl FnOnce(&mut Self) -> Result<T, ReadError>,
    ) -> Result<Option<T>, ReadError> {
        if self.peek() == Some(b'n') {
            self.literal(b"null")?;
            return Ok(None);
        }
        read(self).map(Some)
    }

    /// Read a field's value into its slot; a second occurrence of the same
    /// key is an error (which of the two would count is anyone's guess).
    #[inline]
    pub fn once<T>(
        &mut self,
        slot: &mut Option<T>,
        name: &str,
        read: impl FnOnce(&mut Self) -> Result<T, ReadError>,
    ) -> Result<(), ReadError> {
        if slot.is_some() {
            self.peek();
            return Err(self.shape(format!("duplicate field `{name}`")));
        }
        *slot = Some(read(self)?);
        Ok(())
    }

    /// A required field's value, after its object was read.
    #[inline]
    pub fn required<T>(&self, slot: Option<T>, name: &str) -> Result<T, ReadError> {
        match slot {
            Some(value) => Ok(value),
            None => Err(self.missing(name)),
        }
    }

    /// The error for a required field the object just read lacks.
    pub fn missing(&self, name: &str) -> ReadError {
        // The position is just past the object's `}`.
        ReadError::new(
            false,
            self.pos.saturating_sub(1),
            format!("missing field `{name}`"),
        )
    }

    /// Skip one value, checking it is valid JSON, and give its text (what
    /// the host cuts a payload along routes with, decoding nothing).
    pub fn skip_text(&mut self) -> Result<&'a str, ReadError> {
        self.peek();
        let start = self.pos;
        self.skip()?;
        Ok(self.text.get(start..self.pos).unwrap_or_default())
    }

    /// Skip one value of any kind, checking it is valid JSON.
    pub fn skip(&mut self) -> Result<(), ReadError> {
        match self.peek() {
            Some(b'"') => self.scan_string().map(drop),
            Some(b'{') => self.skip_object(),
            Some(b'[') => self.skip_array(),
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(b'-' | b'0'..=b'9') => self.number().map(drop),
            _ => Err(self.unexpected("a JSON value")),
        }
    }

    /// [`Reader::object`] for a value nobody reads: keys are scanned, not
    /// decoded, and only syntax errors can occur (so no path is kept).
    fn skip_object(&mut self) -> Result<(), ReadError> {
        let mut more = !self.open(&OBJECT)?;
        while more {
            self.key()?;
            self.skip()?;
            more = self.next_item(&OBJECT)?;
        }
        Ok(())
    }

    /// [`Reader::array`] for a value nobody reads.
    fn skip_array(&mut self) -> Result<(), ReadError> {
        let mut more = !self.open(&ARRAY)?;
        while more {
            self.skip()?;
            more = self.next_item(&ARRAY)?;
        }
        Ok(())
    }

    /// `true`, `false` or `null` (the length known at compile time makes
    /// the comparison one load).
    #[inline]
    fn literal<const N: usize>(&mut self, word: &[u8; N]) -> Result<(), ReadError> {
        let end = self.pos + N;
        if self.input.get(self.pos..end) == Some(&word[..]) {
            self.pos = end;
            return Ok(());
        }
        if self.input.len() < end
            && self
                .input
                .get(self.pos..)
                .is_some_and(|rest| word.starts_with(rest))
        {
            self.pos = self.input.len();
            return Err(self.syntax("EOF while parsing a value"));
        }
        Err(self.syntax("expected a JSON value"))
    }

    /// Scan a number token (RFC 8259 grammar) at the cursor.
    fn number(&mut self) -> Result<&'a str, ReadError> {
        let start = self.pos;
        let mut at = start;
        let digits = |at: &mut usize| {
            let from = *at;
            while let Some(b'0'..=b'9') = self.byte_at(*at) {
                *at += 1;
            }
            *at > from
        };
        if self.byte_at(at) == Some(b'-') {
            at += 1;
        }
        let int_ok = match self.byte_at(at) {
            Some(b'0') => {
                at += 1;
                true
            }
            _ => digits(&mut at),
        };
        let frac_ok = self.byte_at(at) != Some(b'.') || {
            at += 1;
            digits(&mut at)
        };
        let exp_ok = !matches!(self.byte_at(at), Some(b'e' | b'E')) || {
            at += 1;
            if let Some(b'+' | b'-') = self.byte_at(at) {
                at += 1;
            }
            digits(&mut at)
        };
        if !(int_ok && frac_ok && exp_ok) {
            self.pos = at;
            return Err(if at >= self.input.len() {
                self.syntax("EOF while parsing a number")
            } else {
                self.syntax("invalid number")
            });
        }
        self.pos = at;
        // The grammar above admits ASCII only: both ends are boundaries.
        Ok(self.text.get(start..at).unwrap_or_default())
    }

    /// A number token, checked against the grammar, not converted.
    fn number_token(&mut self, expected: &str) -> Result<(usize, &'a str), ReadError> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => {
                let at = self.pos;
                self.number().map(|token| (at, token))
            }
            _ => Err(self.unexpected(expected)),
        }
    }

    /// A 64-bit integer (`1.0` and `1e3` are not integers here).
    #[inline]
    pub fn int(&mut self) -> Result<i64, ReadError> {
        if let Some(value) = self.plain_int() {
            return Ok(value);
        }
        let (at, token) = self.number_token("an integer")?;
        token.parse().map_err(|_| {
            ReadError::new(
                false,
                at,
                format!("expected a 64-bit integer, found the number {token}"),
            )
        })
    }

    /// The common integer, `-?digits` (at most 18, no leading zero, no
    /// fraction or exponent after it), parsed while it is scanned; `None`
    /// (nothing consumed) for anything else, which [`Reader::int`] reads the
    /// general way.
    fn plain_int(&mut self) -> Option<i64> {
        self.peek();
        let negative = self.byte_at(self.pos) == Some(b'-');
        let first = self.pos + usize::from(negative);
        let mut at = first;
        let mut value: i64 = 0;
        while let Some(digit @ b'0'..=b'9') = self.byte_at(at) {
            if at - first == 18 {
                return None;
            }
            value = value * 10 + i64::from(digit - b'0');
            at += 1;
        }
        let leading_zero = self.byte_at(first) == Some(b'0') && at - first > 1;
        if at == first || leading_zero || matches!(self.byte_at(at), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        self.pos = at;
        Some(if negative { -value } else { value })
    }

    /// A JSON number read exactly as a decimal (never through `f64`).
    #[inline]
    pub fn decimal(&mut self) -> Result<JsonDecimal, ReadError> {
        let (at, token) = self.number_token("a number")?;
        crate::decimal::parse(token)
            .map(JsonDecimal)
            .map_err(|f| ReadError::new(false, at, f.message))
    }

    /// `true` or `false`.
    pub fn bool(&mut self) -> Result<bool, ReadError> {
        match self.peek() {
            Some(b't') => self.literal(b"true").map(|()| true),
            Some(b'f') => self.literal(b"false").map(|()| false),
            _ => Err(self.unexpected("a boolean")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::Str;

    /// What reading `input` as `{"a": [int], "s": string?}` gives, as text.
    fn read(input: &str) -> Result<String, String> {
        read_record(input.as_bytes(), |r| {
            let mut a = None;
            let mut s = None;
            r.object(|r, key| match key {
                b"a" => r.once(&mut a, "a", |r| r.list(Reader::int)),
                b"s" => r.once(&mut s, "s", |r| r.nullable(Reader::str)),
                _ => r.skip(),
            })?;
            let a = r.required(a, "a")?;
            let s = s.flatten().map(|s| s.0.into_owned());
            Ok(format!("{a:?} {s:?}"))
        })
        .map_err(|e| format!("{} at {}: {}", e.code, e.path, e.message))
    }

    #[test]
    fn reads_wanted_fields_and_skips_the_rest() {
        let input = r#" {"x": {"deep": [1, 2.5e-3, "\u00e9\n", true, null, {}]}, "a": [1, -2],
            "s": "caf\u00e9 \ud83d\ude00", "y": [] } "#;
        assert_eq!(read(input).unwrap(), "[1, -2] Some(\"café 😀\")");
        assert_eq!(read(r#"{"a":[],"s":null}"#).unwrap(), "[] None");
        assert_eq!(read("{\"x\": \"\u{e9}\", \"a\": []}").unwrap(), "[] None");
    }

    #[test]
    fn strings_borrow_unless_escaped() {
        let mut r = Reader::new(r#""plain" "esc\"aped""#);
        assert!(matches!(r.str().unwrap().0, Str::Borrowed("plain")));
        assert!(matches!(r.str().unwrap().0, Str::Owned(s) if s == "esc\"aped"));
    }

    #[test]
    fn integers_read_fast_or_general_alike() {
        let ok = [
            ("0", 0),
            ("-0", 0),
            ("7", 7),
            ("-42", -42),
            ("123456789012345678", 123_456_789_012_345_678),
            ("1234567890123456789", 1_234_567_890_123_456_789),
            ("9223372036854775807", i64::MAX),
            ("-9223372036854775808", i64::MIN),
            (" 5 ", 5),
        ];
        for (text, want) in ok {
            let mut r = Reader::new(text);
            assert_eq!(r.int().ok(), Some(want), "{text}");
            assert!(r.end().is_ok(), "{text}");
        }
        for text in ["1.0", "1e3", "-", "9223372036854775808", "01", "\"1\""] {
            let mut r = Reader::new(text);
            let read = r.int().and_then(|_| r.end());
            assert!(read.is_err(), "{text}");
        }
    }

    #[test]
    fn numbers_stay_exact() {
        let mut r = Reader::new("0.1 1e2 -0.000 12345678901234567890.5");
        let got: Vec<String> = (0..4).map(|_| r.decimal().unwrap().0.to_string()).collect();
        assert_eq!(got, ["0.1", "100", "0.000", "12345678901234567890.5"]);
    }

    #[test]
    fn scalar_text_is_the_value_as_written() {
        let mut r = Reader::new(r#" "a\"b" 12.50 -1e2 true false "4" "#);
        let got: Vec<String> = (0..6)
            .map(|_| r.scalar_text().unwrap().to_string())
            .collect();
        assert_eq!(got, ["a\"b", "12.50", "-1e2", "true", "false", "4"]);
        assert!(r.end().is_ok());
        for text in ["null", "{}", "[1]", "tru", "01"] {
            let mut r = Reader::new(text);
            let read = r.scalar_text().and_then(|_| r.end());
            assert!(read.is_err(), "{text}");
        }
    }

    #[test]
    fn shape_errors_carry_paths() {
        let cases = [
            (r#"{"a": [1, "2"]}"#, "R102 at $.a[1]: the record does not match the source schema: expected an integer, found the string \"2\" at line 1 column 11"),
            (r#"{"a": [1.5]}"#, "R102 at $.a[0]: the record does not match the source schema: expected a 64-bit integer, found the number 1.5 at line 1 column 8"),
            (r#"{"s": "x"}"#, "R102 at $: the record does not match the source schema: missing field `a` at line 1 column 10"),
            (r#"{"a": [], "a": []}"#, "R102 at $.a: the record does not match the source schema: duplicate field `a` at line 1 column 16"),
            (r#"[1]"#, "R102 at $: the record does not match the source schema: expected a JSON object, found an array at line 1 column 1"),
            (r#"{"a": 9223372036854775808}"#, "R102 at $.a: the record does not match the source schema: expected an array, found the number 9223372036854775808 at line 1 column 7"),
        ];
        for (input, expected) in cases {
            assert_eq!(read(input).unwrap_err(), expected, "{input}");
        }
    }

    #[test]
    fn broken_json_is_r101_wherever_it_is() {
        let cases = [
            ("", "EOF while parsing a value at line 1 column 1"),
            ("not json", "expected a JSON value at line 1 column 1"),
            (r#"[1, x]"#, "expected a JSON value at line 1 column 5"),
            (
                r#"{"a": "x"#,
                "EOF while parsing a string at line 1 column 9",
            ),
            (
                r#"{"a": [1, 2"#,
                "EOF while parsing an array at line 1 column 12",
            ),
            (r#"{"x": tru}"#, "expected a JSON value at line 1 column 7"),
            (
                r#"{"x": "a	b", "a": []}"#,
                "control character in a string at line 1 column 9",
            ),
            (
                r#"{"x": "\q", "a": []}"#,
                "invalid escape in a string at line 1 column 8",
            ),
            (
                r#"{"x": 01, "a": []}"#,
                "expected `,` or `}` after an object member at line 1 column 8",
            ),
            (r#"{"x": -, "a": []}"#, "invalid number at line 1 column 8"),
            (r#"{"x": 1.}"#, "invalid number at line 1 column 9"),
            (
                r#"{"a": [], "s": "\ud800"}"#,
                "lone leading surrogate in a \\u escape at line 1 column 17",
            ),
            (r#"{"a": []} x"#, "trailing characters at line 1 column 11"),
            (
                "{\"a\": []\n,\n}",
                "expected a key in double quotes at line 3 column 1",
            ),
            (r#"{"a" []}"#, "expected `:` after a key at line 1 column 6"),
            (
                r#"{"a": [], "s": "x"#,
                "EOF while parsing a string at line 1 column 18",
            ),
            (
                r#"{"a": [], "x": nul"#,
                "EOF while parsing a value at line 1 column 19",
            ),
        ];
        for (input, expected) in cases {
            let got = read(input).unwrap_err();
            let want = format!("R101 at $: the record is not valid JSON: {expected}");
            assert_eq!(got, want, "{input}");
        }
    }

    #[test]
    fn invalid_utf8_anywhere_is_r101() {
        // Read or skipped: JSON is UTF-8 (RFC 8259), checked once per record.
        let input = b"{\"a\": [],\n \"x\": \"\xff\"}";
        let got = read_record(input, Reader::skip).unwrap_err();
        assert_eq!(
            (got.code, got.message.as_str()),
            (
                ErrorCode::InvalidJson,
                "the record is not valid JSON: invalid UTF-8 at line 2 column 8"
            )
        );
    }

    #[test]
    fn strings_are_scanned_eight_bytes_at_a_time_exactly() {
        // Every special byte at every offset of a word, after plain bytes
        // of every kind (including UTF-8 continuation bytes).
        for special in [b'"', b'\\', 0x00, 0x1f] {
            for offset in 0..20 {
                let mut bytes = "aé~ \u{7f}".repeat(4).into_bytes();
                bytes.truncate(offset);
                bytes.push(special);
                bytes.extend_from_slice(b"zzzzzzzzzz");
                assert_eq!(skip_plain(&bytes, 0), offset, "{special:#x} at {offset}");
            }
        }
        assert_eq!(skip_plain(b"plain text, no end", 0), 18);
        // The reader's own word loop: a string ending, escaping or broken at
        // every offset of a word reads exactly.
        for len in 0..20 {
            let body = "aé~ \u{7f}".repeat(5);
            let body: String = body.chars().take(len).collect();
            let plain = format!("[\"{body}\", 1]");
            let mut r = Reader::new(&plain);
            let got = r.list(|r| r.skip().map(|()| r.pos));
            assert!(got.is_ok(), "{plain}");
            let mut r = Reader::new(&plain[1..]);
            assert_eq!(r.str().unwrap().0, body.as_str());
            let escaped = format!("\"{body}\\n{body}\"");
            let mut r = Reader::new(&escaped);
            assert_eq!(r.str().unwrap().0, format!("{body}\n{body}"));
            let broken = format!("\"{body}\u{1}\"");
            let got = read_record(broken.as_bytes(), Reader::skip).unwrap_err();
            assert!(got.message.contains("control character"), "{broken}: {got}");
        }
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = "[".repeat(200) + &"]".repeat(200);
        let got = read_record(deep.as_bytes(), Reader::skip).unwrap_err();
        assert!(got.message.contains("recursion limit exceeded"), "{got}");
        let fine = "[".repeat(100) + &"]".repeat(100);
        assert!(read_record(fine.as_bytes(), Reader::skip).is_ok());
    }

    #[test]
    fn one_or_many_takes_a_single_element_as_a_list() {
        let mut r = Reader::new(r#""a" ["b", "c"]"#);
        let one = r.one_or_many(Reader::str).unwrap();
        let many = r.one_or_many(Reader::str).unwrap();
        assert_eq!((one.len(), many.len()), (1, 2));
    }
}
