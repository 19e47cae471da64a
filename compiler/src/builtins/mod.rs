//! The builtin registry: every builtin function declared once.
//!
//! A declaration ([`Decl`]) gives the builtin's name, its usage line and
//! one-line doc, the constant arguments `mapc check` validates, and its
//! overloads. An overload names the one `runtime` function implementing it
//! with that function's Rust signature (the [`rt!`] macro in
//! `registry.rs`); everything else follows from the signature:
//!
//! - the checker's parameter types, result type, absence rule and
//!   fallibility ([`bridge::Param`], [`bridge::Outcome`]);
//! - the evaluator's call (the same function, on evaluated values);
//! - code generation's call (the function's path, how each argument is
//!   passed, how the result becomes a value);
//! - the builtin table of `docs/dsl.md` (checked by a test).
//!
//! Fast paths that code generation takes instead of the plain call are
//! listed in [`FAST_PATHS`]; the differential tests hold them to the
//! evaluator's result.

mod bridge;
mod registry;

pub use registry::Builtin;

use crate::ir::{Expr, Ty};

/// The evaluator's entry into a runtime function: evaluated arguments in,
/// the value (or the runtime fault) out.
pub(crate) type EvalFn =
    for<'v> fn(Vec<crate::eval::Val<'v>>) -> Result<crate::eval::Val<'v>, runtime::Fault>;

/// One builtin.
#[derive(Debug)]
pub struct Decl {
    /// The builtin.
    pub builtin: Builtin,
    /// Its name in mappings.
    pub name: &'static str,
    /// How it is called, with parameter names: `round(value, places, mode)`.
    pub usage: &'static str,
    /// What it gives, one line (the second column of the docs table).
    pub doc: &'static str,
    /// Arguments that, written as literals, `mapc check` validates.
    pub constants: &'static [(usize, Constant)],
    /// Its forms, tried in order: the first whose parameters accept the
    /// arguments' types is the one called.
    pub overloads: &'static [Overload],
}

/// A literal argument checked at compile time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Constant {
    /// A rounding mode name (`half_even`, ...).
    RoundingMode,
    /// An IANA time zone name.
    TimeZone,
    /// A mapping's reason code for a record it rejects (`not_a_tracker`):
    /// always a literal.
    ReasonCode,
    /// A regular expression (the `regex` crate's syntax): always a
    /// literal, compiled once.
    Pattern,
}

impl Constant {
    /// Whether `text` is a valid value.
    pub fn is_valid(self, text: &str) -> bool {
        match self {
            Constant::RoundingMode => runtime::decimal::RoundingMode::from_name(text).is_ok(),
            Constant::TimeZone => jiff::tz::TimeZone::get(text).is_ok(),
            Constant::ReasonCode => runtime::reject::is_reason_code(text),
            Constant::Pattern => runtime::pattern::compile(text).is_ok(),
        }
    }

    /// Whether the argument must be written as a literal (it is checked,
    /// or compiled, before any record is read).
    pub fn literal_only(self) -> bool {
        matches!(self, Constant::ReasonCode | Constant::Pattern)
    }
}

/// One form of a builtin.
#[derive(Debug)]
pub struct Overload {
    /// The type each argument must have.
    pub params: &'static [ParamTy],
    /// Every argument has the type of `params[0]` (`concat(a, b, ...)`).
    pub variadic: bool,
    /// The result's type.
    pub result: ResultTy,
    /// The result may be absent (`min` of no elements).
    pub optional: bool,
    /// What computes it.
    pub imp: Imp,
}

/// How an overload is computed.
#[derive(Debug)]
pub enum Imp {
    /// A `runtime` function.
    Runtime(RuntimeFn),
    /// The argument itself (`string(s)` of a string).
    Identity,
    /// `has(.a.b)`: a question about the payload's keys, answered from the
    /// path itself by each back end.
    KeyPresent,
}

/// A `runtime` function and how both back ends call it.
pub struct RuntimeFn {
    /// Its path, as generated code names it (`runtime::text::lower`).
    pub path: &'static str,
    /// How generated code passes each argument.
    pub pass: &'static [Pass],
    /// How generated code turns the result into a value.
    pub ret: Ret,
    /// It returns `Result<_, Fault>`: the failure is blamed on the source
    /// value and the mapping line.
    pub fallible: bool,
    /// The evaluator's call.
    pub(crate) eval: EvalFn,
}

impl std::fmt::Debug for RuntimeFn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuntimeFn")
            .field("path", &self.path)
            .finish()
    }
}

/// How generated code passes an argument to a runtime function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// By reference (`&str`, `&[T]`): a `let` is borrowed, not cloned.
    Ref,
    /// By value.
    Value,
    /// A decimal by value; an integer argument is widened first.
    Decimal,
}

/// How generated code turns a runtime function's result into a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ret {
    /// It already is one.
    AsIs,
    /// A `String`: wrapped as an owned `Str`.
    String,
    /// A `Vec<String>`: each wrapped as an owned `Str`.
    Strings,
    /// An `Option<String>`: wrapped as an owned `Str` when there.
    OptionalString,
    /// Never a value (`fail`): an empty `match` on it is of any type.
    Never,
}

/// The type a parameter accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamTy {
    /// A string.
    Str,
    /// An integer.
    Int,
    /// An integer or a decimal (widened).
    Num,
    /// A decimal.
    Dec,
    /// A boolean.
    Bool,
    /// A timestamp.
    Ts,
    /// Money.
    Money,
    /// An array of strings.
    Strs,
    /// An array of integers.
    Ints,
    /// An array of decimals.
    Decs,
    /// An array of comparable values (string, int, decimal, bool,
    /// timestamp).
    Comparables,
    /// Any array.
    AnyArray,
    /// An array of arrays.
    Arrays,
    /// Any value that may be absent (the builtin asks whether it is).
    Optional,
    /// A source value of several scalar types, as its text (the
    /// conversions `string`, `int`, `decimal`).
    Scalar,
    /// A source path ending in a field (`has(.a.b)`).
    KeyPath,
}

impl ParamTy {
    /// Whether a value of type `ty` is accepted (`Unknown` and `Null`, whose
    /// use is reported elsewhere, are accepted everywhere).
    pub fn accepts(self, ty: &Ty) -> bool {
        let elem = match ty {
            Ty::Array(elem) => Some(&**elem),
            _ => None,
        };
        match (self, ty) {
            (_, Ty::Unknown | Ty::Null) | (ParamTy::Optional | ParamTy::KeyPath, _) => true,
            (ParamTy::Str, Ty::String)
            | (ParamTy::Int | ParamTy::Num, Ty::Int)
            | (ParamTy::Num | ParamTy::Dec, Ty::Decimal)
            | (ParamTy::Bool, Ty::Bool)
            | (ParamTy::Ts, Ty::Timestamp)
            | (ParamTy::Money, Ty::Money)
            | (ParamTy::Scalar, Ty::Scalar)
            | (ParamTy::AnyArray, Ty::Array(_)) => true,
            (ParamTy::Strs, _) => elem.is_some_and(|e| e.fits(&Ty::String)),
            (ParamTy::Ints, _) => elem.is_some_and(|e| e.fits(&Ty::Int)),
            (ParamTy::Decs, _) => elem == Some(&Ty::Decimal),
            (ParamTy::Comparables, _) => elem.is_some_and(Ty::comparable),
            (ParamTy::Arrays, _) => elem.is_some_and(|e| matches!(e, Ty::Array(_) | Ty::Unknown)),
            _ => false,
        }
    }

    /// How the expected type is named in a type mismatch.
    pub fn describe(self) -> &'static str {
        match self {
            ParamTy::Str => "string",
            ParamTy::Int => "int",
            ParamTy::Num => "int or decimal",
            ParamTy::Dec => "decimal",
            ParamTy::Bool => "bool",
            ParamTy::Ts => "timestamp",
            ParamTy::Money => "money",
            ParamTy::Strs => "array of string",
            ParamTy::Ints => "array of int",
            ParamTy::Decs => "array of decimal",
            ParamTy::Comparables => "an array of string, int, decimal, bool or timestamp",
            ParamTy::AnyArray => "an array",
            ParamTy::Scalar => "string, number or boolean",
            ParamTy::Arrays => "an array of arrays",
            ParamTy::Optional => "a value that may be absent",
            ParamTy::KeyPath => "a source path ending in a field",
        }
    }
}

/// The type an overload gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultTy {
    /// A string.
    Str,
    /// An integer.
    Int,
    /// A decimal.
    Dec,
    /// A boolean.
    Bool,
    /// A timestamp.
    Ts,
    /// Money.
    Money,
    /// An array of strings.
    Strs,
    /// The type of the first argument (identity).
    First,
    /// The element type of the first argument's array.
    Elem,
    /// The first argument's element type, an array (`flatten`).
    Inner,
    /// No value ever (`fail`): fits wherever it stands.
    Never,
    /// Arrays of the first argument's elements (`group_by`).
    Groups,
}

impl ResultTy {
    /// The result's type for these arguments.
    pub fn of(self, args: &[Expr]) -> Ty {
        let first = args.first().map(|a| &a.ty);
        let elem = match first {
            // No element type (`[]`): integers, as `sum([])` is `0`.
            Some(Ty::Array(elem)) if **elem != Ty::Unknown => (**elem).clone(),
            Some(Ty::Array(_)) => Ty::Int,
            _ => Ty::Unknown,
        };
        match self {
            ResultTy::Str => Ty::String,
            ResultTy::Int => Ty::Int,
            ResultTy::Dec => Ty::Decimal,
            ResultTy::Bool => Ty::Bool,
            ResultTy::Ts => Ty::Timestamp,
            ResultTy::Money => Ty::Money,
            ResultTy::Strs => Ty::Array(Box::new(Ty::String)),
            ResultTy::Never => Ty::Unknown,
            ResultTy::Groups => Ty::Array(Box::new(first.cloned().unwrap_or(Ty::Unknown))),
            ResultTy::First => first.cloned().unwrap_or(Ty::Unknown),
            ResultTy::Elem => elem,
            ResultTy::Inner => match first {
                Some(Ty::Array(inner)) if matches!(**inner, Ty::Array(_)) => (**inner).clone(),
                other => other.cloned().unwrap_or(Ty::Unknown),
            },
        }
    }
}

impl Builtin {
    /// Its declaration.
    pub fn decl(self) -> &'static Decl {
        registry::decl(self)
    }

    /// The builtin called `name`.
    pub fn named(name: &str) -> Option<Builtin> {
        Builtin::ALL.iter().copied().find(|b| b.decl().name == name)
    }
}

impl Decl {
    /// Fewest and most arguments.
    pub fn arity(&self) -> (usize, usize) {
        let counts = self.overloads.iter().map(|o| o.params.len());
        let min = counts.clone().min().unwrap_or(0);
        if self.overloads.iter().any(|o| o.variadic) {
            return (min, usize::MAX);
        }
        (min, counts.max().unwrap_or(0))
    }

    /// The first overload accepting arguments of these types.
    pub fn select(&self, args: &[Ty]) -> Option<usize> {
        self.overloads.iter().position(|o| o.accepts(args))
    }
}

impl Overload {
    /// The type of argument `i`.
    pub fn param(&self, i: usize) -> Option<ParamTy> {
        match self.params.get(i) {
            Some(p) => Some(*p),
            None if self.variadic => self.params.first().copied(),
            None => None,
        }
    }

    /// Whether arguments of these types fit.
    pub fn accepts(&self, args: &[Ty]) -> bool {
        let count_fits = args.len() == self.params.len() || self.variadic;
        count_fits
            && args
                .iter()
                .enumerate()
                .all(|(i, ty)| self.param(i).is_some_and(|p| p.accepts(ty)))
    }
}

/// The builtin table of `docs/dsl.md`, one row per builtin in declaration
/// order (a test keeps the doc equal to it).
pub fn markdown_table() -> String {
    let mut table = String::from("| function | result |\n|---|---|\n");
    for builtin in Builtin::ALL {
        let decl = builtin.decl();
        table.push_str(&format!("| `{}` | {} |\n", decl.usage, decl.doc));
    }
    table
}

/// Where code generation does not make the plain call of an overload; each
/// is covered by the differential tests (same output, same errors).
pub const FAST_PATHS: &[(&str, &str)] = &[
    (
        "sum(for ...), count(for ...)",
        "one loop accumulating, without collecting the array",
    ),
    (
        "string(i), string(ts) in `++` or written",
        "formatted where the text goes (`runtime::text::Part`), no string built",
    ),
    (
        "a ++ b ++ ...",
        "one allocation (`runtime::text::concat_all`), or none when written",
    ),
    (
        "round(x, places, \"mode\")",
        "a literal mode is looked up at compile time (`runtime::decimal::round_with`)",
    ),
];

#[cfg(test)]
mod tests;
