//! Builtin calls in the evaluator: each one calls the `runtime` function
//! the generated code calls.

use super::value::Val;
use super::{Evaluator, Result};
use crate::ir::{Builtin, Expr, Origin, Ty};
use runtime::{decimal, money::Money, text, time, Fault};
use std::borrow::Cow;

fn owned<'v>(s: String) -> Val<'v> {
    Val::Str(Cow::Owned(s))
}

fn str_of<'a>(v: &'a Val<'_>) -> &'a str {
    match v {
        Val::Str(s) => s,
        _ => "",
    }
}

impl<'m: 'v, 'v> Evaluator<'m, 'v> {
    pub(super) fn eval_call(
        &mut self,
        builtin: Builtin,
        args: &'m [Expr],
        origin: &Origin,
        e: &'m Expr,
    ) -> Result<Val<'v>> {
        if builtin == Builtin::Has {
            return Ok(Val::Bool(args.first().is_some_and(|path| self.has(path))));
        }
        let values = args
            .iter()
            .map(|a| self.eval(a))
            .collect::<Result<Vec<_>>>()?;
        let value = call(builtin, values).map_err(|f| self.fail(f, origin, e))?;
        Ok(match (value, &e.ty) {
            // An empty sum of decimals is the decimal zero.
            (Val::Int(i), Ty::Decimal) => Val::Dec(i.into()),
            (v, _) => v,
        })
    }
}

fn call<'v>(builtin: Builtin, mut args: Vec<Val<'v>>) -> std::result::Result<Val<'v>, Fault> {
    let first = if args.is_empty() {
        Val::Absent
    } else {
        args.remove(0)
    };
    let arg = |i: usize| args.get(i).cloned().unwrap_or(Val::Absent);
    Ok(match builtin {
        Builtin::Lower => owned(text::lower(Cow::Borrowed(str_of(&first))).into_owned()),
        Builtin::Upper => owned(text::upper(Cow::Borrowed(str_of(&first))).into_owned()),
        Builtin::Trim => match first {
            Val::Str(s) => Val::Str(text::trim(s)),
            other => other,
        },
        Builtin::Replace => owned(text::replace(
            str_of(&first),
            str_of(&arg(0)),
            str_of(&arg(1)),
        )),
        Builtin::Split => Val::List(
            text::split(str_of(&first), str_of(&arg(0)))
                .into_iter()
                .map(owned)
                .collect(),
        ),
        Builtin::Join => {
            let parts: Vec<String> = match first {
                Val::List(items) => items.iter().map(|i| str_of(i).to_owned()).collect(),
                _ => Vec::new(),
            };
            owned(text::join(&parts, str_of(&arg(0))))
        }
        Builtin::Concat => {
            let parts: Vec<text::Part<'_>> = std::iter::once(&first)
                .chain(&args)
                .map(|a| text::Part::Text(str_of(a)))
                .collect();
            owned(text::concat_all(&parts))
        }
        Builtin::Len => Val::Int(text::len(str_of(&first))),
        Builtin::Flatten => match first {
            Val::List(outer) => Val::List(
                outer
                    .into_iter()
                    .flat_map(|inner| match inner {
                        Val::List(items) => items,
                        _ => Vec::new(),
                    })
                    .collect(),
            ),
            other => other,
        },
        Builtin::Sha256 => owned(text::sha256(str_of(&first))),
        Builtin::String => owned(match first {
            Val::Str(s) => s.into_owned(),
            Val::Int(i) => text::from_int(i),
            Val::Dec(d) => text::from_decimal(d),
            Val::Bool(b) => text::from_bool(b),
            Val::Ts(t) => t.to_string(),
            _ => String::new(),
        }),
        Builtin::Int => match first {
            Val::Str(s) => Val::Int(text::to_int(&s)?),
            other => other,
        },
        Builtin::Decimal => match first {
            Val::Str(s) => Val::Dec(decimal::parse(&s)?),
            other => Val::Dec(other.to_decimal()),
        },
        Builtin::Round => {
            let places = match arg(0) {
                Val::Int(p) => p,
                _ => 0,
            };
            Val::Dec(decimal::round(first.to_decimal(), places, str_of(&arg(1)))?)
        }
        Builtin::Money => Val::Money(Money::new(first.to_decimal(), str_of(&arg(0)))?),
        Builtin::FromMinor => match first {
            Val::Int(units) => Val::Money(Money::from_minor(units, str_of(&arg(0)))?),
            _ => Val::Absent,
        },
        Builtin::ToMinor => match first {
            Val::Money(m) => Val::Int(m.to_minor()?),
            _ => Val::Absent,
        },
        Builtin::Amount => match first {
            Val::Money(m) => Val::Dec(m.amount),
            _ => Val::Absent,
        },
        Builtin::Currency => match first {
            Val::Money(m) => owned(m.currency.as_str().to_owned()),
            _ => Val::Absent,
        },
        Builtin::Timestamp => Val::Ts(time::parse_rfc3339(str_of(&first))?),
        Builtin::ParseTime => Val::Ts(time::parse_format(
            str_of(&first),
            str_of(&arg(0)),
            str_of(&arg(1)),
        )?),
        Builtin::FromUnixMillis => match first {
            Val::Int(ms) => Val::Ts(time::from_unix_millis(ms)?),
            _ => Val::Absent,
        },
        Builtin::FormatTime => match first {
            Val::Ts(t) => owned(time::format(t, str_of(&arg(0)), str_of(&arg(1)))?),
            _ => Val::Absent,
        },
        Builtin::Sum => aggregate_sum(first)?,
        Builtin::Count => match first {
            Val::List(items) => Val::Int(i64::try_from(items.len()).unwrap_or(i64::MAX)),
            _ => Val::Int(0),
        },
        Builtin::Min | Builtin::Max => match first {
            Val::List(items) => {
                // Ties: `min` keeps the first, `max` the last (as
                // `Iterator::min`/`max` do in generated code): `1.0` and
                // `1.00` are equal but print differently.
                let pick = |a: Val<'v>, b: Val<'v>| {
                    let keep_a = match builtin {
                        Builtin::Min => a.compare(&b).is_le(),
                        _ => a.compare(&b).is_gt(),
                    };
                    if keep_a {
                        a
                    } else {
                        b
                    }
                };
                items.into_iter().reduce(pick).unwrap_or(Val::Absent)
            }
            _ => Val::Absent,
        },
        Builtin::IsPresent => Val::Bool(!matches!(first, Val::Absent)),
        // Handled in `eval_call`: it needs the path, not the value.
        Builtin::Has => Val::Absent,
    })
}

fn aggregate_sum(list: Val<'_>) -> std::result::Result<Val<'_>, Fault> {
    let Val::List(items) = list else {
        return Ok(Val::Int(0));
    };
    if items.iter().any(|i| matches!(i, Val::Dec(_))) {
        return Ok(Val::Dec(decimal::sum(items.iter().map(Val::to_decimal))?));
    }
    let ints = items.iter().map(|i| match i {
        Val::Int(n) => *n,
        _ => 0,
    });
    Ok(Val::Int(decimal::sum_int(ints)?))
}
