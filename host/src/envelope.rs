//! Envelopes: how a payload becomes records.
//!
//! Channels wrap their records: `{"inventory_level": {...}}` from one
//! endpoint, `{"inventory_levels": [...]}` from the list endpoint. A
//! mapping names the routes (`at .inventory_level | .inventory_levels[]`);
//! this module picks the route the payload takes and cuts it into records,
//! each borrowed from the payload, so the transform only ever sees one
//! record. A failing record's JSON path is reported from the payload root.
//! Payloads arrive here as JSON text (see [`crate::format`]).

use crate::format::Record;
use crate::limits::Limits;
use runtime::{CompiledMapping, ErrorCode, JsonWriter, Route, RuntimeError, SourceFormat};
use serde_json::value::RawValue;

/// What a mapping does with a payload before its transform sees a record.
#[derive(Debug, Clone, Copy)]
pub struct Envelope<'a> {
    /// Where the records sit (empty: the payload is the record, or the
    /// generated code unwraps it itself).
    pub routes: &'a [Route<'a>],
    /// A route to a list may find its lone element instead (XML; see
    /// [`SourceFormat::lone_element_is_list`]).
    pub lone_element_is_list: bool,
    /// What a payload may cost before it is opened.
    pub limits: Limits,
}

impl<'a> Envelope<'a> {
    /// A payload that is its own record.
    pub const BARE: Envelope<'static> = Envelope {
        routes: &[],
        lone_element_is_list: false,
        limits: Limits::DEFAULT,
    };

    /// The envelope of a mapping reading `format` along `routes`.
    pub fn new(format: SourceFormat, routes: &'a [Route<'a>]) -> Self {
        Self {
            routes,
            lone_element_is_list: format.lone_element_is_list(),
            limits: Limits::DEFAULT,
        }
    }

    /// The envelope of a compiled mapping.
    pub fn of(mapping: &CompiledMapping) -> Envelope<'static> {
        Envelope::new(mapping.format, mapping.routes)
    }

    /// The same envelope under the operator's `limits`.
    pub fn limited(self, limits: Limits) -> Self {
        Self { limits, ..self }
    }
}

/// One record cut out of a payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part<'a> {
    /// JSON path of the record in the payload, e.g. `$.inventory_levels[2]`.
    pub path: String,
    /// The record's bytes.
    pub bytes: &'a [u8],
}

/// Cut a `payload` (JSON text) into records along every route whose first
/// key the payload has, in the order the routes are written (a payload
/// holding several lists gives the records of each). A route with no keys
/// applies when no other does and the payload is what it reads: `.[]` a
/// list, `.` anything else (so `at . | .orders[]` takes an order or a page
/// of them). No routes: the payload is the record. A key repeated on the
/// way to the records is an error, never one of them taken silently.
pub fn split<'a>(
    payload: &'a [u8],
    envelope: &Envelope<'_>,
) -> Result<Vec<Part<'a>>, RuntimeError> {
    let routes = envelope.routes;
    if routes.is_empty() {
        return Ok(vec![Part {
            path: "$".to_owned(),
            bytes: payload,
        }]);
    }
    // One pass over the payload: an object's top level is read by the
    // runtime's reader, keeping the members a route names (every value
    // validated, none decoded); anything else is only validated.
    let text = runtime::json_in::utf8(payload)?;
    let root = text.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
    let is_list = root.starts_with('[');
    let top = if root.starts_with('{') {
        Some(first_keys(text, routes)?)
    } else {
        let _: &RawValue = serde_json::from_str(root).map_err(|e| invalid_json(payload, &e))?;
        None
    };
    let mut taken: Vec<&Route<'_>> = routes
        .iter()
        .filter(|r| {
            r.keys
                .first()
                .is_some_and(|k| top.as_ref().is_some_and(|t| t.has(k)))
        })
        .collect();
    if taken.is_empty() {
        taken = routes
            .iter()
            .filter(|r| r.keys.is_empty() && r.each == is_list)
            .collect();
    }
    if taken.is_empty() {
        return Err(RuntimeError::payload(
            ErrorCode::SchemaMismatch,
            "$",
            // The whole object, read again only to say what it holds.
            off_every_route(routes, members(root, "$").ok().as_ref(), is_list),
        ));
    }
    let mut parts = Vec::new();
    for route in taken {
        parts.extend(cut(root, top.as_ref(), route, envelope)?);
    }
    Ok(parts)
}

/// What a payload no route takes is, next to the routes tried: its
/// top-level keys, and the list it looks like a page of.
fn off_every_route(routes: &[Route<'_>], top: Option<&Members<'_>>, is_list: bool) -> String {
    let tried: Vec<String> = routes
        .iter()
        .map(|r| format!("`{}`", r.describe()))
        .collect();
    let tried = tried.join(", ");
    let Some(top) = top else {
        let what = if is_list { "a list" } else { "not an object" };
        return format!("the payload is {what}; this mapping reads {tried}");
    };
    if top.0.is_empty() {
        return format!("the payload is an empty object; this mapping reads {tried}");
    }
    let mut keys: Vec<String> = Vec::new();
    for (key, _) in &top.0 {
        let key = format!("`{key}`");
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    const SHOWN: usize = 8;
    let more = keys.len().saturating_sub(SHOWN);
    keys.truncate(SHOWN);
    let mut text = format!(
        "the payload has none of {tried}; its top-level keys are {}",
        keys.join(", ")
    );
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    let lists: Vec<String> = top
        .0
        .iter()
        .filter(|(_, v)| v.trim_start().starts_with('['))
        .map(|(k, _)| format!("`{k}`"))
        .collect();
    if let [list] = lists.as_slice() {
        text.push_str(&format!(" (it looks like a list page of {list})"));
    }
    text
}

/// The records at the end of one route (`top`: the root's members, already
/// read to choose the routes).
fn cut<'a>(
    root: &'a str,
    top: Option<&Members<'a>>,
    route: &Route<'_>,
    envelope: &Envelope<'_>,
) -> Result<Vec<Part<'a>>, RuntimeError> {
    let mut node = root;
    let mut path = String::from("$");
    for (i, key) in route.keys.iter().enumerate() {
        // XML has no empty list: a page without records is an empty
        // element (`<OrderArray/>`, read as "") or one without the records'
        // element. For an XML route to a list, that is no records.
        let xml_list = envelope.lone_element_is_list && route.each;
        if xml_list && node == "\"\"" {
            return Ok(Vec::new());
        }
        let read;
        let fields = match (i, top) {
            (0, Some(top)) => top,
            _ => {
                read = members(node, &path)?;
                &read
            }
        };
        path.push('.');
        path.push_str(key);
        let last = i + 1 == route.keys.len();
        if xml_list && last && !fields.has(key) {
            return Ok(Vec::new());
        }
        node = fields.get(key, &path)?;
    }
    if !route.each {
        return Ok(vec![Part {
            path,
            bytes: node.as_bytes(),
        }]);
    }
    let text = node;
    if envelope.lone_element_is_list && !text.starts_with('[') {
        return Ok(vec![Part {
            path: format!("{path}[0]"),
            bytes: text.as_bytes(),
        }]);
    }
    let elements: Vec<&RawValue> = serde_json::from_str(text).map_err(|_| {
        RuntimeError::payload(
            ErrorCode::SchemaMismatch,
            path.clone(),
            "expected an array of records",
        )
    })?;
    Ok(elements
        .into_iter()
        .enumerate()
        .map(|(i, e)| Part {
            path: format!("{path}[{i}]"),
            bytes: e.get().as_bytes(),
        })
        .collect())
}

/// An object's members in document order, values left unparsed; repeated
/// keys are kept, so a route never silently takes one of them.
struct Members<'a>(Vec<(Key<'a>, &'a str)>);

/// An object key, borrowed from the payload unless it has escapes.
struct Key<'a>(std::borrow::Cow<'a, str>);

impl PartialEq<str> for Key<'_> {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl std::fmt::Display for Key<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Text;
        impl<'de> serde::de::Visitor<'de> for Text {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(Text)
    }
}

impl<'a> Members<'a> {
    /// Whether the object has `key`.
    fn has(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }

    /// The value at `key` (reached at `path`): R102 when it is missing or
    /// the object has it more than once.
    fn get(&self, key: &str, path: &str) -> Result<&'a str, RuntimeError> {
        let mut found = self.0.iter().filter(|(k, _)| k == key).map(|(_, v)| *v);
        let problem = match (found.next(), found.next()) {
            (Some(value), None) => return Ok(value),
            (None, _) => format!("the payload has no `{key}` on the way to the records"),
            (Some(_), Some(_)) => {
                format!("the payload has `{key}` more than once on the way to the records")
            }
        };
        Err(RuntimeError::payload(
            ErrorCode::SchemaMismatch,
            path,
            problem,
        ))
    }
}

impl<'de> serde::Deserialize<'de> for Members<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Object;
        impl<'de> serde::de::Visitor<'de> for Object {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut members = Vec::new();
                while let Some((key, value)) = map.next_entry::<Key<'de>, &'de RawValue>()? {
                    members.push((key, value.get()));
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(Object)
    }
}

/// The top-level members of an object payload whose keys are the first key
/// of a route, read in one pass by the runtime's reader (every value
/// validated, none decoded; a broken payload is told as the reader tells
/// it).
fn first_keys<'a>(payload: &'a str, routes: &[Route<'_>]) -> Result<Members<'a>, RuntimeError> {
    runtime::json_in::read_text(payload, |reader| {
        let mut kept = Vec::new();
        reader.object(|reader, key| {
            let value = reader.skip_text()?;
            let wanted = routes
                .iter()
                .any(|r| r.keys.first().is_some_and(|k| k.as_bytes() == key));
            if wanted {
                let key = String::from_utf8_lossy(key).into_owned();
                kept.push((Key(std::borrow::Cow::Owned(key)), value));
            }
            Ok(())
        })?;
        Ok(Members(kept))
    })
}

/// R101 for a payload serde_json could not parse (envelopes are cut with
/// serde_json before their records are read), told as the runtime's reader
/// tells it, so a broken payload reads the same whatever the routes.
fn invalid_json(payload: &[u8], e: &serde_json::Error) -> RuntimeError {
    match runtime::json_in::read_record(payload, runtime::json_in::Reader::skip) {
        Err(error) if error.code == ErrorCode::InvalidJson => error,
        _ => RuntimeError::payload(
            ErrorCode::InvalidJson,
            "$",
            format!("the record is not valid JSON: {e}"),
        ),
    }
}

/// The members of an object.
fn members<'a>(node: &'a str, path: &str) -> Result<Members<'a>, RuntimeError> {
    serde_json::from_str(node).map_err(|_| {
        RuntimeError::payload(
            ErrorCode::SchemaMismatch,
            path,
            "expected an object on the way to the records",
        )
    })
}

/// The record of a mapping with named inputs, from one document per input:
/// `{"order": <order document>, "items": <items document>}`. Each document
/// must be one JSON value; the bytes are kept as they are.
pub fn combine(documents: &[(&str, &[u8])]) -> Result<Vec<u8>, RuntimeError> {
    let size: usize = documents.iter().map(|(n, d)| n.len() + d.len() + 4).sum();
    let mut out = Vec::with_capacity(size + 2);
    {
        let mut w = JsonWriter::new(&mut out);
        w.begin_object();
        for (name, document) in documents {
            let value: &RawValue = serde_json::from_slice(document).map_err(|e| {
                RuntimeError::payload(
                    ErrorCode::InvalidJson,
                    format!("$.{name}"),
                    format!("input `{name}` is not one JSON document: {e}"),
                )
            })?;
            w.key(name);
            w.raw(value.get().as_bytes());
        }
        w.end_object();
    }
    Ok(out)
}

/// Report a record's failure from the payload root: `$.x` inside the record
/// at `$.items[2]` becomes `$.items[2].x`.
pub fn rebase(mut error: RuntimeError, part: &str) -> RuntimeError {
    if part != "$" {
        if let Some(rest) = error.path.strip_prefix('$') {
            error.path = format!("{part}{rest}");
        }
    }
    error
}

/// Which input a failed record's bytes are: what a replay feeds back in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cut {
    /// One record cut out of its payload along a route, at this JSON path
    /// (JSON, replayed without the envelope, its failures reported from
    /// the payload root as before).
    Record(String),
    /// The payload as JSON text (it failed before any record was cut from
    /// it, or it is its own record): replayed through the envelope.
    Payload,
    /// The input as framed, which could not be decoded (an XML syntax
    /// error, a CSV row that is not UTF-8 or is ragged): replayed through
    /// the mapping's format and envelope.
    Undecoded,
    /// Not kept: the input was larger than the record limit (R118); the
    /// letter's record number and line say where it is in the input.
    Omitted,
}

impl Cut {
    /// The name dead letters give it (`"form"`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Cut::Record(_) => "record",
            Cut::Payload => "payload",
            Cut::Undecoded => "undecoded",
            Cut::Omitted => "omitted",
        }
    }
}

/// What became of the records of one payload (failures are handed on
/// one by one as they happen).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Records found: cut along the routes, or one for a payload that is
    /// its own record or failed whole. Each one is transformed, filtered
    /// or failed, exactly once.
    pub records: u64,
    /// Records transformed into canonical records.
    pub transformed: u64,
    /// Records the mapping's `where` left out (nothing written).
    pub filtered: u64,
    /// Canonical records written: one per transformed record, or several
    /// when the mapping emits several per record.
    pub written: u64,
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, other: Tally) {
        self.records += other.records;
        self.transformed += other.transformed;
        self.filtered += other.filtered;
        self.written += other.written;
    }
}

/// One record through the transform: its output appended to `out`, one
/// canonical record a line, or nothing when it fails (handed to `failed`).
fn transform_one<F>(
    transform: &F,
    bytes: &[u8],
    out: &mut Vec<u8>,
    tally: &mut Tally,
) -> Result<(), RuntimeError>
where
    F: Fn(&[u8], &mut Vec<u8>) -> Result<(), RuntimeError>,
{
    tally.records += 1;
    let start = out.len();
    match transform(bytes, out) {
        // Nothing written: the mapping's `where` filtered the record out.
        Ok(()) if out.len() == start => tally.filtered += 1,
        Ok(()) => {
            tally.transformed += 1;
            tally.written += records_in(out.get(start..).unwrap_or_default());
            out.push(b'\n');
        }
        Err(e) => {
            out.truncate(start);
            return Err(e);
        }
    }
    Ok(())
}

/// Transform every record of `payload`: outputs are appended to `out`, one
/// per line (a transform that writes nothing filtered its record out; one
/// that emits several writes them one a line, all or none);
/// each failure is handed to `failed` with the bytes it concerns (the
/// record, or the whole payload when it has no route) and never stops the
/// others.
pub fn transform_payload<F>(
    transform: F,
    envelope: &Envelope<'_>,
    payload: &[u8],
    out: &mut Vec<u8>,
    mut failed: impl FnMut(&[u8], Cut, RuntimeError),
) -> Tally
where
    F: Fn(&[u8], &mut Vec<u8>) -> Result<(), RuntimeError>,
{
    let mut tally = Tally::default();
    if let Err(e) = envelope.limits.check_shape(payload) {
        failed(payload, Cut::Payload, e);
        tally.records = 1;
        return tally;
    }
    // The common case, kept free of allocations: the payload is the record.
    if envelope.routes.is_empty() {
        if let Err(e) = transform_one(&transform, payload, out, &mut tally) {
            failed(payload, Cut::Payload, e);
        }
        return tally;
    }
    let parts = match split(payload, envelope) {
        Ok(parts) => parts,
        Err(e) => {
            failed(payload, Cut::Payload, e);
            tally.records = 1;
            return tally;
        }
    };
    for part in parts {
        if let Err(e) = transform_one(&transform, part.bytes, out, &mut tally) {
            let error = rebase(e, &part.path);
            failed(part.bytes, Cut::Record(part.path), error);
        }
    }
    tally
}

/// How many records a transform wrote: one, or one a line when its
/// mapping emits several per input.
fn records_in(written: &[u8]) -> u64 {
    1 + memchr::memchr_iter(b'\n', written).count() as u64
}

/// [`transform_payload`] for one framed record: an undecodable one fails
/// whole, as it was.
pub fn transform_record<F>(
    transform: F,
    envelope: &Envelope<'_>,
    record: &Record<'_>,
    out: &mut Vec<u8>,
    mut failed: impl FnMut(&[u8], Cut, RuntimeError),
) -> Tally
where
    F: Fn(&[u8], &mut Vec<u8>) -> Result<(), RuntimeError>,
{
    match &record.undecodable {
        Some(e) => {
            let cut = match e.code {
                ErrorCode::RecordTooLarge => Cut::Omitted,
                _ => Cut::Undecoded,
            };
            failed(record.bytes, cut, e.clone());
            Tally {
                records: 1,
                ..Tally::default()
            }
        }
        None => transform_payload(transform, envelope, record.bytes, out, failed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: Route<'static> = Route {
        keys: &["level"],
        each: false,
    };
    const MANY: Route<'static> = Route {
        keys: &["list", "levels"],
        each: true,
    };

    fn texts(payload: &str, routes: &[Route<'_>]) -> Result<Vec<(String, String)>, String> {
        let envelope = Envelope::new(SourceFormat::JSON, routes);
        split(payload.as_bytes(), &envelope)
            .map(|parts| {
                parts
                    .into_iter()
                    .map(|p| (p.path, String::from_utf8_lossy(p.bytes).into_owned()))
                    .collect()
            })
            .map_err(|e| format!("{} at {}: {}", e.code.as_str(), e.path, e.message))
    }

    #[test]
    fn takes_the_route_the_payload_has() {
        let routes = [ONE, MANY];
        assert_eq!(
            texts(r#"{"level": {"a": 1}}"#, &routes),
            Ok(vec![("$.level".into(), r#"{"a": 1}"#.into())])
        );
        assert_eq!(
            texts(r#"{"x": 0, "list": {"levels": [{"a": 1}, 2]}}"#, &routes),
            Ok(vec![
                ("$.list.levels[0]".into(), r#"{"a": 1}"#.into()),
                ("$.list.levels[1]".into(), "2".into()),
            ])
        );
        assert_eq!(texts(r#"{"list": {"levels": []}}"#, &routes), Ok(vec![]));
        let root = Route {
            keys: &[],
            each: true,
        };
        assert_eq!(texts("[1]", &[root]), Ok(vec![("$[0]".into(), "1".into())]));
    }

    #[test]
    fn the_root_routes_take_a_record_or_a_list_when_no_keyed_route_does() {
        let record = Route {
            keys: &[],
            each: false,
        };
        let list = Route {
            keys: &[],
            each: true,
        };
        let page = Route {
            keys: &["orders"],
            each: true,
        };
        let routes = [record, page, list];
        assert_eq!(
            texts(r#"{"id": 1}"#, &routes),
            Ok(vec![("$".into(), r#"{"id": 1}"#.into())])
        );
        assert_eq!(
            texts(r#"{"orders": [{"id": 1}]}"#, &routes),
            Ok(vec![("$.orders[0]".into(), r#"{"id": 1}"#.into())])
        );
        assert_eq!(
            texts(r#" [{"id": 1}, {"id": 2}]"#, &routes),
            Ok(vec![
                ("$[0]".into(), r#"{"id": 1}"#.into()),
                ("$[1]".into(), r#"{"id": 2}"#.into()),
            ])
        );
        assert_eq!(
            texts(r#"{"id": 1}"#, &[page, list]),
            Err("R102 at $: the payload has none of `.orders[]`, `.[]`; its top-level keys are `id`".into())
        );
        assert_eq!(
            texts("[]", &[record, page]),
            Err("R102 at $: the payload is a list; this mapping reads `.`, `.orders[]`".into())
        );
    }

    #[test]
    fn every_route_the_payload_has_gives_its_records() {
        let routes = [ONE, MANY];
        assert_eq!(
            texts(r#"{"list": {"levels": [1, 2]}, "level": 0}"#, &routes),
            Ok(vec![
                ("$.level".into(), "0".into()),
                ("$.list.levels[0]".into(), "1".into()),
                ("$.list.levels[1]".into(), "2".into()),
            ])
        );
    }

    #[test]
    fn an_xml_page_without_records_has_none() {
        let xml = Envelope::new(SourceFormat::Xml, &[MANY]);
        let parts = |payload: &str| {
            split(payload.as_bytes(), &xml)
                .map(|p| p.len())
                .map_err(|e| e.code)
        };
        assert_eq!(parts(r#"{"list": ""}"#), Ok(0));
        assert_eq!(parts(r#"{"list": {"other": "x"}}"#), Ok(0));
        assert_eq!(parts(r#"{"list": {"levels": {"a": "1"}}}"#), Ok(1));
        // JSON says what it has: a missing list is an error there.
        let json = Envelope::new(SourceFormat::JSON, &[MANY]);
        let missing = split(br#"{"list": {"other": 1}}"#, &json).map_err(|e| e.code);
        assert_eq!(missing.map(|p| p.len()), Err(ErrorCode::SchemaMismatch));
    }

    #[test]
    fn a_repeated_key_on_a_route_is_an_error_not_a_choice() {
        let routes = [ONE, MANY];
        assert_eq!(
            texts(r#"{"level": {"a": 1}, "level": {"a": 2}}"#, &routes),
            Err(
                "R102 at $.level: the payload has `level` more than once on the way to the records"
                    .into()
            )
        );
        assert_eq!(
            texts(r#"{"list": {"levels": [1], "levels": [2]}}"#, &routes),
            Err("R102 at $.list.levels: the payload has `levels` more than once on the way to the records"
                .into())
        );
    }

    #[test]
    fn a_payload_off_every_route_is_one_clear_error() {
        let routes = [ONE, MANY];
        assert_eq!(
            texts(r#"{"other": 1}"#, &routes),
            Err("R102 at $: the payload has none of `.level`, `.list.levels[]`; its top-level keys are `other`".into())
        );
        assert_eq!(
            texts(r#"{"orders": [{"id": 1}], "page": 2, "pages": 9}"#, &routes),
            Err("R102 at $: the payload has none of `.level`, `.list.levels[]`; its top-level keys are `orders`, `page`, `pages` (it looks like a list page of `orders`)".into())
        );
        assert_eq!(
            texts("[1, 2]", &routes),
            Err(
                "R102 at $: the payload is a list; this mapping reads `.level`, `.list.levels[]`"
                    .into()
            )
        );
        assert_eq!(
            texts("{}", &routes),
            Err("R102 at $: the payload is an empty object; this mapping reads `.level`, `.list.levels[]`".into())
        );
        assert_eq!(
            texts(r#"{"list": {"levels": {"a": 1}}}"#, &routes),
            Err("R102 at $.list.levels: expected an array of records".into())
        );
        assert_eq!(
            texts(r#"{"list": []}"#, &routes),
            Err("R102 at $.list: expected an object on the way to the records".into())
        );
        assert_eq!(
            texts(r#"{"list": {}}"#, &routes),
            Err(
                "R102 at $.list.levels: the payload has no `levels` on the way to the records"
                    .into()
            )
        );
        assert!(texts(r#"{"level": "#, &routes).is_err_and(|e| e.starts_with("R101 at $")));
    }

    #[test]
    fn failures_are_reported_from_the_payload_root_and_do_not_stop_the_rest() {
        let upper = |input: &[u8], out: &mut Vec<u8>| {
            if input == b"0" {
                return Err(RuntimeError::payload(
                    ErrorCode::MissingValue,
                    "$.x",
                    "zero",
                ));
            }
            out.extend_from_slice(input);
            Ok(())
        };
        let mut out = Vec::new();
        let mut failures = Vec::new();
        let n = transform_payload(
            upper,
            &Envelope::new(SourceFormat::JSON, &[MANY]),
            br#"{"list": {"levels": [1, 0, 2]}}"#,
            &mut out,
            |b, cut, e| failures.push((String::from_utf8_lossy(b).into_owned(), cut, e.path)),
        );
        let expected = Tally {
            records: 3,
            transformed: 2,
            filtered: 0,
            written: 2,
        };
        assert_eq!(n, expected);
        assert_eq!(out, b"1\n2\n");
        assert_eq!(
            failures,
            vec![(
                "0".to_owned(),
                Cut::Record("$.list.levels[1]".to_owned()),
                "$.list.levels[1].x".to_owned()
            )]
        );
    }

    #[test]
    fn named_inputs_combine_into_one_record() {
        let record = combine(&[("order", b"{\"id\": 1}\n"), ("items", b" [1, 2]")]).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&record),
            r#"{"order":{"id": 1},"items":[1, 2]}"#
        );
        let bad = combine(&[("order", b"{}"), ("items", b"[1,")]).unwrap_err();
        assert_eq!(
            (bad.code, bad.path.as_str()),
            (ErrorCode::InvalidJson, "$.items")
        );
        assert!(bad
            .message
            .starts_with("input `items` is not one JSON document"));
    }
}
