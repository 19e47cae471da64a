//! What a compiled mapping declares about itself: its id and target, the
//! format it reads ([`SourceFormat`]), where its records sit in a payload
//! ([`Route`]) and its transform. Plain data: the host crate does the
//! framing and cutting these describe.

use crate::error::RuntimeError;

/// Signature of a compiled mapping: one source record in, one canonical
/// JSON record appended to `out`.
pub type TransformFn = fn(&[u8], &mut Vec<u8>) -> Result<(), RuntimeError>;

/// What a mapping reads, with everything its framing needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// JSON: one document, or one value per line.
    Json(JsonFraming),
    /// Delimited rows with a header line (`format csv`, `format tsv table`).
    Delimited(Delimited),
    /// An XML document, read as a JSON tree (XML has no arrays: see
    /// [`SourceFormat::lone_element_is_list`]).
    Xml,
    /// JSON a channel writes from XML (Lightspeed Retail: `"SaleLine":
    /// {...}` for one line, `[...]` for several): framed as JSON, read with
    /// XML's rule that a lone element stands for a list of one.
    XmlJson,
}

/// How JSON input is cut into payloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonFraming {
    /// NDJSON when the first non-blank line is a whole JSON value, else one
    /// document (what a mapping declares).
    Auto,
    /// The whole input is one JSON document.
    Document,
    /// One JSON value per line; blank lines are skipped.
    Lines,
}

/// A delimited file: its separator, and whether it is read row by row or
/// whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delimited {
    /// The cell separator.
    pub separator: Separator,
    /// `table`: the whole file is one record `{"rows": [...]}` (a settlement
    /// report's header and its transactions); otherwise each row is one.
    pub whole_file: bool,
}

/// A delimited file's cell separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Separator {
    /// `,` with RFC 4180 quoting.
    Comma,
    /// A tab, no quoting (a cell holds anything but a tab or a newline).
    Tab,
}

impl Separator {
    /// The separator byte.
    pub fn byte(self) -> u8 {
        match self {
            Self::Comma => b',',
            Self::Tab => b'\t',
        }
    }

    /// Whether `"` quotes a cell.
    pub fn quoting(self) -> bool {
        self == Self::Comma
    }
}

impl SourceFormat {
    /// JSON, framed by what the input looks like.
    pub const JSON: Self = Self::Json(JsonFraming::Auto);

    /// Whether an array in the source may arrive as its lone element: XML
    /// cannot tell a list of one from one item, so readers and routes take
    /// a single value where the schema declares an array.
    pub fn lone_element_is_list(self) -> bool {
        matches!(self, Self::Xml | Self::XmlJson)
    }
}

/// One way into a payload: object keys from the root, then, when `each`,
/// every element of the array found there is a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route<'a> {
    /// Object keys from the payload root.
    pub keys: &'a [&'a str],
    /// The value at `keys` is an array of records.
    pub each: bool,
}

impl Route<'_> {
    /// The route as written in a mapping: `.inventory_levels[]`.
    pub fn describe(&self) -> String {
        let mut text: String = self.keys.iter().map(|k| format!(".{k}")).collect();
        if text.is_empty() {
            text.push('.');
        }
        if self.each {
            text.push_str("[]");
        }
        text
    }
}

/// A mapping compiled into a binary (each generated module exports one as
/// `MAPPING`).
#[derive(Debug, Clone, Copy)]
pub struct CompiledMapping {
    /// Mapping id, `<channel>.<object>` (e.g. `shopify.order`).
    pub id: &'static str,
    /// Canonical object the mapping produces (e.g. `SalesOrder`).
    pub target: &'static str,
    /// Mapping file the code was generated from, relative to the repository.
    pub file: &'static str,
    /// What the mapping reads.
    pub format: SourceFormat,
    /// Where the records sit in a payload (empty: the payload is the
    /// record, or the generated code unwraps it itself).
    pub routes: &'static [Route<'static>],
    /// Named inputs a record is made of (`source order "..."`), in order;
    /// empty when a record is one document.
    pub inputs: &'static [&'static str],
    /// Those of `inputs` a record may come without (`optional`).
    pub optional_inputs: &'static [&'static str],
    /// Parameters the mapping declares (`param store_currency:
    /// CurrencyCode`), supplied per deployment (`runtime::params`).
    pub params: &'static [ParamDecl<'static>],
    /// The generated transform.
    pub transform: TransformFn,
}

/// A parameter a mapping declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamDecl<'a> {
    /// Its name.
    pub name: &'a str,
    /// Its type.
    pub ty: crate::params::ParamType,
    /// Its value when none is supplied (`param rate: decimal = 0.2`).
    pub default: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_xml_takes_a_lone_element_for_a_list() {
        let tsv_table = SourceFormat::Delimited(Delimited {
            separator: Separator::Tab,
            whole_file: true,
        });
        assert!(!SourceFormat::JSON.lone_element_is_list());
        assert!(SourceFormat::Xml.lone_element_is_list());
        assert!(SourceFormat::XmlJson.lone_element_is_list());
        assert!(!tsv_table.lone_element_is_list());
        assert!(!Separator::Tab.quoting() && Separator::Comma.quoting());
    }
}
