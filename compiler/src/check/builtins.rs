//! Builtin functions: names, arities and typing rules.

use super::{CheckErrorKind, Checker};
use crate::ir::{self, Builtin, Expr, ExprKind, Lit, Ty};
use crate::span::Span;
use crate::syntax::ast;

/// How each builtin is called (shown when the arity is wrong).
pub fn usage(name: &str) -> Option<&'static str> {
    Some(match name {
        "lower" | "upper" | "trim" | "len" | "sha256" => "f(string)",
        "replace" => "replace(string, from, to)",
        "split" => "split(string, separator)",
        "join" => "join(array of string, separator)",
        "concat" => "concat(string, string, ...)",
        "string" => "string(int | decimal | bool | timestamp | string)",
        "int" => "int(string | int)",
        "decimal" => "decimal(string | int | decimal)",
        "round" => "round(decimal, places, mode) with mode one of half_even, half_up, half_down, down, up, floor, ceiling",
        "money" => "money(amount, currency)",
        "from_minor" => "from_minor(int units, currency)",
        "to_minor" | "amount" | "currency" => "f(money)",
        "timestamp" => "timestamp(rfc3339 string)",
        "parse_time" => "parse_time(string, strftime format, IANA zone)",
        "from_unix_millis" => "from_unix_millis(int milliseconds since 1970-01-01T00:00:00Z)",
        "format_time" => "format_time(timestamp, strftime format, IANA zone)",
        "sum" | "count" | "min" | "max" => "f(array)",
        "is_present" => "is_present(value)",
        "has" => "has(.path.to.field): the key is present, even if null",
        _ => return None,
    })
}

/// Every builtin: name, IR function, fewest and most arguments.
/// Whether `name` is a builtin (including `lookup`).
pub(crate) fn is_builtin(name: &str) -> bool {
    name == "lookup" || BUILTINS.iter().any(|b| b.0 == name)
}

pub const BUILTINS: &[(&str, Builtin, usize, usize)] = &[
    ("lower", Builtin::Lower, 1, 1),
    ("upper", Builtin::Upper, 1, 1),
    ("trim", Builtin::Trim, 1, 1),
    ("replace", Builtin::Replace, 3, 3),
    ("split", Builtin::Split, 2, 2),
    ("join", Builtin::Join, 2, 2),
    ("concat", Builtin::Concat, 1, usize::MAX),
    ("len", Builtin::Len, 1, 1),
    ("sha256", Builtin::Sha256, 1, 1),
    ("string", Builtin::String, 1, 1),
    ("int", Builtin::Int, 1, 1),
    ("decimal", Builtin::Decimal, 1, 1),
    ("round", Builtin::Round, 3, 3),
    ("money", Builtin::Money, 2, 2),
    ("from_minor", Builtin::FromMinor, 2, 2),
    ("to_minor", Builtin::ToMinor, 1, 1),
    ("amount", Builtin::Amount, 1, 1),
    ("currency", Builtin::Currency, 1, 1),
    ("timestamp", Builtin::Timestamp, 1, 1),
    ("parse_time", Builtin::ParseTime, 3, 3),
    ("from_unix_millis", Builtin::FromUnixMillis, 1, 1),
    ("format_time", Builtin::FormatTime, 3, 3),
    ("sum", Builtin::Sum, 1, 1),
    ("count", Builtin::Count, 1, 1),
    ("min", Builtin::Min, 1, 1),
    ("max", Builtin::Max, 1, 1),
    ("is_present", Builtin::IsPresent, 1, 1),
    ("has", Builtin::Has, 1, 1),
    ("flatten", Builtin::Flatten, 1, 1),
];

fn arity_text(min: usize, max: usize) -> String {
    match (min, max) {
        (a, b) if a == b => a.to_string(),
        (a, usize::MAX) => format!("{a} or more"),
        (a, b) => format!("{a} to {b}"),
    }
}

impl Checker<'_> {
    /// Whether `name` is a user function (expanded before checking: a call
    /// still here failed to expand and was reported).
    fn is_user_function(&self, name: &str) -> bool {
        self.functions.contains(name)
    }

    /// `lookup(table, key)`: the table its first argument names.
    fn lookup_table(&self, name: &ast::Ident, args: &[ast::Expr]) -> Option<ir::TableId> {
        let (true, [first, _]) = (name.name == "lookup", args) else {
            return None;
        };
        let ast::ExprKind::Variable(table) = &first.kind else {
            return None;
        };
        if self.scopes.names().contains(&table.name) {
            return None;
        }
        self.table_id(&table.name)
    }

    pub(crate) fn check_call(
        &mut self,
        name: &ast::Ident,
        args: &[ast::Expr],
        span: Span,
    ) -> Option<Expr> {
        if self.is_user_function(&name.name) {
            return None;
        }
        if name.name == "lookup" {
            if let (Some(table), [_, key]) = (self.lookup_table(name, args), args) {
                return self.check_lookup(table, key, span, ir::OnMiss::Absent);
            }
            let reason = "`lookup(table, key)` takes a table declared with `table <name> = \"<file>\"` and a key";
            self.error(
                CheckErrorKind::InvalidArgument {
                    reason: reason.into(),
                },
                span,
            );
            return None;
        }
        let checked: Vec<Option<Expr>> = args.iter().map(|a| self.check_expr(a)).collect();
        let Some(&(_, builtin, min, max)) = BUILTINS.iter().find(|b| b.0 == name.name) else {
            let names = BUILTINS.iter().map(|b| b.0);
            let candidates = super::similar(&name.name, names);
            self.error(
                CheckErrorKind::UnknownFunction {
                    name: name.name.clone(),
                    candidates,
                },
                name.span,
            );
            return None;
        };
        if args.len() < min || args.len() > max {
            self.error(
                CheckErrorKind::WrongArity {
                    name: name.name.clone(),
                    expected: arity_text(min, max),
                    found: args.len(),
                },
                span,
            );
            return None;
        }
        let args: Vec<Expr> = checked.into_iter().collect::<Option<_>>()?;
        let (ty, optional) = self.type_call(builtin, &name.name, &args)?;
        let origin = match args.first() {
            Some(first) => self.origin_of(first),
            None => self.record_origin(),
        };
        let kind = ExprKind::Call(builtin, args, origin);
        Some(self.mk(kind, ty, optional, span))
    }

    /// Check argument `i` has one of `allowed` types.
    fn expect_arg(&mut self, fname: &str, args: &[Expr], i: usize, allowed: &[Ty]) -> bool {
        let Some(arg) = args.get(i) else { return false };
        if allowed.iter().any(|t| arg.ty.fits(t) && *t != Ty::Unknown) || arg.ty == Ty::Unknown {
            return true;
        }
        let expected: Vec<String> = allowed.iter().map(ToString::to_string).collect();
        let hint = match (&arg.ty, allowed.first()) {
            (Ty::String, Some(Ty::Decimal | Ty::Int)) => {
                Some("parse it with `decimal(...)` or `int(...)`".into())
            }
            (Ty::Decimal | Ty::Int | Ty::Bool, Some(Ty::String)) => {
                Some("convert it with `string(...)`".into())
            }
            _ => None,
        };
        let expected = format!(
            "{} (argument {} of `{fname}`)",
            expected.join(" or "),
            i + 1
        );
        self.mismatch(&expected, &arg.ty, hint, arg.span);
        false
    }

    fn type_call(&mut self, builtin: Builtin, fname: &str, args: &[Expr]) -> Option<(Ty, bool)> {
        use Ty::{Bool, Decimal, Int, Money, String as Str, Timestamp};
        if builtin == Builtin::Has {
            return self.type_has(args);
        }
        if builtin == Builtin::Flatten {
            return self.type_flatten(args);
        }
        if builtin == Builtin::IsPresent {
            if let Some(arg) = args.first().filter(|a| !a.optional) {
                let construct = "`is_present`".to_owned();
                self.error(CheckErrorKind::NeverAbsent { construct }, arg.span);
            }
            return Some((Bool, false));
        }
        let mut present = true;
        for (i, arg) in args.iter().enumerate() {
            present &= self.require_present(arg, &format!("argument {} of `{fname}`", i + 1));
        }
        let strings = |n: usize| vec![vec![Str]; n];
        let (params, result): (Vec<Vec<Ty>>, Ty) = match builtin {
            Builtin::Lower | Builtin::Upper | Builtin::Trim | Builtin::Sha256 => (strings(1), Str),
            Builtin::Len => (strings(1), Int),
            Builtin::Replace => (strings(3), Str),
            Builtin::Split => (strings(2), Ty::Array(Box::new(Str))),
            Builtin::Join => (vec![vec![Ty::Array(Box::new(Str))], vec![Str]], Str),
            Builtin::Concat => (strings(args.len()), Str),
            Builtin::String => (vec![vec![Str, Int, Decimal, Bool, Timestamp]], Str),
            Builtin::Int => (vec![vec![Str, Int]], Int),
            Builtin::Decimal => (vec![vec![Str, Int, Decimal]], Decimal),
            Builtin::Round => (vec![vec![Decimal, Int], vec![Int], vec![Str]], Decimal),
            Builtin::Money => (vec![vec![Decimal, Int], vec![Str]], Money),
            Builtin::FromMinor => (vec![vec![Int], vec![Str]], Money),
            Builtin::ToMinor => (vec![vec![Money]], Int),
            Builtin::Amount => (vec![vec![Money]], Decimal),
            Builtin::Currency => (vec![vec![Money]], Str),
            Builtin::Timestamp => (strings(1), Timestamp),
            Builtin::ParseTime => (strings(3), Timestamp),
            Builtin::FromUnixMillis => (vec![vec![Int]], Timestamp),
            Builtin::FormatTime => (vec![vec![Timestamp], vec![Str], vec![Str]], Str),
            Builtin::Sum
            | Builtin::Count
            | Builtin::Min
            | Builtin::Max
            | Builtin::IsPresent
            | Builtin::Has
            | Builtin::Flatten => {
                return self
                    .type_aggregate(builtin, fname, args)
                    .filter(|_| present);
            }
        };
        let mut ok = present;
        for (i, allowed) in params.iter().enumerate() {
            ok &= self.expect_arg(fname, args, i, allowed);
        }
        ok &= self.check_constant_args(builtin, args);
        ok.then_some((result, false))
    }

    /// `has(.a.b)`: the argument must be a source path ending in a field;
    /// that field is then read keeping missing and null apart.
    fn type_has(&mut self, args: &[Expr]) -> Option<(Ty, bool)> {
        let arg = args.first()?;
        let Some((shape, name)) = self.parent_shape(arg) else {
            let reason = "`has` takes a source path ending in a field, e.g. `has(.customer.email)`"
                .to_owned();
            self.error(CheckErrorKind::InvalidArgument { reason }, arg.span);
            return None;
        };
        let field = self.shapes.get_mut(shape)?.fields.get_mut(&name)?;
        if field.optional {
            field.presence = true;
        } else {
            let construct = "`has`".to_owned();
            self.error(CheckErrorKind::NeverAbsent { construct }, arg.span);
        }
        Some((Ty::Bool, false))
    }

    /// Aggregates over arrays.
    fn type_aggregate(
        &mut self,
        builtin: Builtin,
        fname: &str,
        args: &[Expr],
    ) -> Option<(Ty, bool)> {
        let arg = args.first()?;
        let Ty::Array(elem) = &arg.ty else {
            let expected = format!("an array (argument 1 of `{fname}`)");
            self.mismatch(&expected, &arg.ty, None, arg.span);
            return None;
        };
        let elem = match **elem {
            Ty::Unknown => Ty::Int,
            ref t => t.clone(),
        };
        let result = match (builtin, &elem) {
            (Builtin::Count, _) => (Ty::Int, false),
            (Builtin::Sum, Ty::Int | Ty::Decimal) => (elem.clone(), false),
            (Builtin::Min | Builtin::Max, t) if t.comparable() && *t != Ty::Null => {
                (elem.clone(), true)
            }
            _ => {
                let hint = (elem == Ty::Money).then(|| {
                    "sum the amounts and wrap the total: `money(sum(for x in xs => amount(x)), currency)`".to_owned()
                });
                self.mismatch("an array of int or decimal", &arg.ty, hint, arg.span);
                return None;
            }
        };
        Some(result)
    }

    /// `flatten(xss)`: an array of arrays becomes one array.
    fn type_flatten(&mut self, args: &[Expr]) -> Option<(Ty, bool)> {
        let arg = args.first()?;
        if !self.require_present(arg, "the argument of `flatten`") {
            return None;
        }
        match &arg.ty {
            Ty::Array(inner) if matches!(**inner, Ty::Array(_)) => Some(((**inner).clone(), false)),
            Ty::Array(inner) if **inner == Ty::Unknown => Some((arg.ty.clone(), false)),
            other => {
                let hint = Some("build the inner arrays with `for`: `flatten(for g in .groups => g.items ?? [])`".to_owned());
                self.mismatch(
                    "an array of arrays (argument 1 of `flatten`)",
                    other,
                    hint,
                    arg.span,
                );
                None
            }
        }
    }

    /// Arguments that must be valid constants when written as literals:
    /// rounding modes, time zones.
    fn check_constant_args(&mut self, builtin: Builtin, args: &[Expr]) -> bool {
        let literal = |i: usize| match args.get(i).map(|a| (&a.kind, a.span)) {
            Some((ExprKind::Lit(Lit::String(s)), span)) => Some((s.clone(), span)),
            _ => None,
        };
        let (text, span, reason) = match builtin {
            Builtin::Round => match literal(2) {
                Some((mode, span)) if runtime::decimal::RoundingMode::from_name(&mode).is_err() => {
                    let modes = runtime::decimal::RoundingMode::NAMES.join(", ");
                    (mode, span, format!("rounding modes are: {modes}"))
                }
                _ => return true,
            },
            Builtin::ParseTime | Builtin::FormatTime => match literal(2) {
                Some((zone, span)) if jiff::tz::TimeZone::get(&zone).is_err() => (
                    zone,
                    span,
                    "time zones are IANA names such as \"UTC\" or \"America/New_York\"".into(),
                ),
                _ => return true,
            },
            _ => return true,
        };
        self.error(
            CheckErrorKind::InvalidArgument {
                reason: format!("{text:?} is not valid here; {reason}"),
            },
            span,
        );
        false
    }
}
