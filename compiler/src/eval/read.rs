//! Reading a payload the way the generated code does, through the same
//! runtime JSON reader and in the same order: only the fields the mapping
//! reads (its shapes) are decoded, everything else is skipped undecoded,
//! each field may occur once, and required fields are checked at the end of
//! each object in field order. So both back ends reject a record with the
//! same code, JSON path and message.

use crate::ir::{Mapping, ShapeField, ShapeId, Ty};
use runtime::json_in::{self, ReadError, Reader};
use runtime::{Decimal, RuntimeError, Str};

/// A payload value as read: only what the mapping reads, strings borrowed
/// from the input, numbers already converted.
#[derive(Debug, PartialEq)]
pub enum Node<'v> {
    /// `null`, or a value of a type the mapping does not read.
    Null,
    /// A string.
    Str(Str<'v>),
    /// An integer.
    Int(i64),
    /// An exact decimal.
    Dec(Decimal),
    /// A boolean.
    Bool(bool),
    /// An object: the fields read that the payload has, in field order.
    Object(Vec<(&'v str, Node<'v>)>),
    /// An array.
    List(Vec<Node<'v>>),
}

impl<'v> Node<'v> {
    /// The value under `key` of an object (`None` when missing or not an
    /// object).
    pub fn get(&self, key: &str) -> Option<&Node<'v>> {
        match self {
            Node::Object(fields) => fields.iter().find(|(k, _)| *k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Element `index` of an array.
    pub fn at(&self, index: usize) -> Option<&Node<'v>> {
        match self {
            Node::List(items) => items.get(index),
            _ => None,
        }
    }
}

/// Parse a record, keeping only what the mapping reads.
pub fn payload<'v>(mapping: &'v Mapping, input: &'v [u8]) -> Result<Node<'v>, RuntimeError> {
    json_in::read_record(input, |r| down(mapping, r, &mapping.at))
}

/// The object on the way down `at`: only the next key is kept.
fn down<'v>(
    mapping: &'v Mapping,
    r: &mut Reader<'v>,
    at: &'v [String],
) -> Result<Node<'v>, ReadError> {
    let Some((key, rest)) = at.split_first() else {
        return shape(mapping, r, 0);
    };
    let mut slot = None;
    r.object(|r, k| {
        if k == key.as_bytes() {
            r.once(&mut slot, key, |r| down(mapping, r, rest))
        } else {
            r.skip()
        }
    })?;
    let inner = r.required(slot, key)?;
    Ok(Node::Object(vec![(key.as_str(), inner)]))
}

/// An object of a shape: its fields, as present in the payload.
fn shape<'v>(mapping: &'v Mapping, r: &mut Reader<'v>, id: ShapeId) -> Result<Node<'v>, ReadError> {
    let Some(shape) = mapping.shapes.get(id) else {
        return r.skip().map(|()| Node::Null);
    };
    // Collected once per object: every key is looked up in it, and a slice
    // is faster to scan than the map.
    let fields: Vec<(&String, &ShapeField)> = shape.fields.iter().collect();
    let mut slots: Vec<Option<Node<'v>>> =
        std::iter::repeat_with(|| None).take(fields.len()).collect();
    r.object(|r, key| {
        let found = fields
            .iter()
            .zip(slots.iter_mut())
            .find(|((name, _), _)| name.as_bytes() == key);
        match found {
            Some(((name, field), slot)) => r.once(slot, name, |r| value(mapping, r, field)),
            None => r.skip(),
        }
    })?;
    let mut out = Vec::with_capacity(fields.len());
    for ((name, field), slot) in fields.into_iter().zip(slots) {
        match slot {
            Some(v) => out.push((name.as_str(), v)),
            None if field.optional => {}
            None => return Err(r.missing(name)),
        }
    }
    Ok(Node::Object(out))
}

fn value<'v>(
    mapping: &'v Mapping,
    r: &mut Reader<'v>,
    field: &'v ShapeField,
) -> Result<Node<'v>, ReadError> {
    if field.optional {
        return r
            .nullable(|r| typed(mapping, r, &field.ty))
            .map(|v| v.unwrap_or(Node::Null));
    }
    typed(mapping, r, &field.ty)
}

fn typed<'v>(mapping: &'v Mapping, r: &mut Reader<'v>, ty: &'v Ty) -> Result<Node<'v>, ReadError> {
    Ok(match ty {
        Ty::String => Node::Str(r.str()?.into_str()),
        Ty::Scalar => Node::Str(r.scalar_text()?.into_str()),
        Ty::Int => Node::Int(r.int()?),
        Ty::Decimal => Node::Dec(r.decimal()?.0),
        Ty::Bool => Node::Bool(r.bool()?),
        Ty::Source(id) => shape(mapping, r, *id)?,
        // XML cannot tell a list of one from one element.
        Ty::Array(elem) if mapping.format.lone_element_is_list() => {
            Node::List(r.one_or_many(|r| typed(mapping, r, elem))?)
        }
        Ty::Array(elem) => Node::List(r.list(|r| typed(mapping, r, elem))?),
        _ => {
            r.skip()?;
            Node::Null
        }
    })
}
