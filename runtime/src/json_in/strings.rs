//! Strings in JSON records: finding where they end eight bytes at a time
//! (SWAR), checking escapes, and decoding them only when they are read.

use super::{ReadError, Reader};
use crate::source::JsonStr;
use crate::Str;

/// Whether `b` may appear unescaped inside a string: not `"`, not `\`,
/// not a control character.
#[inline]
fn plain(b: u8) -> bool {
    b >= 0x20 && b != b'"' && b != b'\\'
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// High bits marking the bytes of `x` equal to `b` (exact for the lowest
/// marked byte, which is all that is used).
#[inline]
fn bytes_equal(x: u64, b: u8) -> u64 {
    let y = x ^ (ONES * u64::from(b));
    y.wrapping_sub(ONES) & !y & HIGHS
}

/// High bits marking the bytes of `x` below 0x20 (exact for the lowest).
#[inline]
fn control_bytes(x: u64) -> u64 {
    x.wrapping_sub(ONES * 0x20) & !x & HIGHS
}

/// The index of the first byte at or after `at` that is not [`plain`]:
/// eight bytes at a time, then byte by byte.
#[inline]
pub(crate) fn skip_plain(input: &[u8], mut at: usize) -> usize {
    while let Some(chunk) = input.get(at..at + 8) {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        let special = control_bytes(x) | bytes_equal(x, b'"') | bytes_equal(x, b'\\');
        if special != 0 {
            return at + (special.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while input.get(at).is_some_and(|&b| plain(b)) {
        at += 1;
    }
    at
}

/// Four hex digits as a number.
fn hex4(digits: Option<&[u8]>) -> Option<u32> {
    let text = std::str::from_utf8(digits?).ok()?;
    u32::from_str_radix(text, 16).ok()
}

impl<'a> Reader<'a> {
    /// Scan a string at its opening quote; the content's byte range and
    /// whether it holds escapes. Leaves the cursor after the closing quote.
    #[inline(always)]
    pub(super) fn scan_string(&mut self) -> Result<(usize, usize, bool), ReadError> {
        let start = self.pos + 1;
        // The common case: no escape, eight bytes at a time, and the first
        // special byte of a word is known to be the quote from the masks,
        // without reading it again.
        let mut at = start;
        while let Some(chunk) = self.input.get(at..at + 8) {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            let x = u64::from_le_bytes(word);
            let quote = bytes_equal(x, b'"');
            let special = quote | control_bytes(x) | bytes_equal(x, b'\\');
            if special == 0 {
                at += 8;
                continue;
            }
            let first = special & special.wrapping_neg();
            if quote & first == 0 {
                break;
            }
            at += (first.trailing_zeros() / 8) as usize;
            self.pos = at + 1;
            return Ok((start, at, false));
        }
        self.scan_string_rest(start, at)
    }

    /// [`Reader::scan_string`] from `at` on, byte by byte past escapes and
    /// near the end of the input.
    #[inline(never)]
    fn scan_string_rest(
        &mut self,
        start: usize,
        mut at: usize,
    ) -> Result<(usize, usize, bool), ReadError> {
        let mut escaped = false;
        loop {
            at = skip_plain(self.input, at);
            match self.byte_at(at) {
                Some(b'"') => {
                    self.pos = at + 1;
                    return Ok((start, at, escaped));
                }
                Some(b'\\') => {
                    escaped = true;
                    at = self.check_escape(at)?;
                }
                Some(_) => {
                    self.pos = at;
                    return Err(self.syntax("control character in a string"));
                }
                None => {
                    self.pos = at;
                    return Err(self.syntax("EOF while parsing a string"));
                }
            }
        }
    }

    /// Check the escape at `at` (a backslash); the index after it.
    fn check_escape(&mut self, at: usize) -> Result<usize, ReadError> {
        match self.byte_at(at + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(at + 2),
            Some(b'u') => {
                let hex = self.input.get(at + 2..at + 6);
                if hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                    // Surrogates as `unescape` takes them, so a skipped
                    // field and a read one accept the same strings.
                    return match hex4(hex) {
                        Some(0xD800..=0xDBFF) => {
                            let low = (
                                self.input.get(at + 6..at + 8),
                                hex4(self.input.get(at + 8..at + 12)),
                            );
                            match low {
                                (Some(b"\\u"), Some(0xDC00..=0xDFFF)) => Ok(at + 12),
                                _ => {
                                    self.pos = at;
                                    Err(self.syntax("lone leading surrogate in a \\u escape"))
                                }
                            }
                        }
                        Some(0xDC00..=0xDFFF) => {
                            self.pos = at;
                            Err(self.syntax("lone trailing surrogate in a \\u escape"))
                        }
                        _ => Ok(at + 6),
                    };
                }
                self.pos = at;
                match hex {
                    None if self.input.len() < at + 6 => {
                        Err(self.syntax("EOF while parsing a string"))
                    }
                    _ => Err(self.syntax("invalid \\u escape in a string")),
                }
            }
            None => {
                self.pos = at;
                Err(self.syntax("EOF while parsing a string"))
            }
            Some(_) => {
                self.pos = at;
                Err(self.syntax("invalid escape in a string"))
            }
        }
    }

    /// Decode a string's content (escapes already checked by the scan).
    pub(super) fn unescape(&self, raw: &[u8], start: usize) -> Result<String, ReadError> {
        let invalid = |message: &str| ReadError::new(true, start, message.to_owned());
        let mut out = Vec::with_capacity(raw.len());
        let mut rest = raw;
        while let Some(slash) = rest.iter().position(|&b| b == b'\\') {
            let (plain, escape) = rest.split_at(slash);
            out.extend_from_slice(plain);
            let (decoded, used) = match escape.get(1) {
                Some(b'u') => {
                    let first = hex4(escape.get(2..6));
                    match first {
                        Some(high @ 0xD800..=0xDBFF) => {
                            let low = match (escape.get(6..8), hex4(escape.get(8..12))) {
                                (Some(b"\\u"), Some(low @ 0xDC00..=0xDFFF)) => low,
                                _ => return Err(invalid("lone leading surrogate in a \\u escape")),
                            };
                            let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                            (char::from_u32(code), 12)
                        }
                        Some(0xDC00..=0xDFFF) => {
                            return Err(invalid("lone trailing surrogate in a \\u escape"))
                        }
                        Some(code) => (char::from_u32(code), 6),
                        None => (None, 6),
                    }
                }
                Some(b'b') => (Some('\u{8}'), 2),
                Some(b'f') => (Some('\u{c}'), 2),
                Some(b'n') => (Some('\n'), 2),
                Some(b'r') => (Some('\r'), 2),
                Some(b't') => (Some('\t'), 2),
                Some(&other) => (Some(char::from(other)), 2),
                None => (None, 1),
            };
            let decoded = decoded.ok_or_else(|| invalid("invalid escape in a string"))?;
            let mut buf = [0; 4];
            out.extend_from_slice(decoded.encode_utf8(&mut buf).as_bytes());
            rest = escape.get(used..).unwrap_or_default();
        }
        out.extend_from_slice(rest);
        String::from_utf8(out).map_err(|_| invalid("invalid UTF-8 in a string"))
    }

    /// The text of a string, number or boolean, as the payload writes it
    /// (a number's token exactly, `true`, `false`): a value the schema lets
    /// be any of these.
    pub fn scalar_text(&mut self) -> Result<JsonStr<'a>, ReadError> {
        let first = self.peek();
        let start = self.pos;
        match first {
            Some(b'"') => return self.str(),
            Some(b'-' | b'0'..=b'9') => return self.number().map(|t| JsonStr(Str::Borrowed(t))),
            Some(b't') => self.literal(b"true")?,
            Some(b'f') => self.literal(b"false")?,
            _ => return Err(self.unexpected("a string, number or boolean")),
        }
        // `true` and `false` are ASCII: both ends are boundaries.
        let word = self.text.get(start..self.pos).unwrap_or_default();
        Ok(JsonStr(Str::Borrowed(word)))
    }

    /// A string, borrowed from the input unless it holds escapes.
    #[inline]
    pub fn str(&mut self) -> Result<JsonStr<'a>, ReadError> {
        if self.peek() != Some(b'"') {
            return Err(self.unexpected("a string"));
        }
        let (start, end, escaped) = self.scan_string()?;
        if escaped {
            let raw = self.input.get(start..end).unwrap_or_default();
            return Ok(JsonStr(Str::Owned(self.unescape(raw, start)?)));
        }
        // Quotes are ASCII, so both ends are character boundaries.
        Ok(JsonStr(Str::Borrowed(
            self.text.get(start..end).unwrap_or_default(),
        )))
    }
}
