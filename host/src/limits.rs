//! What one payload may cost, as the operator sets it: its size in bytes
//! (checked while it is read, so a larger one is never held whole), how
//! deep it nests and how long its arrays are (checked before a mapping
//! reads it). Each limit has its own code (R118, R119, R120) and a default
//! that real channel payloads stay far below.

use runtime::{ErrorCode, RuntimeError};
use std::io::{self, Read};

/// The limits of one payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest payload, in bytes, as framed: a line, a row, a document
    /// (without its line end). R118.
    pub max_record_bytes: usize,
    /// Deepest nesting of JSON arrays and objects, at most
    /// [`Limits::MAX_DEPTH`]. R119.
    pub max_depth: usize,
    /// Most elements in one JSON array (the rows of a file read whole
    /// count too). R120.
    pub max_array_len: usize,
}

impl Limits {
    /// The JSON reader's own bound on nesting (a stack guard): no limit
    /// can be set above it.
    pub const MAX_DEPTH: usize = 128;

    /// 256 MiB payloads (the largest settlement reports are tens of MiB),
    /// nesting as deep as the reader allows (channel payloads nest under
    /// 12), arrays of a million elements. At these defaults no payload
    /// under 1 MB is scanned (see [`Limits::check_shape`]).
    pub const DEFAULT: Limits = Limits {
        max_record_bytes: 256 * 1024 * 1024,
        max_depth: Limits::MAX_DEPTH,
        max_array_len: 1_000_000,
    };

    /// R118 for a payload of `size` bytes, more than the limit. Its bytes
    /// are not kept: the error says where it is in the input instead.
    pub fn too_large(&self, size: u64) -> RuntimeError {
        RuntimeError::payload(
            ErrorCode::RecordTooLarge,
            "$",
            format!(
                "the record is {size} bytes, more than the limit of {} (--max-record-bytes); \
                 it is not kept: find it in the input by its line",
                self.max_record_bytes
            ),
        )
    }

    /// Whether JSON text nests deeper or holds a longer array than the
    /// limits allow: R119 or R120 at the path of the value that does. One
    /// scan, strings skipped by a SIMD search; whether the text is valid
    /// JSON is the reader's concern. The scan costs about a fifth of a
    /// transform's time, so it runs only when a limit can be broken: text
    /// longer than `max_array_len` bytes (that many commas), or longer than
    /// `max_depth` when it is set below the reader's own bound (at that
    /// bound the reader refuses deeper text itself, R101).
    pub fn check_shape(&self, json: &[u8]) -> Result<(), RuntimeError> {
        let check_depth = self.max_depth < Self::MAX_DEPTH;
        let could_be_deep = check_depth && json.len() > self.max_depth;
        if !could_be_deep && json.len() <= self.max_array_len {
            return Ok(());
        }
        let mut open: Vec<Container> = Vec::new();
        let mut last_string = 0..0;
        let mut i = 0;
        while let Some(&byte) = json.get(i) {
            match byte {
                b'"' => {
                    let end = string_end(json, i + 1);
                    last_string = i + 1..end;
                    i = end;
                }
                b'[' | b'{' => {
                    if check_depth && open.len() >= self.max_depth {
                        return Err(RuntimeError::payload(
                            ErrorCode::NestedTooDeep,
                            path(json, &open),
                            format!(
                                "the record nests deeper than the limit of {} levels (--max-depth)",
                                self.max_depth
                            ),
                        ));
                    }
                    open.push(Container {
                        array: byte == b'[',
                        commas: 0,
                        key: 0..0,
                    });
                }
                b']' | b'}' => {
                    open.pop();
                }
                b',' => {
                    if let Some(top) = open.last_mut().filter(|c| c.array) {
                        top.commas += 1;
                        if top.commas >= self.max_array_len {
                            let array = open.get(..open.len() - 1).unwrap_or_default();
                            return Err(RuntimeError::payload(
                                ErrorCode::ArrayTooLong,
                                path(json, array),
                                format!(
                                    "the array has more than the limit of {} elements (--max-array-len)",
                                    self.max_array_len
                                ),
                            ));
                        }
                    }
                }
                b':' => {
                    if let Some(top) = open.last_mut() {
                        top.key = last_string.clone();
                    }
                }
                _ => {}
            }
            i += 1;
        }
        Ok(())
    }
}

/// An array or object open at some point of the scan.
struct Container {
    array: bool,
    /// Commas so far (an array's current element index).
    commas: usize,
    /// Where the current member's key is in the text (objects).
    key: std::ops::Range<usize>,
}

/// The index of the quote that ends the string whose text starts at
/// `from` (the end of `json` when it never ends).
fn string_end(json: &[u8], mut from: usize) -> usize {
    loop {
        let rest = json.get(from..).unwrap_or_default();
        match memchr::memchr2(b'"', b'\\', rest) {
            Some(k) if rest.get(k) == Some(&b'\\') => from += k + 2,
            Some(k) => return from + k,
            None => return json.len(),
        }
    }
}

/// The JSON path of the current member of each of `open`, outermost first.
fn path(json: &[u8], open: &[Container]) -> String {
    let mut path = String::from("$");
    for container in open {
        if container.array {
            path.push_str(&format!("[{}]", container.commas));
        } else {
            let key = String::from_utf8_lossy(json.get(container.key.clone()).unwrap_or_default());
            if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                path.push('.');
                path.push_str(&key);
            } else {
                path.push_str(&format!("[\"{key}\"]"));
            }
        }
    }
    path
}

/// Read the rest of `input` onto `buf`, holding no more than `max` bytes
/// of it: `None` when it fits, else its whole size (the rest is read and
/// dropped, so what follows in the input stays in step).
pub fn read_capped(
    input: &mut impl Read,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<Option<u64>> {
    let held = buf.len();
    let room = (max.saturating_sub(held) as u64).saturating_add(1);
    input.by_ref().take(room).read_to_end(buf)?;
    if buf.len() <= max {
        return Ok(None);
    }
    let rest = io::copy(input, &mut io::sink())?;
    Ok(Some(buf.len() as u64 + rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(max_depth: usize, max_array_len: usize) -> Limits {
        Limits {
            max_depth,
            max_array_len,
            ..Limits::DEFAULT
        }
    }

    fn fails(json: &str, limits: Limits) -> String {
        let e = limits.check_shape(json.as_bytes()).expect_err(json);
        format!("{} at {}: {}", e.code.as_str(), e.path, e.message)
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_r119_at_its_path() {
        let ok = r#"{"a":[{"b":"[[[[[[["}]}"#;
        assert_eq!(limits(3, 100).check_shape(ok.as_bytes()), Ok(()));
        assert_eq!(
            fails(r#"{"a":[1,{"b\"c":[[1]]}]}"#, limits(3, 100)),
            r#"R119 at $.a[1]["b\"c"]: the record nests deeper than the limit of 3 levels (--max-depth)"#
        );
        assert_eq!(
            fails(&"[".repeat(100_000), limits(64, 100)),
            format!(
                "R119 at $[0]{}: the record nests deeper than the limit of 64 levels (--max-depth)",
                "[0]".repeat(63)
            )
        );
    }

    #[test]
    fn an_array_longer_than_the_limit_is_r120_at_its_path() {
        let ok = r#"{"lines":[1,2,3],"note":"1,2,3,4,5","more":{"x":1,"y":2,"z":3}}"#;
        assert_eq!(limits(8, 3).check_shape(ok.as_bytes()), Ok(()));
        assert_eq!(
            fails(r#"{"orders":[{"lines":[1,2,3,4]}]}"#, limits(8, 3)),
            "R120 at $.orders[0].lines: the array has more than the limit of 3 elements (--max-array-len)"
        );
        assert_eq!(
            fails("[1,2,3,4]", limits(8, 3)),
            "R120 at $: the array has more than the limit of 3 elements (--max-array-len)"
        );
    }

    #[test]
    fn capped_reads_hold_at_most_the_limit_and_drain_the_rest() {
        let mut buf = b"ab".to_vec();
        let mut input = &b"cdef"[..];
        assert_eq!(read_capped(&mut input, &mut buf, 6).unwrap(), None);
        assert_eq!(buf, b"abcdef");
        let (mut buf, mut input) = (b"ab".to_vec(), &b"cdefgh"[..]);
        assert_eq!(read_capped(&mut input, &mut buf, 6).unwrap(), Some(8));
        assert_eq!(buf.len(), 7, "one byte past the limit, no more");
        assert!(input.is_empty());
    }
}
