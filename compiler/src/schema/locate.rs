//! Where a JSON pointer's value is written in a schema file: the byte span
//! of the member's key (or the array element) it names, found by walking
//! the text itself, so an editor can open the file there. Only the path
//! the pointer takes is read; the values beside it are skipped.

/// The span of what `pointer` (`/properties/id`, RFC 6901) names in the JSON
/// `text`: the key of the last member (quotes included), an element, or
/// the document for `""`. `None` when the text has no such location.
pub fn pointer_span(text: &str, pointer: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut at = skip_space(bytes, 0);
    if pointer.is_empty() {
        return Some((at, value_end(bytes, at)?));
    }
    let mut span = None;
    for segment in pointer.strip_prefix('/')?.split('/') {
        let name = segment.replace("~1", "/").replace("~0", "~");
        let (key, value) = match bytes.get(at)? {
            b'{' => member(text, at, &name)?,
            b'[' => {
                let start = element(bytes, at, name.parse().ok()?)?;
                ((start, value_end(bytes, start)?), start)
            }
            _ => return None,
        };
        span = Some(key);
        at = value;
    }
    span
}

/// In the object at `open`, the member `name`: its key's span and where
/// its value starts.
fn member(text: &str, open: usize, name: &str) -> Option<((usize, usize), usize)> {
    let bytes = text.as_bytes();
    let mut at = skip_space(bytes, open + 1);
    while bytes.get(at)? == &b'"' {
        let key_end = string_end(bytes, at)?;
        let key: String = serde_json::from_str(text.get(at..key_end)?).ok()?;
        let colon = skip_space(bytes, key_end);
        (bytes.get(colon)? == &b':').then_some(())?;
        let value = skip_space(bytes, colon + 1);
        if key == name {
            return Some(((at, key_end), value));
        }
        at = skip_space(bytes, value_end(bytes, value)?);
        if bytes.get(at)? != &b',' {
            return None;
        }
        at = skip_space(bytes, at + 1);
    }
    None
}

/// In the array at `open`, where element `index` starts.
fn element(bytes: &[u8], open: usize, index: usize) -> Option<usize> {
    let mut at = skip_space(bytes, open + 1);
    for _ in 0..index {
        at = skip_space(bytes, value_end(bytes, at)?);
        if bytes.get(at)? != &b',' {
            return None;
        }
        at = skip_space(bytes, at + 1);
    }
    (bytes.get(at)? != &b']').then_some(at)
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

/// One past the closing quote of the string starting at `at`.
fn string_end(bytes: &[u8], mut at: usize) -> Option<usize> {
    at += 1;
    loop {
        match bytes.get(at)? {
            b'\\' => at += 2,
            b'"' => return Some(at + 1),
            _ => at += 1,
        }
    }
}

/// One past the end of the value starting at `at`.
fn value_end(bytes: &[u8], at: usize) -> Option<usize> {
    match bytes.get(at)? {
        b'"' => string_end(bytes, at),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = at;
            loop {
                match bytes.get(i)? {
                    b'"' => {
                        i = string_end(bytes, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            let mut i = at;
            while bytes
                .get(i)
                .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
            {
                i += 1;
            }
            (i > at).then_some(i)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::pointer_span;

    const SCHEMA: &str = r#"{
  "type": "object",
  "properties": {
    "note": {"description": "has \"id\": in it, and {braces}"},
    "id": {"type": "integer"},
    "a/b": {"items": [{"type": "string"}, {"type": "number"}]}
  }
}"#;

    fn at(pointer: &str) -> Option<&'static str> {
        pointer_span(SCHEMA, pointer).and_then(|(start, end)| SCHEMA.get(start..end))
    }

    #[test]
    fn a_pointer_lands_on_its_key_past_lookalikes_in_strings() {
        assert_eq!(at("/properties/id"), Some("\"id\""));
        let (start, _) = pointer_span(SCHEMA, "/properties/id").unwrap_or_default();
        assert_eq!(
            SCHEMA.get(..start).map(|b| b.lines().count()),
            Some(5),
            "line 5"
        );
        assert_eq!(
            at("/properties/a~1b/items/1"),
            Some("{\"type\": \"number\"}")
        );
        assert_eq!(at("/properties/missing"), None);
        assert_eq!(at("/properties/a~1b/items/2"), None);
        assert_eq!(at("/type/x"), None);
        assert_eq!(pointer_span("[1, 2]", "/1"), Some((4, 5)));
    }
}
