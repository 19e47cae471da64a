//! Checking a payload against the shapes the mapping reads, before
//! evaluating: the same fields, and the same failures, as the generated
//! code's typed deserialization.

use crate::ir::{Mapping, ShapeId, Ty};
use runtime::{ErrorCode, RuntimeError};
use serde_json::Value;

fn mismatch(path: &str, message: String) -> RuntimeError {
    RuntimeError::payload(
        ErrorCode::SchemaMismatch,
        path,
        format!("the record does not match the source schema: {message}"),
    )
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "map",
    }
}

/// Walk `at` to the record and check it against the record shape.
pub fn record<'v>(mapping: &Mapping, payload: &'v Value) -> Result<&'v Value, RuntimeError> {
    let mut node = payload;
    let mut path = String::from("$");
    for key in &mapping.at {
        if !node.is_object() {
            return Err(mismatch(
                &path,
                format!("invalid type: {}, expected a JSON object", json_kind(node)),
            ));
        }
        node = match node.get(key) {
            Some(v) if !v.is_null() => v,
            _ => return Err(mismatch(&path, format!("missing field `{key}`"))),
        };
        path.push('.');
        path.push_str(key);
    }
    check_object(mapping, 0, node, &path)?;
    Ok(node)
}

fn check_object(
    mapping: &Mapping,
    shape: ShapeId,
    v: &Value,
    path: &str,
) -> Result<(), RuntimeError> {
    let Some(object) = v.as_object() else {
        return Err(mismatch(
            path,
            format!("invalid type: {}, expected a JSON object", json_kind(v)),
        ));
    };
    let Some(shape) = mapping.shapes.get(shape) else {
        return Ok(());
    };
    for (name, field) in &shape.fields {
        let here = format!("{path}.{name}");
        match object.get(name) {
            None | Some(Value::Null) if field.optional => {}
            None => return Err(mismatch(path, format!("missing field `{name}`"))),
            Some(value) => check_value(mapping, &field.ty, value, &here)?,
        }
    }
    Ok(())
}

fn check_value(mapping: &Mapping, ty: &Ty, v: &Value, path: &str) -> Result<(), RuntimeError> {
    let ok = match (ty, v) {
        (Ty::String, Value::String(_)) | (Ty::Bool, Value::Bool(_)) | (Ty::Null, Value::Null) => {
            true
        }
        (Ty::Int, Value::Number(n)) => n.as_i64().is_some(),
        (Ty::Decimal, Value::Number(n)) => {
            return runtime::decimal::parse(n.as_str())
                .map(|_| ())
                .map_err(|f| mismatch(path, f.message));
        }
        (Ty::Source(shape), _) => return check_object(mapping, *shape, v, path),
        (Ty::Array(elem), Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                check_value(mapping, elem, item, &format!("{path}[{i}]"))?;
            }
            true
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(mismatch(
            path,
            format!("invalid type: {}, expected {ty}", json_kind(v)),
        ))
    }
}
