//! The registry is consistent: every declaration is reachable from its
//! builtin, its usage line matches its name and arity, and every overload
//! can be told apart.

use super::*;

#[test]
fn every_builtin_has_its_own_declaration() {
    for &builtin in Builtin::ALL {
        let decl = builtin.decl();
        assert_eq!(decl.builtin, builtin);
        assert_eq!(Builtin::named(decl.name), Some(builtin), "{}", decl.name);
        assert!(!decl.overloads.is_empty(), "{}", decl.name);
    }
}

#[test]
fn usage_lines_name_the_builtin_and_its_parameters() {
    for &builtin in Builtin::ALL {
        let decl = builtin.decl();
        let params = decl
            .usage
            .strip_prefix(decl.name)
            .and_then(|rest| rest.strip_prefix('('))
            .and_then(|rest| rest.strip_suffix(')'))
            .unwrap_or_else(|| panic!("usage of {}: {}", decl.name, decl.usage));
        // `int(x[, mode])`: parameters in brackets are optional.
        let (required, optional) = params.split_once("[, ").unwrap_or((params, ""));
        let count = |list: &str| list.split(", ").filter(|p| !p.is_empty()).count();
        let written = count(required);
        let (min, max) = decl.arity();
        if max == usize::MAX {
            assert!(params.ends_with("..."), "{}", decl.usage);
        } else {
            let most = written + count(optional.trim_end_matches(']'));
            assert_eq!((min, max), (written, most), "{}", decl.usage);
        }
    }
}

#[test]
fn no_overload_is_shadowed_by_an_earlier_one() {
    use crate::ir::Ty;
    let sample = |p: ParamTy| match p {
        ParamTy::Str => Ty::String,
        ParamTy::Int => Ty::Int,
        ParamTy::Num | ParamTy::Dec => Ty::Decimal,
        ParamTy::Bool => Ty::Bool,
        ParamTy::Ts => Ty::Timestamp,
        ParamTy::Money => Ty::Money,
        ParamTy::Strs => Ty::Array(Box::new(Ty::String)),
        ParamTy::Ints => Ty::Array(Box::new(Ty::Int)),
        ParamTy::Decs | ParamTy::Comparables | ParamTy::AnyArray => {
            Ty::Array(Box::new(Ty::Decimal))
        }
        ParamTy::Arrays => Ty::Array(Box::new(Ty::Array(Box::new(Ty::Int)))),
        ParamTy::Scalar => Ty::Scalar,
        ParamTy::Optional | ParamTy::KeyPath => Ty::Int,
    };
    for &builtin in Builtin::ALL {
        let decl = builtin.decl();
        for (i, overload) in decl.overloads.iter().enumerate() {
            let args: Vec<Ty> = overload.params.iter().map(|p| sample(*p)).collect();
            assert_eq!(decl.select(&args), Some(i), "{} overload {i}", decl.name);
        }
    }
}

#[test]
fn constant_arguments_are_validated() {
    assert!(Constant::RoundingMode.is_valid("half_even"));
    assert!(!Constant::RoundingMode.is_valid("nearest"));
    assert!(Constant::TimeZone.is_valid("America/New_York"));
    assert!(!Constant::TimeZone.is_valid("Mars/Olympus"));
}
