//! XML input: one document, read as a JSON tree, so a mapping over XML
//! (eBay's Trading API) has the same paths, schemas and checks as one over
//! JSON.
//!
//! The convention (documented in `docs/dsl.md`):
//! - the document is `{"<root element>": <element>}`;
//! - an element without attributes or child elements is its text, trimmed
//!   of surrounding white space (`<Total>2.0</Total>` is `"2.0"`, `<X/>` is
//!   `""`); every value is a string, typed by the mapping (`decimal(...)`);
//! - any other element is an object: attributes first as `"@name"`, then
//!   child elements by name in document order, and its own non-blank text as
//!   `"#text"` (`<Total currencyID="USD">2.0</Total>` is
//!   `{"@currencyID": "USD", "#text": "2.0"}`);
//! - a child name that occurs more than once is an array of its elements;
//!   once, a single value. XML cannot tell a list of one from one item, so
//!   where the source schema declares an array, readers take a single value
//!   as a list of one (see `json_in::Reader::one_or_many`);
//! - names are local names (namespace prefixes and `xmlns` attributes are
//!   dropped); entities and character references are decoded; CDATA is text;
//!   comments, processing instructions and the declaration are skipped.

use super::Record;
use crate::limits::{read_capped, Limits};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use runtime::{ErrorCode, JsonWriter, RuntimeError};
use std::io::{self, Read};

/// Call `each` once with the XML document of `input` as JSON text; a
/// document that is not well-formed, or blank input (an XML payload is
/// never empty), is handed on as it was, undecodable (R114).
pub fn records(
    mut input: impl Read,
    limits: &Limits,
    each: impl FnOnce(Record<'_>) -> io::Result<()>,
) -> io::Result<()> {
    let mut raw = Vec::new();
    if let Some(size) = read_capped(&mut input, &mut raw, limits.max_record_bytes)? {
        return each(Record::too_large(1, 1, limits, size));
    }
    let Some(start) = raw.iter().position(|b| !b.is_ascii_whitespace()) else {
        return each(Record {
            undecodable: Some(malformed("the input is empty: no XML document")),
            ..Record::json(1, 1, &raw)
        });
    };
    let line = 1 + raw.iter().take(start).filter(|b| **b == b'\n').count() as u64;
    match to_json(&raw) {
        Ok(json) => each(Record::json(1, line, &json)),
        Err(e) => each(Record {
            undecodable: Some(e),
            ..Record::json(1, line, &raw)
        }),
    }
}

/// Deepest element nesting accepted (hostile input must not overflow).
pub const MAX_DEPTH: usize = 128;

#[derive(Default)]
struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    children: Vec<Element>,
    text: String,
}

fn malformed(message: impl std::fmt::Display) -> RuntimeError {
    RuntimeError::payload(
        ErrorCode::InvalidXml,
        "$",
        format!("the record is not well-formed XML: {message}"),
    )
}

/// Convert an XML document to JSON text following the module's convention.
pub fn to_json(xml: &[u8]) -> Result<Vec<u8>, RuntimeError> {
    let xml = xml.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(xml);
    let text = std::str::from_utf8(xml).map_err(malformed)?;
    let root = parse(text)?;
    let mut out = Vec::with_capacity(xml.len());
    let mut w = JsonWriter::new(&mut out);
    w.begin_object();
    w.key(&root.name);
    write_element(&root, &mut w);
    w.end_object();
    Ok(out)
}

fn parse(text: &str) -> Result<Element, RuntimeError> {
    let mut reader = Reader::from_str(text);
    let mut open: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let at = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| malformed(format!("{e} (byte {at})")))?;
        match event {
            Event::Start(start) => {
                if root.is_some() {
                    return Err(malformed("more than one root element"));
                }
                if open.len() >= MAX_DEPTH {
                    return Err(malformed(format!("elements nest deeper than {MAX_DEPTH}")));
                }
                open.push(element(&start)?);
            }
            Event::Empty(start) => {
                let done = element(&start)?;
                close(done, &mut open, &mut root)?;
            }
            Event::End(_) => {
                let done = open.pop().ok_or_else(|| malformed("unexpected end tag"))?;
                close(done, &mut open, &mut root)?;
            }
            Event::Text(t) => {
                let decoded = t.decode().map_err(malformed)?;
                xml_chars(&decoded)?;
                text_into(&mut open, &decoded)?;
            }
            Event::CData(c) => {
                let decoded = c.decode().map_err(malformed)?;
                xml_chars(&decoded)?;
                text_into(&mut open, &decoded)?;
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(malformed)? {
                    Some(c) => c.to_string(),
                    None => {
                        let name = r.decode().map_err(malformed)?;
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| malformed(format!("unknown entity `&{name};`")))?
                            .to_owned()
                    }
                };
                xml_chars(&resolved)?;
                text_into(&mut open, &resolved)?;
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if !open.is_empty() {
        return Err(malformed("the document ends inside an element"));
    }
    root.ok_or_else(|| malformed("no root element"))
}

/// XML 1.0 allows no control character but tab, line feed and carriage
/// return, written or as a character reference.
fn xml_chars(text: &str) -> Result<(), RuntimeError> {
    match text
        .chars()
        .find(|c| (*c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
    {
        Some(c) => Err(malformed(format!(
            "control character U+{:04X} is not allowed in XML",
            c as u32
        ))),
        None => Ok(()),
    }
}

fn element(start: &BytesStart<'_>) -> Result<Element, RuntimeError> {
    let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(malformed)?;
        let key = attribute.key;
        if key.as_ref() == b"xmlns" || key.prefix().is_some_and(|p| p.as_ref() == b"xmlns") {
            continue;
        }
        let local = String::from_utf8_lossy(key.local_name().as_ref()).into_owned();
        if attribute.value.contains(&b'<') {
            return Err(malformed(format!(
                "`<` in the value of attribute `{local}`"
            )));
        }
        let value = attribute.unescape_value().map_err(malformed)?;
        xml_chars(&value)?;
        attributes.push((local, value.into_owned()));
    }
    Ok(Element {
        name,
        attributes,
        ..Element::default()
    })
}

fn close(
    done: Element,
    open: &mut [Element],
    root: &mut Option<Element>,
) -> Result<(), RuntimeError> {
    match open.last_mut() {
        Some(parent) => parent.children.push(done),
        None if root.is_none() => *root = Some(done),
        None => return Err(malformed("more than one root element")),
    }
    Ok(())
}

fn text_into(open: &mut [Element], text: &str) -> Result<(), RuntimeError> {
    match open.last_mut() {
        Some(element) => element.text.push_str(text),
        None if text.trim().is_empty() => {}
        None => return Err(malformed("text outside the root element")),
    }
    Ok(())
}

fn write_element(element: &Element, w: &mut JsonWriter<'_>) {
    let text = element.text.trim();
    if element.attributes.is_empty() && element.children.is_empty() {
        w.string(text);
        return;
    }
    w.begin_object();
    for (name, value) in &element.attributes {
        w.key(&format!("@{name}"));
        w.string(value);
    }
    // Children grouped by name, in order of first appearance (linear: a
    // hostile document with many distinct names stays cheap).
    let mut groups: Vec<(&str, Vec<&Element>)> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for child in &element.children {
        let slot = *index.entry(child.name.as_str()).or_insert_with(|| {
            groups.push((child.name.as_str(), Vec::new()));
            groups.len() - 1
        });
        if let Some((_, same)) = groups.get_mut(slot) {
            same.push(child);
        }
    }
    for (name, same) in groups {
        w.key(name);
        match same.as_slice() {
            [one] => write_element(one, w),
            many => {
                w.begin_array();
                for e in many {
                    write_element(e, w);
                }
                w.end_array();
            }
        }
    }
    if !text.is_empty() {
        w.key("#text");
        w.string(text);
    }
    w.end_object();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(xml: &str) -> String {
        match to_json(xml.as_bytes()) {
            Ok(out) => String::from_utf8_lossy(&out).into_owned(),
            Err(e) => format!("{}: {}", e.code.as_str(), e.message),
        }
    }

    #[test]
    fn what_xml_forbids_is_refused() {
        assert_eq!(
            json("<r a=\"x<y\"/>"),
            "R114: the record is not well-formed XML: `<` in the value of attribute `a`"
        );
        for (xml, code) in [
            ("<r a=\"\u{1}\"/>", "0001"),
            ("<r>a\u{1}b</r>", "0001"),
            ("<r>&#1;</r>", "0001"),
            ("<r><![CDATA[\u{8}]]></r>", "0008"),
        ] {
            assert_eq!(
                json(xml),
                format!("R114: the record is not well-formed XML: control character U+{code} is not allowed in XML"),
                "{xml}"
            );
        }
        assert_eq!(
            json("<r a=\"x&lt;y\">\tok\r\n</r>"),
            r##"{"r":{"@a":"x<y","#text":"ok"}}"##
        );
    }

    #[test]
    fn blank_input_is_an_undecodable_record_not_nothing() {
        let mut seen = Vec::new();
        records(&b"  \n"[..], &Limits::DEFAULT, |r| {
            let e = r.undecodable.expect("an error");
            seen.push((r.number, e.code.as_str(), e.message));
            Ok(())
        })
        .unwrap();
        assert_eq!(
            seen,
            [(
                1,
                "R114",
                "the record is not well-formed XML: the input is empty: no XML document".to_owned()
            )]
        );
    }

    #[test]
    fn follows_the_documented_convention() {
        let xml = "\u{feff}<?xml version=\"1.0\"?>\n<r:Resp xmlns=\"urn:x\" xmlns:r=\"urn:r\" v=\"1\">\n\
            <Total currencyID=\"USD\">2.0</Total>\n<Name>\n  a &amp; b &#x41;\n</Name><Empty/>\
            <Item><Id>1</Id></Item><Item><Id>2</Id></Item><!-- c --><Note><![CDATA[<x>]]></Note></r:Resp>";
        assert_eq!(
            json(xml),
            r##"{"Resp":{"@v":"1","Total":{"@currencyID":"USD","#text":"2.0"},"Name":"a & b A","Empty":"","Item":[{"Id":"1"},{"Id":"2"}],"Note":"<x>"}}"##
        );
    }

    #[test]
    fn malformed_documents_are_one_clear_error() {
        assert_eq!(
            json("<a><b></a>"),
            "R114: the record is not well-formed XML: ill-formed document: expected `</b>`, but `</a>` was found (byte 6)"
        );
        assert_eq!(
            json("<a/><b/>"),
            "R114: the record is not well-formed XML: more than one root element"
        );
        assert_eq!(
            json("<a>"),
            "R114: the record is not well-formed XML: the document ends inside an element"
        );
        assert_eq!(
            json(""),
            "R114: the record is not well-formed XML: no root element"
        );
        assert_eq!(
            json("<a>&nope;</a>"),
            "R114: the record is not well-formed XML: unknown entity `&nope;`"
        );
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        assert_eq!(
            json(&deep),
            "R114: the record is not well-formed XML: elements nest deeper than 128"
        );
    }
}
