//! Every builtin, declared once. Adding one: write its runtime function
//! (with unit tests), add its declaration here, add an ok case using it
//! (see `docs/architecture.md`, "Adding a builtin").

use super::bridge::{Ordered, Outcome, Param};
use super::{Constant, Decl, Imp, Overload, ParamTy, ResultTy, RuntimeFn};
use crate::eval::Val;
use runtime::reject::Never;
use runtime::{Decimal, Fault, Money, Str, Timestamp};

/// An overload implemented by the runtime function at `path` (below
/// `runtime::`), declared with its Rust signature. `name: ..&T` is a
/// variadic parameter, passed as one slice.
macro_rules! rt {
    ($($path:ident)::+ ( $($p:ident : $t:ty),* ) -> $ret:ty) => {
        Overload {
            params: &[$(<$t as Param>::TY),*],
            variadic: false,
            result: <$ret as Outcome>::TY,
            optional: <$ret as Outcome>::OPTIONAL,
            imp: Imp::Runtime(RuntimeFn {
                path: concat!("runtime" $(, "::", stringify!($path))+),
                pass: &[$(<$t as Param>::PASS),*],
                ret: <$ret as Outcome>::RET,
                fallible: <$ret as Outcome>::FALLIBLE,
                eval: |args| {
                    let mut args = args.into_iter();
                    $( let $p = <$t as Param>::hold(args.next())?; )*
                    let out: $ret = runtime::$($path)::+($(<$t as Param>::arg(&$p)),*);
                    Outcome::into_val(out)
                },
            }),
        }
    };
    ($($path:ident)::+ ( $p:ident : .. &$t:ty ) -> $ret:ty) => {
        Overload {
            params: &[<&$t as Param>::TY],
            variadic: true,
            result: <$ret as Outcome>::TY,
            optional: <$ret as Outcome>::OPTIONAL,
            imp: Imp::Runtime(RuntimeFn {
                path: concat!("runtime" $(, "::", stringify!($path))+),
                pass: &[<&$t as Param>::PASS],
                ret: <$ret as Outcome>::RET,
                fallible: <$ret as Outcome>::FALLIBLE,
                eval: |args| {
                    let held = args
                        .into_iter()
                        .map(|a| <&$t as Param>::hold(Some(a)))
                        .collect::<Result<Vec<_>, Fault>>()?;
                    let $p: Vec<&$t> = held.iter().map(|h| <&$t as Param>::arg(h)).collect();
                    let out: $ret = runtime::$($path)::+(&$p);
                    Outcome::into_val(out)
                },
            }),
        }
    };
}

/// An overload giving its argument back unchanged (`string(s)` of a string).
const fn identity(param: ParamTy) -> Overload {
    Overload {
        params: match param {
            ParamTy::Str => &[ParamTy::Str],
            ParamTy::Int => &[ParamTy::Int],
            _ => &[ParamTy::Dec],
        },
        variadic: false,
        result: ResultTy::First,
        optional: false,
        imp: Imp::Identity,
    }
}

/// `string(x)` of a scalar union: its text, as the payload writes it
/// (a scalar union is held as that text).
const fn text_of_scalar() -> Overload {
    Overload {
        params: &[ParamTy::Scalar],
        variadic: false,
        result: ResultTy::Str,
        optional: false,
        imp: Imp::Identity,
    }
}

/// A conversion from text (`int`, `decimal`) taking a scalar union's text:
/// `decimal(x)` reads `19.99` and `"19.99"` alike.
const fn of_scalar(text: Overload) -> Overload {
    Overload {
        params: &[ParamTy::Scalar],
        ..text
    }
}

/// The `Builtin` enum and the declaration of each.
macro_rules! builtins {
    ($(
        $variant:ident $name:literal $usage:literal => $doc:literal
            $(constants [$($constant:expr),*])?
            [$($overload:expr),+ $(,)?];
    )*) => {
        /// A builtin function (declared in `builtins/registry.rs`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Builtin {
            $( #[doc = $usage] $variant, )*
        }

        impl Builtin {
            /// Every builtin, in declaration (and documentation) order.
            pub const ALL: &'static [Builtin] = &[$(Builtin::$variant),*];
        }

        /// The declaration of `builtin`.
        pub(super) fn decl(builtin: Builtin) -> &'static Decl {
            match builtin {
                $(Builtin::$variant => {
                    const DECL: Decl = Decl {
                        builtin: Builtin::$variant,
                        name: $name,
                        usage: $usage,
                        doc: $doc,
                        constants: &[$($($constant),*)?],
                        overloads: &[$($overload),+],
                    };
                    &DECL
                })*
            }
        }
    };
}

builtins! {
    Lower "lower" "lower(s)" => "string, in lower case"
        [rt!(text::lower(s: Str) -> Str)];
    Upper "upper" "upper(s)" => "string, in upper case"
        [rt!(text::upper(s: Str) -> Str)];
    Trim "trim" "trim(s)" => "string, without leading and trailing white space"
        [rt!(text::trim(s: Str) -> Str)];
    Replace "replace" "replace(s, from, to)" => "string, every occurrence of `from` replaced"
        [rt!(text::replace(s: &str, from: &str, to: &str) -> String)];
    Split "split" "split(s, sep)" => "array of string (`\"\"` gives none)"
        [rt!(text::split(s: &str, sep: &str) -> Vec<String>)];
    Join "join" "join(parts, sep)" => "string: the parts with `sep` between them"
        [rt!(text::join(parts: &[Str], sep: &str) -> String)];
    Concat "concat" "concat(a, b, ...)" => "string: the strings one after the other"
        [rt!(text::concat_strs(parts: ..&str) -> String)];
    StartsWith "starts_with" "starts_with(s, prefix)" => "bool: `s` begins with `prefix`"
        [rt!(text::starts_with(s: &str, prefix: &str) -> bool)];
    EndsWith "ends_with" "ends_with(s, suffix)" => "bool: `s` ends with `suffix`"
        [rt!(text::ends_with(s: &str, suffix: &str) -> bool)];
    Substring "substring" "substring(s, start, length)" =>
        "string: `length` characters from the `start`-th (0-based), what there is past the end; R113 when negative"
        [rt!(text::substring(s: &str, start: i64, length: i64) -> Result<String, Fault>)];
    UrlDecode "url_decode" "url_decode(s)" =>
        "string with `%XX` decoded (`+` kept); R115 when the bytes are not UTF-8"
        [rt!(text::url_decode(s: &str) -> Result<String, Fault>)];
    HtmlUnescape "html_unescape" "html_unescape(s)" =>
        "string with HTML character references decoded (`&amp;`, `&eacute;`, `&#39;`)"
        [rt!(text::html_unescape(s: &str) -> String)];
    Matches "matches" "matches(s, pattern)" =>
        "bool: the regular expression `pattern` matches somewhere in `s` (anchor it: `^...$`); a literal in the `regex` crate's syntax, checked by `mapc check`"
        constants [(1, Constant::Pattern)]
        [rt!(pattern::matches(s: &str, pattern: &str) -> Result<bool, Fault>)];
    Capture "capture" "capture(s, pattern, group)" =>
        "string: the group (a number, 0 the whole match, or the name of a `(?P<name>...)`) of the first match; absent when nothing matches or the group took no part"
        constants [(1, Constant::Pattern)] [
        rt!(pattern::capture(s: &str, pattern: &str, group: i64) -> Result<Option<String>, Fault>),
        rt!(pattern::capture_named(s: &str, pattern: &str, name: &str) -> Result<Option<String>, Fault>),
    ];
    Contains "contains" "contains(s, part)" => "bool: `part` occurs in `s` (`\"\"` always does)"
        [rt!(text::contains(s: &str, part: &str) -> bool)];
    Len "len" "len(s)" => "int: the length in characters"
        [rt!(text::len(s: &str) -> i64)];
    Sha256 "sha256" "sha256(s)" => "string: the lower-case hex digest (idempotency keys)"
        [rt!(text::sha256(s: &str) -> String)];
    String "string" "string(x)" =>
        "string of a string, int, decimal (scale kept: `19.90`), bool, timestamp (RFC 3339 UTC) or scalar union (its value as written)" [
        identity(ParamTy::Str),
        text_of_scalar(),
        rt!(text::from_int(i: i64) -> String),
        rt!(text::from_decimal(d: Decimal) -> String),
        rt!(text::from_bool(b: bool) -> String),
        rt!(time::to_rfc3339(ts: Timestamp) -> String),
    ];
    Int "int" "int(x[, mode])" =>
        "int of a string or scalar union (R112 when not an integer) or an int; of a decimal, rounded by `mode` (as `round`; R109 past 64 bits)"
        constants [(1, Constant::RoundingMode)] [
        rt!(text::to_int(s: &str) -> Result<i64, Fault>),
        of_scalar(rt!(text::to_int(s: &str) -> Result<i64, Fault>)),
        identity(ParamTy::Int),
        rt!(decimal::to_int(value: Decimal, mode: &str) -> Result<i64, Fault>),
    ];
    Decimal "decimal" "decimal(x)" =>
        "exact decimal of a string or scalar union (R104 when not a number), an int or a decimal" [
        rt!(decimal::parse(s: &str) -> Result<Decimal, Fault>),
        of_scalar(rt!(decimal::parse(s: &str) -> Result<Decimal, Fault>)),
        rt!(decimal::from_int(i: i64) -> Decimal),
        identity(ParamTy::Dec),
    ];
    Round "round" "round(value, places, mode)" =>
        "decimal with exactly `places` decimals; `mode` is one of `half_even`, `half_up`, `half_down`, `down`, `up`, `floor`, `ceiling`"
        constants [(2, Constant::RoundingMode)]
        [rt!(decimal::round(value: Decimal, places: i64, mode: &str) -> Result<Decimal, Fault>)];
    Money "money" "money(amount, currency)" =>
        "money; R108 when `currency` is not three upper-case letters"
        [rt!(money::Money::new(amount: Decimal, currency: &str) -> Result<Money, Fault>)];
    FromMinor "from_minor" "from_minor(units, currency)" =>
        "money from minor units (`1999, \"USD\"` is 19.99 USD; JPY has 0 decimals, KWD 3)"
        [rt!(money::Money::from_minor(units: i64, currency: &str) -> Result<Money, Fault>)];
    ToMinor "to_minor" "to_minor(m)" =>
        "int minor units; R110 when `m` has more decimals than its currency"
        [rt!(money::Money::to_minor(m: Money) -> Result<i64, Fault>)];
    Amount "amount" "amount(m)" => "decimal: the amount of money"
        [rt!(money::amount(m: Money) -> Decimal)];
    Currency "currency" "currency(m)" => "string: the currency code of money"
        [rt!(money::currency(m: Money) -> String)];
    Timestamp "timestamp" "timestamp(s)" =>
        "timestamp from RFC 3339 with an offset; R105 when invalid"
        [rt!(time::parse_rfc3339(s: &str) -> Result<Timestamp, Fault>)];
    ParseTime "parse_time" "parse_time(s, format, zone)" =>
        "timestamp from a strftime `format`; a wall-clock time is read in the IANA `zone`"
        constants [(2, Constant::TimeZone)]
        [rt!(time::parse_format(s: &str, format: &str, zone: &str) -> Result<Timestamp, Fault>)];
    FromUnixMillis "from_unix_millis" "from_unix_millis(ms)" =>
        "timestamp from milliseconds since the Unix epoch; R105 when out of range"
        [rt!(time::from_unix_millis(ms: i64) -> Result<Timestamp, Fault>)];
    FormatTime "format_time" "format_time(ts, format, zone)" =>
        "string: the instant as wall-clock text in the IANA `zone`"
        constants [(2, Constant::TimeZone)]
        [rt!(time::format(ts: Timestamp, format: &str, zone: &str) -> Result<String, Fault>)];
    Sum "sum" "sum(xs)" => "int or decimal: the sum of an array of them (`0` for none)" [
        rt!(decimal::sum_int(xs: Vec<i64>) -> Result<i64, Fault>),
        rt!(decimal::sum(xs: Vec<Decimal>) -> Result<Decimal, Fault>),
    ];
    First "first" "first(xs)" =>
        "the first element, absent for none: `first(for x in xs where ... => x)` finds one"
        [rt!(aggregate::first(xs: Vec<Val>) -> Option<Val>)];
    At "at" "at(xs, i)" =>
        "the element at `i` (0-based, negative from the end), absent out of range; `xs[i]` of an array the mapping computes (`split(href, \"/\")[2]`)"
        [rt!(aggregate::at(xs: Vec<Val>, i: i64) -> Option<Val>)];
    Last "last" "last(xs)" => "the last element, absent for none"
        [rt!(aggregate::last(xs: Vec<Val>) -> Option<Val>)];
    Distinct "distinct" "distinct(xs)" =>
        "the array with each value once (the first of equal ones: `1.0` and `1.00` are equal), in order; linear time"
        [rt!(aggregate::distinct(xs: Vec<Ordered>) -> Vec<Ordered>)];
    GroupBy "group_by" "group_by(xs, x => key)" =>
        "array of arrays: the elements in groups of equal `key` (string, int, decimal, bool or timestamp; `1.0` and `1.00` are one), groups in the order their first element comes; linear time"
        [rt!(aggregate::group_by(xs: Vec<Val>, keys: Vec<Ordered>) -> Vec<Vec<Val>>)];
    Count "count" "count(xs)" => "int: the number of elements"
        [rt!(aggregate::count(xs: &[Val]) -> i64)];
    Min "min" "min(xs)" =>
        "the smallest element (the first of equal ones), absent for none"
        [rt!(aggregate::min(xs: Vec<Ordered>) -> Option<Ordered>)];
    Max "max" "max(xs)" =>
        "the largest element (the last of equal ones), absent for none"
        [rt!(aggregate::max(xs: Vec<Ordered>) -> Option<Ordered>)];
    Flatten "flatten" "flatten(xss)" =>
        "the arrays of an array of arrays, one after the other (flat-map with `for`)"
        [rt!(aggregate::flatten(xss: Vec<Vec<Val>>) -> Vec<Val>)];
    IsPresent "is_present" "is_present(x)" => "bool: the value is there"
        [rt!(aggregate::is_present(x: &Option<Val>) -> bool)];
    Fail "fail" "fail(reason, message)" =>
        "no value: the record is rejected (R116) with the mapping's `reason` code (a literal, `lower_snake_case`), e.g. as a `match` arm"
        constants [(0, Constant::ReasonCode)]
        [rt!(reject::fail(reason: &str, message: &str) -> Result<Never, Fault>)];
    Assert "assert" "assert(condition, reason, message)" =>
        "`true`, or the record is rejected (R116) with `reason` when `condition` is false; written alone as an item, checked before any field"
        constants [(1, Constant::ReasonCode)]
        [rt!(reject::assert(condition: bool, reason: &str, message: &str) -> Result<bool, Fault>)];
    Has "has" "has(.path)" =>
        "bool: the last key of the source path is in the payload (null counts)" [Overload {
        params: &[ParamTy::KeyPath],
        variadic: false,
        result: ResultTy::Bool,
        optional: false,
        imp: Imp::KeyPresent,
    }];
}
