//! Reading source payloads in generated code: borrowed strings, exact
//! decimals from JSON number tokens, and errors with JSON paths.

use crate::error::{ErrorCode, RuntimeError};
use crate::{Decimal, Str};
use serde::de::{Deserialize, Deserializer, Error as _, Visitor};
use std::fmt;
use std::ops::Deref;

/// A payload string: borrowed from the input unless it contained escapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonStr<'a>(pub Str<'a>);

impl Deref for JsonStr<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

struct StrVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for StrVisitor<'a> {
    type Value = JsonStr<'a>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(JsonStr(Str::Borrowed(v)))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(JsonStr(Str::Owned(v.to_owned())))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(JsonStr(Str::Owned(v)))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for JsonStr<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(StrVisitor(std::marker::PhantomData))
    }
}

/// For a field read by `has(..)`: `None` when the key is missing,
/// `Some(None)` when it is `null` (use with `#[serde(default)]`).
pub fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// For an array field of an XML mapping: XML cannot tell a list of one from
/// one element, so a single object or string is read as a list of one.
pub fn one_or_many<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Vec<T>, D::Error> {
    d.deserialize_any(OneOrMany(std::marker::PhantomData))
}

/// [`one_or_many`] for an optional field (use with `#[serde(default)]`).
pub fn one_or_many_opt<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Vec<T>>, D::Error> {
    d.deserialize_option(OptionalOneOrMany(std::marker::PhantomData))
}

struct OneOrMany<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for OneOrMany<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a sequence, or one element")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut out = Vec::new();
        while let Some(item) = seq.next_element()? {
            out.push(item);
        }
        Ok(out)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Vec<T>, A::Error> {
        T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(|one| vec![one])
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, s: &'de str) -> Result<Vec<T>, E> {
        T::deserialize(serde::de::value::BorrowedStrDeserializer::new(s)).map(|one| vec![one])
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Vec<T>, E> {
        T::deserialize(serde::de::value::StringDeserializer::new(s.to_owned())).map(|one| vec![one])
    }
}

struct OptionalOneOrMany<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for OptionalOneOrMany<T> {
    type Value = Option<Vec<T>>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a sequence, one element, or null")
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        one_or_many(d).map(Some)
    }
}

/// A JSON number read exactly from its token (never through `f64`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonDecimal(pub Decimal);

impl<'de> Deserialize<'de> for JsonDecimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let number = serde_json::Number::deserialize(d)?;
        crate::decimal::parse(number.as_str())
            .map(JsonDecimal)
            .map_err(|f| D::Error::custom(f.message))
    }
}

/// Render a path from `serde_path_to_error` in the runtime's `$.a[0].b` form.
pub fn dollar_path(path: &serde_path_to_error::Path) -> String {
    let text = path.to_string();
    if text == "." {
        "$".to_owned()
    } else {
        format!("$.{text}")
    }
}

/// Whether a payload error is about JSON syntax (R101) rather than shape.
pub fn is_syntax(e: &serde_json::Error) -> bool {
    e.is_syntax() || e.is_eof()
}

/// R101 for a record that is not JSON.
pub fn invalid_json(e: &serde_json::Error) -> RuntimeError {
    RuntimeError::payload(
        ErrorCode::InvalidJson,
        "$",
        format!("the record is not valid JSON: {e}"),
    )
}

/// R102 for a record whose shape breaks the source schema, at `path`.
pub fn schema_mismatch(path: String, e: &serde_json::Error) -> RuntimeError {
    RuntimeError::payload(
        ErrorCode::SchemaMismatch,
        path,
        format!("the record does not match the source schema: {e}"),
    )
}

/// Deserialize a record into the generated source type. The fast path has no
/// path tracking; on failure the record is read again to find the JSON path.
pub fn parse_record<'a, T: Deserialize<'a>>(input: &'a [u8]) -> Result<T, RuntimeError> {
    match serde_json::from_slice(input) {
        Ok(value) => Ok(value),
        Err(first) if is_syntax(&first) => Err(invalid_json(&first)),
        Err(first) => {
            let mut de = serde_json::Deserializer::from_slice(input);
            match serde_path_to_error::deserialize::<_, T>(&mut de) {
                Err(e) => Err(schema_mismatch(dollar_path(e.path()), e.inner())),
                Ok(_) => Err(schema_mismatch("$".to_owned(), &first)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Item<'a> {
        #[serde(borrow)]
        sku: JsonStr<'a>,
        price: JsonDecimal,
    }

    #[derive(Deserialize)]
    struct Order<'a> {
        #[serde(borrow)]
        items: Vec<Item<'a>>,
    }

    #[test]
    fn strings_borrow_and_numbers_stay_exact() {
        let input = br#"{"items":[{"sku":"A","price":0.1},{"sku":"B\n","price":1e2}]}"#;
        let order: Order = parse_record(input).unwrap();
        assert!(matches!(order.items[0].sku.0, Str::Borrowed("A")));
        assert!(matches!(order.items[1].sku.0, Str::Owned(_)));
        assert_eq!(order.items[0].price.0.to_string(), "0.1");
        assert_eq!(order.items[1].price.0.to_string(), "100");
    }

    #[test]
    fn errors_carry_codes_and_paths() {
        let bad = parse_record::<Order>(br#"{"items":[{"sku":"A","price":"x"}]}"#);
        let bad = bad.err().unwrap();
        assert_eq!(
            (bad.code, bad.path.as_str()),
            (ErrorCode::SchemaMismatch, "$.items[0].price")
        );
        let truncated = parse_record::<Order>(br#"{"items":[{"sku""#).err().unwrap();
        assert_eq!(truncated.code, ErrorCode::InvalidJson);
    }
}
