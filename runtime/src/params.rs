//! Mapping parameters: typed values a mapping declares (`param
//! store_currency: CurrencyCode`) and each deployment supplies (`maprt
//! --param store_currency=EUR`), such as the currency of a store whose
//! refunds carry none.
//!
//! Supplied values are kept per mapping id, process-wide, and checked
//! against their type when supplied ([`check`]); a transform reads them by
//! name. A parameter neither supplied nor defaulted fails the record with
//! R117 (`maprt` refuses to start instead, so this is a backstop).

use crate::decimal;
use crate::error::{ErrorCode, Fault};
use crate::money::Money;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::sync::RwLock;

/// The type of a parameter, as a mapping names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamType {
    /// `string`: any text.
    Text,
    /// `int`: a 64-bit integer.
    Int,
    /// `decimal`: an exact decimal.
    Decimal,
    /// `bool`: `true` or `false`.
    Bool,
    /// `CurrencyCode`: three upper-case letters (the canonical model's
    /// `CurrencyCode`), read as a string.
    CurrencyCode,
}

impl ParamType {
    /// Every type, as named in mappings.
    pub const NAMES: &'static [&'static str] =
        &["string", "int", "decimal", "bool", "CurrencyCode"];

    /// The type a mapping names `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "string" => Self::Text,
            "int" => Self::Int,
            "decimal" => Self::Decimal,
            "bool" => Self::Bool,
            "CurrencyCode" => Self::CurrencyCode,
            _ => return None,
        })
    }

    /// Its name in mappings.
    pub fn name(self) -> &'static str {
        match self {
            Self::Text => "string",
            Self::Int => "int",
            Self::Decimal => "decimal",
            Self::Bool => "bool",
            Self::CurrencyCode => "CurrencyCode",
        }
    }
}

/// Whether `text` is a value of type `ty`; R117 saying why not.
pub fn check(ty: ParamType, text: &str) -> Result<(), Fault> {
    let invalid = |why: String| Fault::new(ErrorCode::InvalidParameter, why);
    match ty {
        ParamType::Text => Ok(()),
        ParamType::Int => crate::text::to_int(text)
            .map(|_| ())
            .map_err(|f| invalid(f.message)),
        ParamType::Decimal => decimal::parse(text)
            .map(|_| ())
            .map_err(|f| invalid(f.message)),
        ParamType::Bool => match text {
            "true" | "false" => Ok(()),
            _ => Err(invalid(format!("{text:?} is not `true` or `false`"))),
        },
        ParamType::CurrencyCode => Money::new(Decimal::ZERO, text)
            .map(|_| ())
            .map_err(|f| invalid(f.message)),
    }
}

/// Values supplied, by mapping id then parameter name.
static SUPPLIED: RwLock<BTreeMap<String, BTreeMap<String, String>>> = RwLock::new(BTreeMap::new());

/// Supply `value` for parameter `name` of `mapping`, checked against `ty`
/// (a later value for the same name replaces it).
pub fn supply(mapping: &str, name: &str, ty: ParamType, value: &str) -> Result<(), Fault> {
    check(ty, value)?;
    let mut supplied = SUPPLIED.write().unwrap_or_else(|e| e.into_inner());
    supplied
        .entry(mapping.to_owned())
        .or_default()
        .insert(name.to_owned(), value.to_owned());
    Ok(())
}

/// The text of parameter `name` of `mapping`: as supplied, else `default`;
/// R117 when neither.
fn value(mapping: &str, name: &str, default: Option<&str>) -> Result<String, Fault> {
    let supplied = SUPPLIED.read().unwrap_or_else(|e| e.into_inner());
    let found = supplied.get(mapping).and_then(|values| values.get(name));
    match (found, default) {
        (Some(text), _) => Ok(text.clone()),
        (None, Some(text)) => Ok(text.to_owned()),
        (None, None) => Err(Fault::new(
            ErrorCode::InvalidParameter,
            format!("parameter `{name}` was not supplied (`--param {name}=...`)"),
        )),
    }
}

/// A `string` or `CurrencyCode` parameter.
pub fn text(mapping: &str, name: &str, default: Option<&str>) -> Result<String, Fault> {
    value(mapping, name, default)
}

/// An `int` parameter.
pub fn int(mapping: &str, name: &str, default: Option<&str>) -> Result<i64, Fault> {
    crate::text::to_int(&value(mapping, name, default)?)
}

/// A `decimal` parameter.
pub fn decimal(mapping: &str, name: &str, default: Option<&str>) -> Result<Decimal, Fault> {
    decimal::parse(&value(mapping, name, default)?)
}

/// A `bool` parameter.
pub fn boolean(mapping: &str, name: &str, default: Option<&str>) -> Result<bool, Fault> {
    Ok(value(mapping, name, default)? == "true")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_by_type_and_kept_per_mapping() {
        assert!(check(ParamType::CurrencyCode, "EUR").is_ok());
        for (ty, bad) in [
            (ParamType::CurrencyCode, "eur"),
            (ParamType::Int, "1.5"),
            (ParamType::Decimal, "1,5"),
            (ParamType::Bool, "yes"),
        ] {
            let fault = check(ty, bad).unwrap_err();
            assert_eq!(fault.code, ErrorCode::InvalidParameter, "{bad}");
        }
        supply("test.a", "currency", ParamType::CurrencyCode, "EUR").unwrap();
        supply("test.b", "currency", ParamType::CurrencyCode, "JPY").unwrap();
        assert_eq!(text("test.a", "currency", None).unwrap(), "EUR");
        assert_eq!(text("test.b", "currency", Some("USD")).unwrap(), "JPY");
        assert_eq!(text("test.c", "currency", Some("USD")).unwrap(), "USD");
        let missing = text("test.c", "currency", None).unwrap_err();
        assert_eq!(missing.code, ErrorCode::InvalidParameter);
        assert!(supply("test.a", "n", ParamType::Int, "x").is_err());
        assert_eq!(int("test.a", "n", Some("7")).unwrap(), 7);
        assert_eq!(
            decimal("test.a", "d", Some("0.20")).unwrap().to_string(),
            "0.20"
        );
        assert!(boolean("test.a", "b", Some("true")).unwrap());
    }
}
