//! Source structs: one `#[derive(Deserialize)]` struct per shape, with
//! exactly the fields the mapping reads. Unread fields are skipped by serde
//! without being built; strings borrow from the input.

use super::ident;
use crate::ir::{Mapping, ShapeId, Ty};
use codegen::{Field, Module, Struct};
use std::collections::BTreeSet;

/// `Shape3`.
pub fn struct_name(shape: ShapeId) -> String {
    format!("Shape{shape}")
}

fn needs_lifetime(mapping: &Mapping, ty: &Ty) -> bool {
    match ty {
        Ty::String => true,
        Ty::Array(elem) => needs_lifetime(mapping, elem),
        Ty::Source(shape) => shape_needs_lifetime(mapping, *shape),
        _ => false,
    }
}

fn shape_needs_lifetime(mapping: &Mapping, shape: ShapeId) -> bool {
    mapping
        .shapes
        .get(shape)
        .is_some_and(|s| s.fields.values().any(|f| needs_lifetime(mapping, &f.ty)))
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
        Ty::String => "JsonStr<'a>".to_owned(),
        Ty::Int => "i64".to_owned(),
        Ty::Decimal => "JsonDecimal".to_owned(),
        Ty::Bool => "bool".to_owned(),
        Ty::Array(elem) => format!("Vec<{}>", field_type(mapping, elem)),
        Ty::Source(shape) => {
            with_lifetime(struct_name(*shape), shape_needs_lifetime(mapping, *shape))
        }
        _ => "serde::de::IgnoredAny".to_owned(),
    }
}

fn new_struct(name: &str, lifetime: bool) -> Struct {
    let mut s = Struct::new(name);
    s.derive("Deserialize");
    s.attr("serde(expecting = \"a JSON object\")");
    if lifetime {
        s.generic("'a");
    }
    s
}

/// How a source field is read.
#[derive(Clone, Copy)]
struct Reading {
    /// May be missing or null.
    optional: bool,
    /// Keep missing and null apart (`has(..)`).
    presence: bool,
    /// An array read from XML: one element is a list of one.
    xml_list: bool,
}

fn push_field(s: &mut Struct, json_name: &str, rust_name: &str, ty: String, reading: Reading) {
    let borrows = ty.contains("'a");
    let ty = match (reading.optional, reading.presence) {
        (true, true) => format!("Option<Option<{ty}>>"),
        (true, false) => format!("Option<{ty}>"),
        _ => ty,
    };
    let mut field = Field::new(rust_name, ty);
    let mut attrs = Vec::new();
    if rust_name != json_name {
        attrs.push(format!("rename = {}", ident::string_literal(json_name)));
    }
    if borrows {
        attrs.push("borrow".to_owned());
    }
    if reading.optional {
        attrs.push("default".to_owned());
    }
    if reading.optional && reading.presence {
        attrs.push("deserialize_with = \"runtime::source::present\"".to_owned());
    } else if reading.xml_list && reading.optional {
        attrs.push("deserialize_with = \"runtime::source::one_or_many_opt\"".to_owned());
    } else if reading.xml_list {
        attrs.push("deserialize_with = \"runtime::source::one_or_many\"".to_owned());
    }
    if !attrs.is_empty() {
        field.annotation(format!("#[serde({})]", attrs.join(", ")));
    }
    s.push_field(field);
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

/// Emit the payload wrappers (for `at`) and every shape struct.
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
        let mut s = new_struct(name, lifetime);
        s.doc(format!("The payload down to `.{key}`."));
        push_field(
            &mut s,
            key,
            &ident::field(key),
            with_lifetime(inner, lifetime),
            Reading {
                optional: false,
                presence: false,
                xml_list: false,
            },
        );
        module.push_struct(s);
    }
    for (id, shape) in mapping.shapes.iter().enumerate() {
        let mut s = new_struct(&struct_name(id), shape_needs_lifetime(mapping, id));
        s.doc(format!("Fields read from `{}`.", shape.origin));
        for (json, rust) in field_names(mapping, id) {
            if let Some(field) = shape.fields.get(&json) {
                push_field(
                    &mut s,
                    &json,
                    &rust,
                    field_type(mapping, &field.ty),
                    Reading {
                        optional: field.optional,
                        presence: field.presence,
                        xml_list: mapping.format == runtime::SourceFormat::Xml
                            && matches!(field.ty, Ty::Array(_)),
                    },
                );
            }
        }
        if shape.fields.is_empty() {
            // Keep a braced struct (a unit struct would expect `null`).
            let mut none = Field::new("_read_nothing", "()");
            none.annotation("#[serde(skip)]");
            s.push_field(none);
        }
        module.push_struct(s);
    }
}
