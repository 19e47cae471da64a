//! Lookup tables: YAML maps from string keys to scalar values.
//!
//! ```yaml
//! # shopify financial_status -> SalesOrder.status
//! pending: pending_payment
//! paid: paid
//! ```
//!
//! Values are all strings, all booleans, or all numbers (integers, or
//! decimals when any value has a fraction). Decimal values are read from the
//! YAML number's shortest round-trip text, exact up to 15 significant digits;
//! quote longer ones as strings and parse them with `decimal(...)`.

use crate::ir::{Lit, Table, Ty};
use rust_decimal::Decimal;
use serde_yaml::Value;
use std::collections::BTreeMap;

/// Why a table file is unusable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableError {
    /// What is wrong.
    pub message: String,
}

fn fail(message: impl Into<String>) -> TableError {
    TableError {
        message: message.into(),
    }
}

fn key_text(key: &Value) -> Result<String, TableError> {
    match key {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(fail(format!("keys must be strings, found {other:?}"))),
    }
}

fn value_lit(value: &Value) -> Result<Lit, TableError> {
    match value {
        Value::String(s) => Ok(Lit::String(s.clone())),
        Value::Bool(b) => Ok(Lit::Bool(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Ok(Lit::Int(i)),
            None => Decimal::from_str_exact(&n.to_string())
                .map(Lit::Decimal)
                .map_err(|_| fail(format!("{n} is not an exact decimal; quote it"))),
        },
        other => Err(fail(format!(
            "values must be strings, numbers or booleans, found {other:?}"
        ))),
    }
}

/// Parse a table named `name` from YAML text read from `file`.
pub fn parse_table(name: &str, file: &str, text: &str) -> Result<Table, TableError> {
    let root: Value =
        serde_yaml::from_str(text).map_err(|e| fail(format!("not valid YAML: {e}")))?;
    let Value::Mapping(map) = root else {
        return Err(fail("a table is a YAML mapping of `key: value` lines"));
    };
    let mut entries = BTreeMap::new();
    for (key, value) in &map {
        entries.insert(key_text(key)?, value_lit(value)?);
    }
    let value_ty = value_type(&entries)?;
    if value_ty == Ty::Decimal {
        for value in entries.values_mut() {
            if let Lit::Int(i) = value {
                *value = Lit::Decimal(Decimal::from(*i));
            }
        }
    }
    Ok(Table {
        name: name.to_owned(),
        file: file.to_owned(),
        entries,
        value_ty,
    })
}

fn value_type(entries: &BTreeMap<String, Lit>) -> Result<Ty, TableError> {
    let mut ty = None;
    for (key, value) in entries {
        let this = match value {
            Lit::String(_) => Ty::String,
            Lit::Bool(_) => Ty::Bool,
            Lit::Int(_) => Ty::Int,
            _ => Ty::Decimal,
        };
        ty = Some(match (ty, this) {
            (None, t) => t,
            (Some(Ty::Int), Ty::Decimal) | (Some(Ty::Decimal), Ty::Int) => Ty::Decimal,
            (Some(a), b) if a == b => a,
            (Some(a), b) => {
                return Err(fail(format!(
                    "all values must have one type: the value of {key:?} is of type {b}, earlier ones are of type {a}"
                )))
            }
        });
    }
    ty.ok_or_else(|| fail("the table is empty"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_string_and_decimal_tables() {
        let t = parse_table("s", "s.yaml", "paid: paid\npending: pending_payment\n").unwrap();
        assert_eq!(t.value_ty, Ty::String);
        assert_eq!(t.entries.get("paid"), Some(&Lit::String("paid".into())));
        let uom = parse_table("u", "u.yaml", "EA: 1\nLB: 0.45359237\n").unwrap();
        assert_eq!(uom.value_ty, Ty::Decimal);
        assert_eq!(
            uom.entries.get("LB"),
            Some(&Lit::Decimal(Decimal::new(45359237, 8)))
        );
        assert_eq!(uom.entries.get("EA"), Some(&Lit::Decimal(Decimal::ONE)));
    }

    #[test]
    fn rejects_mixed_and_non_mapping_tables() {
        assert!(parse_table("m", "m", "a: 1\nb: x\n")
            .unwrap_err()
            .message
            .contains("one type"));
        assert!(parse_table("m", "m", "- a\n").is_err());
        assert!(parse_table("m", "m", "{}").is_err());
    }
}
