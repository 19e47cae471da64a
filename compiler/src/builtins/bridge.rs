//! How a runtime function's Rust signature meets the mapping language: each
//! parameter type says what the checker accepts, how generated code passes
//! the argument and how the evaluator gets it from a value; each result
//! type says what the checker types the call as, whether it can fail and
//! how both back ends make a value of it.

use super::{ParamTy, Pass, ResultTy, Ret};
use crate::eval::Val;
use runtime::{Decimal, Fault, Money, Str, Timestamp};
use std::borrow::Cow;
use std::cmp::Ordering;

/// A parameter type of a runtime function.
pub(crate) trait Param<'v> {
    /// What the checker accepts.
    const TY: ParamTy;
    /// How generated code passes it.
    const PASS: Pass;
    /// What the evaluator keeps the argument in.
    type Holder;
    /// What the function is handed (may borrow from the holder).
    type Arg<'h>
    where
        'v: 'h;
    /// The holder of an evaluated argument; one of another type (which the
    /// checker rules out) is a fault, never a made-up value.
    fn hold(value: Option<Val<'v>>) -> Result<Self::Holder, Fault>;
    /// The argument, from its holder.
    fn arg<'h>(holder: &'h Self::Holder) -> Self::Arg<'h>
    where
        'v: 'h;
}

/// A result type of a runtime function.
pub(crate) trait Outcome<'v> {
    /// What the checker types the call as.
    const TY: ResultTy;
    /// The value may be absent.
    const OPTIONAL: bool = false;
    /// It is `Result<_, Fault>`.
    const FALLIBLE: bool = false;
    /// How generated code makes a value of it.
    const RET: Ret = Ret::AsIs;
    /// The evaluator's value.
    fn into_val(self) -> Result<Val<'v>, Fault>;
}

/// A value ordered as `min`/`max` order it (values of one comparable type).
#[derive(Debug, Clone)]
pub(crate) struct Ordered<'v>(pub Val<'v>);

impl PartialEq for Ordered<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ordered<'_> {}

/// Consistent with the order: equal values (`1.0`, `1.00`) hash alike.
impl std::hash::Hash for Ordered<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        std::mem::discriminant(&self.0).hash(state);
        match &self.0 {
            Val::Str(s) => s.hash(state),
            Val::Int(i) => i.hash(state),
            Val::Dec(d) => d.normalize().hash(state),
            Val::Bool(b) => b.hash(state),
            Val::Ts(t) => t.hash(state),
            _ => {}
        }
    }
}

impl PartialOrd for Ordered<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ordered<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.compare(&other.0)
    }
}

/// An argument of a type the checker rules out.
fn unchecked(value: Option<&Val<'_>>) -> Fault {
    let found = value.map_or_else(|| "no value".to_owned(), Val::describe);
    Fault::new(
        runtime::ErrorCode::InvalidArgument,
        format!("a builtin was given {found}, which the checker rules out (a compiler bug)"),
    )
}

fn text(value: Option<Val<'_>>) -> Result<Str<'_>, Fault> {
    match value {
        Some(Val::Str(s)) => Ok(s),
        other => Err(unchecked(other.as_ref())),
    }
}

fn list(value: Option<Val<'_>>) -> Result<Vec<Val<'_>>, Fault> {
    match value {
        Some(Val::List(items)) => Ok(items),
        other => Err(unchecked(other.as_ref())),
    }
}

/// A parameter passed by value: the function gets a copy of the holder.
macro_rules! by_value {
    ($t:ty, $ty:expr, $pass:expr, |$v:ident| $hold:expr) => {
        impl<'v> Param<'v> for $t {
            const TY: ParamTy = $ty;
            const PASS: Pass = $pass;
            type Holder = $t;
            type Arg<'h>
                = $t
            where
                'v: 'h;
            fn hold($v: Option<Val<'v>>) -> Result<$t, Fault> {
                $hold
            }
            fn arg<'h>(holder: &'h $t) -> $t
            where
                'v: 'h,
            {
                holder.clone()
            }
        }
    };
}

by_value!(Str<'v>, ParamTy::Str, Pass::Value, |v| text(v));
by_value!(i64, ParamTy::Int, Pass::Value, |v| match v {
    Some(Val::Int(i)) => Ok(i),
    other => Err(unchecked(other.as_ref())),
});
by_value!(Decimal, ParamTy::Num, Pass::Decimal, |v| match v {
    Some(Val::Dec(d)) => Ok(d),
    Some(Val::Int(i)) => Ok(Decimal::from(i)),
    other => Err(unchecked(other.as_ref())),
});
by_value!(bool, ParamTy::Bool, Pass::Value, |v| match v {
    Some(Val::Bool(b)) => Ok(b),
    other => Err(unchecked(other.as_ref())),
});
by_value!(Money, ParamTy::Money, Pass::Value, |v| match v {
    Some(Val::Money(m)) => Ok(m),
    other => Err(unchecked(other.as_ref())),
});
by_value!(Timestamp, ParamTy::Ts, Pass::Value, |v| match v {
    Some(Val::Ts(t)) => Ok(t),
    other => Err(unchecked(other.as_ref())),
});
by_value!(Vec<i64>, ParamTy::Ints, Pass::Value, |v| list(v)?
    .into_iter()
    .map(|i| <i64 as Param>::hold(Some(i)))
    .collect());
by_value!(Vec<Decimal>, ParamTy::Decs, Pass::Value, |v| list(v)?
    .into_iter()
    .map(|d| <Decimal as Param>::hold(Some(d)))
    .collect());
by_value!(Vec<Ordered<'v>>, ParamTy::Comparables, Pass::Value, |v| Ok(
    list(v)?.into_iter().map(Ordered).collect()
));
by_value!(Vec<Val<'v>>, ParamTy::AnyArray, Pass::Value, |v| list(v));
by_value!(Vec<Vec<Val<'v>>>, ParamTy::Arrays, Pass::Value, |v| list(
    v
)?
.into_iter()
.map(|inner| list(Some(inner)))
.collect());

/// A parameter passed by reference: the function borrows the holder.
macro_rules! by_ref {
    ($t:ty, $ty:expr, $holder:ty, |$v:ident| $hold:expr) => {
        impl<'x, 'v> Param<'v> for &'x $t {
            const TY: ParamTy = $ty;
            const PASS: Pass = Pass::Ref;
            type Holder = $holder;
            type Arg<'h>
                = &'h $t
            where
                'v: 'h;
            fn hold($v: Option<Val<'v>>) -> Result<$holder, Fault> {
                $hold
            }
            fn arg<'h>(holder: &'h $holder) -> &'h $t
            where
                'v: 'h,
            {
                holder
            }
        }
    };
}

by_ref!(str, ParamTy::Str, Str<'v>, |v| text(v));
by_ref!([Str<'v>], ParamTy::Strs, Vec<Str<'v>>, |v| list(v)?
    .into_iter()
    .map(|s| text(Some(s)))
    .collect());
by_ref!([Val<'v>], ParamTy::AnyArray, Vec<Val<'v>>, |v| list(v));
by_ref!(Option<Val<'v>>, ParamTy::Optional, Option<Val<'v>>, |v| Ok(
    v.filter(|v| !matches!(v, Val::Absent))
));

/// A result and the value it is (`$fallible`: also as `Result<_, Fault>`).
macro_rules! outcome {
    ($t:ty, $ty:expr, $ret:expr, |$x:ident| $val:expr) => {
        impl<'v> Outcome<'v> for $t {
            const TY: ResultTy = $ty;
            const RET: Ret = $ret;
            fn into_val(self) -> Result<Val<'v>, Fault> {
                let $x = self;
                Ok($val)
            }
        }
    };
    ($t:ty, $ty:expr, $ret:expr, |$x:ident| $val:expr, fallible) => {
        outcome!($t, $ty, $ret, |$x| $val);
        impl<'v> Outcome<'v> for Result<$t, Fault> {
            const TY: ResultTy = $ty;
            const RET: Ret = $ret;
            const FALLIBLE: bool = true;
            fn into_val(self) -> Result<Val<'v>, Fault> {
                let $x = self?;
                Ok($val)
            }
        }
    };
}

outcome!(
    String,
    ResultTy::Str,
    Ret::String,
    |s| Val::Str(Cow::Owned(s)),
    fallible
);
outcome!(Str<'v>, ResultTy::Str, Ret::AsIs, |s| Val::Str(s));
outcome!(i64, ResultTy::Int, Ret::AsIs, |i| Val::Int(i), fallible);
outcome!(Decimal, ResultTy::Dec, Ret::AsIs, |d| Val::Dec(d), fallible);
outcome!(bool, ResultTy::Bool, Ret::AsIs, |b| Val::Bool(b));
outcome!(
    Money,
    ResultTy::Money,
    Ret::AsIs,
    |m| Val::Money(m),
    fallible
);
outcome!(Timestamp, ResultTy::Ts, Ret::AsIs, |t| Val::Ts(t), fallible);
outcome!(
    Vec<String>,
    ResultTy::Strs,
    Ret::Strings,
    |parts| Val::List(parts.into_iter().map(|s| Val::Str(Cow::Owned(s))).collect())
);
outcome!(Vec<Val<'v>>, ResultTy::Inner, Ret::AsIs, |items| Val::List(
    items
));

/// `fail`: never a value; the call is the record's rejection.
impl<'v> Outcome<'v> for Result<runtime::reject::Never, Fault> {
    const TY: ResultTy = ResultTy::Never;
    const FALLIBLE: bool = true;
    const RET: Ret = Ret::Never;
    fn into_val(self) -> Result<Val<'v>, Fault> {
        match self? {}
    }
}

/// `capture`: the text of a group, absent when it took no part.
impl<'v> Outcome<'v> for Result<Option<String>, Fault> {
    const TY: ResultTy = ResultTy::Str;
    const OPTIONAL: bool = true;
    const FALLIBLE: bool = true;
    const RET: Ret = Ret::OptionalString;
    fn into_val(self) -> Result<Val<'v>, Fault> {
        Ok(self?.map_or(Val::Absent, |s| Val::Str(Cow::Owned(s))))
    }
}

/// `assert`: `true`, or the record's rejection.
impl<'v> Outcome<'v> for Result<bool, Fault> {
    const TY: ResultTy = ResultTy::Bool;
    const FALLIBLE: bool = true;
    fn into_val(self) -> Result<Val<'v>, Fault> {
        Ok(Val::Bool(self?))
    }
}

/// `group_by`: arrays of the argument's elements.
impl<'v> Outcome<'v> for Vec<Vec<Val<'v>>> {
    const TY: ResultTy = ResultTy::Groups;
    fn into_val(self) -> Result<Val<'v>, Fault> {
        Ok(Val::List(self.into_iter().map(Val::List).collect()))
    }
}

impl<'v> Outcome<'v> for Option<Val<'v>> {
    const TY: ResultTy = ResultTy::Elem;
    const OPTIONAL: bool = true;
    fn into_val(self) -> Result<Val<'v>, Fault> {
        Ok(self.unwrap_or(Val::Absent))
    }
}

impl<'v> Outcome<'v> for Vec<Ordered<'v>> {
    const TY: ResultTy = ResultTy::First;
    fn into_val(self) -> Result<Val<'v>, Fault> {
        Ok(Val::List(self.into_iter().map(|o| o.0).collect()))
    }
}

impl<'v> Outcome<'v> for Option<Ordered<'v>> {
    const TY: ResultTy = ResultTy::Elem;
    const OPTIONAL: bool = true;
    fn into_val(self) -> Result<Val<'v>, Fault> {
        Ok(self.map_or(Val::Absent, |o| o.0))
    }
}
