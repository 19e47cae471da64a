//! Reading a payload the way the generated code does: only the fields the
//! mapping reads (its shapes) are decoded, each with the same `Deserialize`
//! impl the generated struct field uses (so type errors surface at the same
//! place in the stream); everything else is skipped undecoded, as serde skips
//! unknown struct fields; required fields are checked at the end of each
//! object, as serde does. Errors get the same codes and JSON paths.

use crate::ir::{Mapping, ShapeId, Ty};
use runtime::source::{self, JsonDecimal, JsonStr};
use runtime::RuntimeError;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::fmt;

/// What to build for a value.
#[derive(Clone, Copy)]
enum Want<'m> {
    /// An object: keep only the shape's fields.
    Shape(ShapeId),
    /// An object on the way down `at`: keep only this key.
    Key(&'m str, &'m [String]),
    /// An array of something.
    Array(&'m Ty),
    /// A scalar of this type.
    Scalar(&'m Ty),
}

#[derive(Clone, Copy)]
struct Seed<'m> {
    mapping: &'m Mapping,
    want: Want<'m>,
    optional: bool,
}

impl<'m> Seed<'m> {
    fn for_ty(mapping: &'m Mapping, ty: &'m Ty, optional: bool) -> Self {
        let want = match ty {
            Ty::Source(shape) => Want::Shape(*shape),
            Ty::Array(elem) => Want::Array(elem),
            other => Want::Scalar(other),
        };
        Seed {
            mapping,
            want,
            optional,
        }
    }

    /// The first required field `object` lacks (the generated struct's field
    /// order: sorted by name), or the next key on the way down `at`.
    fn missing<'o>(&'o self, object: &Map<String, Value>) -> Option<&'o str> {
        match self.want {
            Want::Shape(shape) => self
                .mapping
                .shapes
                .get(shape)?
                .fields
                .iter()
                .find(|(name, f)| !f.optional && !object.contains_key(name.as_str()))
                .map(|(name, _)| name.as_str()),
            Want::Key(key, _) => (!object.contains_key(key)).then_some(key),
            _ => None,
        }
    }

    /// The seed for the value under `key`, or `None` to skip it.
    fn child(&self, key: &str) -> Option<Seed<'m>> {
        match self.want {
            Want::Shape(shape) => {
                let field = self.mapping.shapes.get(shape)?.fields.get(key)?;
                Some(Seed::for_ty(self.mapping, &field.ty, field.optional))
            }
            Want::Key(wanted, rest) if wanted == key => {
                let want = match rest.split_first() {
                    Some((next, rest)) => Want::Key(next, rest),
                    None => Want::Shape(0),
                };
                Some(Seed {
                    mapping: self.mapping,
                    want,
                    optional: false,
                })
            }
            _ => None,
        }
    }
}

fn scalar<'de, D: Deserializer<'de>>(ty: &Ty, d: D) -> Result<Value, D::Error> {
    Ok(match ty {
        Ty::String => Value::String(JsonStr::deserialize(d)?.0.into_owned()),
        Ty::Int => Value::from(i64::deserialize(d)?),
        Ty::Decimal => {
            let number = serde_json::Number::deserialize(d)?;
            let check = JsonDecimal::deserialize(serde_json::Value::Number(number.clone()));
            check.map_err(serde::de::Error::custom)?;
            Value::Number(number)
        }
        Ty::Bool => Value::Bool(bool::deserialize(d)?),
        _ => {
            IgnoredAny::deserialize(d)?;
            Value::Null
        }
    })
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        if self.optional {
            return d.deserialize_option(Optional(Seed {
                optional: false,
                ..self
            }));
        }
        match self.want {
            Want::Scalar(ty) => scalar(ty, d),
            // XML cannot tell a list of one from one element.
            Want::Array(_) if self.mapping.format == runtime::SourceFormat::Xml => {
                d.deserialize_any(self)
            }
            Want::Array(_) => d.deserialize_seq(self),
            Want::Shape(_) | Want::Key(..) => d.deserialize_map(self),
        }
    }
}

impl<'m> Seed<'m> {
    /// A single XML element where the schema declares a list: a list of one.
    fn xml_single<'de, D: Deserializer<'de>>(
        self,
        d: D,
        found: serde::de::Unexpected<'_>,
    ) -> Result<Value, D::Error> {
        match self.want {
            Want::Array(elem) if self.mapping.format == runtime::SourceFormat::Xml => {
                let one = Seed::for_ty(self.mapping, elem, false).deserialize(d)?;
                Ok(Value::Array(vec![one]))
            }
            _ => Err(serde::de::Error::invalid_type(found, &self)),
        }
    }
}

struct Optional<'m>(Seed<'m>);

impl<'de> Visitor<'de> for Optional<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.0.deserialize(d)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self.want {
            Want::Array(_) => f.write_str("a sequence"),
            _ => f.write_str("a JSON object"),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        if let Want::Array(elem) = self.want {
            if self.mapping.format == runtime::SourceFormat::Xml {
                let one = Seed::for_ty(self.mapping, elem, false)
                    .deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                return Ok(Value::Array(vec![one]));
            }
            return Err(serde::de::Error::invalid_type(
                serde::de::Unexpected::Map,
                &self,
            ));
        }
        let mut out = Map::new();
        while let Some(key) = map.next_key::<JsonStr>()? {
            match self.child(&key) {
                Some(seed) => {
                    let value = map.next_value_seed(seed)?;
                    out.insert(key.0.into_owned(), value);
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        // Like serde's derived structs: required fields are checked at the
        // end of each object, so both back ends report the same first error.
        if let Some(name) = self.missing(&out) {
            return Err(serde::de::Error::custom(format!("missing field `{name}`")));
        }
        Ok(Value::Object(out))
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, s: &'de str) -> Result<Value, E> {
        self.xml_single(
            serde::de::value::BorrowedStrDeserializer::new(s),
            serde::de::Unexpected::Str(s),
        )
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Value, E> {
        let owned = serde::de::value::StringDeserializer::<E>::new(s.to_owned());
        self.xml_single(owned, serde::de::Unexpected::Str(s))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let Want::Array(elem) = self.want else {
            return Err(serde::de::Error::invalid_type(
                serde::de::Unexpected::Seq,
                &self,
            ));
        };
        let elem = Seed::for_ty(self.mapping, elem, false);
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(elem)? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
}

/// Parse a record, keeping only what the mapping reads.
pub fn payload(mapping: &Mapping, input: &[u8]) -> Result<Value, RuntimeError> {
    let want = match mapping.at.split_first() {
        Some((first, rest)) => Want::Key(first, rest),
        None => Want::Shape(0),
    };
    let seed = Seed {
        mapping,
        want,
        optional: false,
    };
    // Fast path without path tracking; on failure, read again to find the
    // JSON path (the generated code does the same).
    let mut de = serde_json::Deserializer::from_slice(input);
    let fast = seed.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    let Err(first) = fast else {
        return fast.map_err(|e| source::invalid_json(&e));
    };
    if source::is_syntax(&first) {
        return Err(source::invalid_json(&first));
    }
    let mut de = serde_json::Deserializer::from_slice(input);
    let mut track = serde_path_to_error::Track::new();
    let tracked = seed.deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track));
    let e = tracked.err().unwrap_or(first);
    Err(source::schema_mismatch(
        source::dollar_path(&track.path()),
        &e,
    ))
}
