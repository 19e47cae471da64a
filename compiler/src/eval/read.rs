//! Reading a payload the way the generated code does, through the same
//! runtime JSON reader and in the same order: only the fields the mapping
//! reads (its shapes) are decoded, everything else is skipped undecoded,
//! each field may occur once, and required fields are checked at the end of
//! each object in field order. So both back ends reject a record with the
//! same code, JSON path and message.

use crate::ir::{Mapping, ShapeField, ShapeId, Ty};
use runtime::json_in::{self, ReadError, Reader};
use runtime::RuntimeError;
use serde_json::{Map, Value};

/// Parse a record, keeping only what the mapping reads.
pub fn payload(mapping: &Mapping, input: &[u8]) -> Result<Value, RuntimeError> {
    json_in::read_record(input, |r| down(mapping, r, &mapping.at))
}

/// The object on the way down `at`: only the next key is kept.
fn down(mapping: &Mapping, r: &mut Reader<'_>, at: &[String]) -> Result<Value, ReadError> {
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
    Ok(Value::Object(Map::from_iter([(key.clone(), inner)])))
}

/// An object of a shape: its fields, as present in the payload.
fn shape(mapping: &Mapping, r: &mut Reader<'_>, id: ShapeId) -> Result<Value, ReadError> {
    let Some(shape) = mapping.shapes.get(id) else {
        return r.skip().map(|()| Value::Null);
    };
    let fields: Vec<(&String, &ShapeField)> = shape.fields.iter().collect();
    let mut slots: Vec<Option<Value>> = vec![None; fields.len()];
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
    let mut out = Map::new();
    for ((name, field), slot) in fields.into_iter().zip(slots) {
        match slot {
            Some(v) => {
                out.insert(name.clone(), v);
            }
            None if field.optional => {}
            None => return Err(r.missing(name)),
        }
    }
    Ok(Value::Object(out))
}

fn value(mapping: &Mapping, r: &mut Reader<'_>, field: &ShapeField) -> Result<Value, ReadError> {
    if field.optional {
        return r
            .nullable(|r| typed(mapping, r, &field.ty))
            .map(|v| v.unwrap_or(Value::Null));
    }
    typed(mapping, r, &field.ty)
}

fn typed(mapping: &Mapping, r: &mut Reader<'_>, ty: &Ty) -> Result<Value, ReadError> {
    Ok(match ty {
        Ty::String => Value::String(r.str()?.0.into_owned()),
        Ty::Int => Value::from(r.int()?),
        Ty::Decimal => {
            let token = r.decimal_token()?;
            // Exact: `arbitrary_precision` keeps the token as it is.
            Value::Number(
                token
                    .parse()
                    .map_err(|_| r.mismatch(format!("{token} is not a number")))?,
            )
        }
        Ty::Bool => Value::Bool(r.bool()?),
        Ty::Source(id) => shape(mapping, r, *id)?,
        // XML cannot tell a list of one from one element.
        Ty::Array(elem) if mapping.format == runtime::SourceFormat::Xml => {
            Value::Array(r.one_or_many(|r| typed(mapping, r, elem))?)
        }
        Ty::Array(elem) => Value::Array(r.list(|r| typed(mapping, r, elem))?),
        _ => {
            r.skip()?;
            Value::Null
        }
    })
}
