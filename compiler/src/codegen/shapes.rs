//! Source structs: one struct per shape, with exactly the fields the mapping
//! reads, and a generated function reading it through the runtime's JSON
//! reader: keys are matched as raw bytes, unread fields are skipped without
//! being decoded, strings borrow from the input.

use super::ident;
use crate::ir::{Mapping, ShapeId, Ty};
use codegen::{Block, Field, Module, Struct};
use std::collections::BTreeSet;

/// `Shape3`.
pub fn struct_name(shape: ShapeId) -> String {
    format!("Shape{shape}")
}

/// Whether a value of `ty` borrows from the input (holds a string);
/// `seen` are the shapes on the way, so a recursive shape ends.
fn needs_lifetime(mapping: &Mapping, ty: &Ty, seen: &mut BTreeSet<ShapeId>) -> bool {
    match ty {
        Ty::String | Ty::Scalar => true,
        Ty::Array(elem) => needs_lifetime(mapping, elem, seen),
        Ty::Source(shape) => seen.insert(*shape) && shape_borrows(mapping, *shape, seen),
        _ => false,
    }
}

fn shape_borrows(mapping: &Mapping, shape: ShapeId, seen: &mut BTreeSet<ShapeId>) -> bool {
    mapping.shapes.get(shape).is_some_and(|s| {
        s.fields
            .values()
            .any(|f| needs_lifetime(mapping, &f.ty, seen))
    })
}

fn shape_needs_lifetime(mapping: &Mapping, shape: ShapeId) -> bool {
    shape_borrows(mapping, shape, &mut BTreeSet::from([shape]))
}

/// Whether a field of shape `field` inside shape `within` must be boxed:
/// `field` holds `within` directly (not through a `Vec`), so the struct
/// would contain itself (a category's `parent`).
fn boxed(mapping: &Mapping, field: ShapeId, within: ShapeId) -> bool {
    let mut todo = vec![field];
    let mut seen = BTreeSet::new();
    while let Some(shape) = todo.pop() {
        if shape == within {
            return true;
        }
        if !seen.insert(shape) {
            continue;
        }
        let direct = mapping.shapes.get(shape).into_iter().flat_map(|s| {
            s.fields.values().filter_map(|f| match f.ty {
                Ty::Source(inner) => Some(inner),
                _ => None,
            })
        });
        todo.extend(direct);
    }
    false
}

fn with_lifetime(name: String, lifetime: bool) -> String {
    if lifetime {
        format!("{name}<'a>")
    } else {
        name
    }
}

/// The Rust type of a source field.
pub fn field_type(mapping: &Mapping, ty: &Ty) -> String {
    match ty {
        Ty::String | Ty::Scalar => "JsonStr<'a>".to_owned(),
        Ty::Int => "i64".to_owned(),
        Ty::Decimal => "JsonDecimal".to_owned(),
        Ty::Bool => "bool".to_owned(),
        Ty::Array(elem) => format!("Vec<{}>", field_type(mapping, elem)),
        Ty::Source(shape) => {
            with_lifetime(struct_name(*shape), shape_needs_lifetime(mapping, *shape))
        }
        _ => "()".to_owned(),
    }
}

/// How a source field is read.
#[derive(Clone, Copy)]
struct Reading {
    /// May be missing or null.
    optional: bool,
    /// Keep missing and null apart (`has(..)`).
    presence: bool,
}

/// One field of a generated source struct.
struct FieldSpec {
    json: String,
    rust: String,
    /// Rust type of the value read (before optionality).
    ty: String,
    /// Expression reading the value (a function of `&mut Reader<'a>`).
    read: String,
    reading: Reading,
}

/// The expression reading a value of type `ty` (a function of
/// `&mut Reader<'a>`).
fn reader_of(mapping: &Mapping, ty: &Ty) -> String {
    match ty {
        Ty::String => "Reader::str".to_owned(),
        Ty::Scalar => "Reader::scalar_text".to_owned(),
        Ty::Int => "Reader::int".to_owned(),
        Ty::Decimal => "Reader::decimal".to_owned(),
        Ty::Bool => "Reader::bool".to_owned(),
        // XML cannot tell a list of one from one element.
        Ty::Array(elem) if mapping.format.lone_element_is_list() => format!(
            "|r: &mut Reader<'a>| r.one_or_many({})",
            reader_of(mapping, elem)
        ),
        Ty::Array(elem) => format!("|r: &mut Reader<'a>| r.list({})", reader_of(mapping, elem)),
        Ty::Source(shape) => read_fn_name(&struct_name(*shape)),
        _ => "Reader::skip".to_owned(),
    }
}

/// `read_shape3` for `Shape3`.
fn read_fn_name(struct_name: &str) -> String {
    format!("read_{}", struct_name.to_lowercase())
}

/// Emit a struct and the function reading it from a [`runtime::json_in::Reader`]:
/// one `match` on the raw key bytes, unknown keys skipped undecoded, each
/// field at most once, required fields checked at the end in field order.
fn emit_struct(module: &mut Module, name: &str, lifetime: bool, doc: &str, fields: &[FieldSpec]) {
    let mut s = Struct::new(name);
    s.doc(doc);
    if lifetime {
        s.generic("'a");
    }
    for field in fields {
        let ty = match (field.reading.optional, field.reading.presence) {
            (true, true) => format!("Option<Option<{}>>", field.ty),
            (true, false) => format!("Option<{}>", field.ty),
            _ => field.ty.clone(),
        };
        s.push_field(Field::new(&field.rust, ty));
    }
    module.push_struct(s);
    let ty = with_lifetime(name.to_owned(), lifetime);
    let f = module.new_fn(read_fn_name(name));
    f.generic("'a")
        .arg("r", "&mut Reader<'a>")
        .ret(format!("Result<{ty}, ReadError>"));
    for field in fields {
        f.line(format!("let mut f_{} = None;", field.rust));
    }
    if fields.is_empty() {
        // Read only for its presence: every key is skipped.
        f.line("r.object(|r, _| r.skip())?;");
        f.line(format!("Ok({name} {{}})"));
        return;
    }
    let mut keys = Block::new("r.object(|r, key| match key");
    for field in fields {
        let read = if field.reading.optional {
            format!("|r: &mut Reader<'a>| r.nullable({})", field.read)
        } else {
            field.read.clone()
        };
        keys.line(format!(
            "{} => r.once(&mut f_{}, {}, {read}),",
            ident::byte_string_literal(&field.json),
            field.rust,
            ident::string_literal(&field.json),
        ));
    }
    keys.line("_ => r.skip(),");
    keys.after(")?;");
    f.push_block(keys);
    let mut build = Block::new(format!("Ok({name}"));
    for field in fields {
        let value = match (field.reading.optional, field.reading.presence) {
            (true, true) => format!("f_{}", field.rust),
            (true, false) => format!("f_{}.flatten()", field.rust),
            _ => format!(
                "r.required(f_{}, {})?",
                field.rust,
                ident::string_literal(&field.json)
            ),
        };
        build.line(format!("{}: {value},", field.rust));
    }
    build.after(")");
    f.push_block(build);
}

/// The Rust field names of a shape, unique within it (in field order).
pub fn field_names(mapping: &Mapping, shape: ShapeId) -> Vec<(String, String)> {
    let mut seen = BTreeSet::new();
    let Some(shape) = mapping.shapes.get(shape) else {
        return Vec::new();
    };
    shape
        .fields
        .keys()
        .map(|json| {
            let base = ident::field(json);
            let mut name = base.clone();
            let mut n = 1;
            while !seen.insert(name.clone()) {
                n += 1;
                name = format!("{base}_{n}");
            }
            (json.clone(), name)
        })
        .collect()
}

/// The Rust field name for `json` in `shape`.
pub fn field_name(mapping: &Mapping, shape: ShapeId, json: &str) -> String {
    field_names(mapping, shape)
        .into_iter()
        .find(|(j, _)| j == json)
        .map_or_else(|| ident::field(json), |(_, r)| r)
}

/// The type the whole payload deserializes into.
pub fn payload_type(mapping: &Mapping) -> String {
    if mapping.at.is_empty() {
        return with_lifetime(struct_name(0), shape_needs_lifetime(mapping, 0));
    }
    with_lifetime("Payload".to_owned(), shape_needs_lifetime(mapping, 0))
}

/// Emit the payload wrappers (for `at`), every shape struct, and the
/// functions reading them.
pub fn emit(mapping: &Mapping, module: &mut Module) {
    let lifetime = shape_needs_lifetime(mapping, 0);
    let names: Vec<String> = (0..mapping.at.len())
        .map(|i| {
            if i == 0 {
                "Payload".to_owned()
            } else {
                format!("At{i}")
            }
        })
        .collect();
    for (i, (key, name)) in mapping.at.iter().zip(&names).enumerate() {
        let inner = names.get(i + 1).cloned().unwrap_or_else(|| struct_name(0));
        let field = FieldSpec {
            json: key.clone(),
            rust: ident::field(key),
            ty: with_lifetime(inner.clone(), lifetime),
            read: read_fn_name(&inner),
            reading: Reading {
                optional: false,
                presence: false,
            },
        };
        let doc = format!("The payload down to `.{key}`.");
        emit_struct(module, name, lifetime, &doc, &[field]);
    }
    for (id, shape) in mapping.shapes.iter().enumerate() {
        let fields: Vec<FieldSpec> = field_names(mapping, id)
            .into_iter()
            .filter_map(|(json, rust)| {
                let field = shape.fields.get(&json)?;
                let (ty, read) = match field.ty {
                    Ty::Source(inner) if boxed(mapping, inner, id) => (
                        format!("Box<{}>", field_type(mapping, &field.ty)),
                        format!(
                            "|r: &mut Reader<'a>| {}(r).map(Box::new)",
                            reader_of(mapping, &field.ty)
                        ),
                    ),
                    _ => (
                        field_type(mapping, &field.ty),
                        reader_of(mapping, &field.ty),
                    ),
                };
                Some(FieldSpec {
                    ty,
                    read,
                    reading: Reading {
                        optional: field.optional,
                        presence: field.presence,
                    },
                    json,
                    rust,
                })
            })
            .collect();
        let doc = format!("Fields read from `{}`.", shape.origin);
        let lifetime = shape_needs_lifetime(mapping, id);
        emit_struct(module, &struct_name(id), lifetime, &doc, &fields);
    }
}

/// The function reading the whole payload.
pub fn payload_reader(mapping: &Mapping) -> String {
    if mapping.at.is_empty() {
        read_fn_name(&struct_name(0))
    } else {
        read_fn_name("Payload")
    }
}
