//! Mapping parameters (`param store_currency: CurrencyCode = "EUR"`):
//! each declared with a known type and a default of that type, and bound
//! as a name the whole mapping (its `where` and its body) reads.

use super::scope::BindingKind;
use super::{BindingValue, CheckErrorKind, Checker};
use crate::ir::{self, Ty};
use crate::syntax::ast;
use runtime::params::ParamType;

/// What is wrong with a `param` declaration.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ParamProblem {
    /// A type that is not one of [`ParamType::NAMES`].
    UnknownType(String),
    /// A default that is not a value of the type.
    BadDefault(String),
    /// Two parameters of one name, or one named like a table.
    Duplicate(String),
}

/// The value type expressions see.
pub fn param_value_type(ty: ParamType) -> Ty {
    match ty {
        ParamType::Text | ParamType::CurrencyCode => Ty::String,
        ParamType::Int => Ty::Int,
        ParamType::Decimal => Ty::Decimal,
        ParamType::Bool => Ty::Bool,
    }
}

impl Checker<'_> {
    /// Check and bind every `param` of the header.
    pub(crate) fn check_params(&mut self, decls: &[ast::ParamDecl]) -> Vec<ir::Param> {
        let mut params: Vec<ir::Param> = Vec::new();
        for decl in decls {
            let name = &decl.name.name;
            let taken = params.iter().any(|p| p.name == *name) || self.table_id(name).is_some();
            if taken {
                let problem = ParamProblem::Duplicate(name.clone());
                self.error(CheckErrorKind::BadParam(problem), decl.name.span);
                continue;
            }
            let Some(ty) = ParamType::from_name(&decl.ty.name) else {
                let problem = ParamProblem::UnknownType(decl.ty.name.clone());
                self.error(CheckErrorKind::BadParam(problem), decl.ty.span);
                continue;
            };
            if let Some((text, span)) = &decl.default {
                if let Err(fault) = runtime::params::check(ty, text) {
                    let problem = ParamProblem::BadDefault(fault.message);
                    self.error(CheckErrorKind::BadParam(problem), *span);
                    continue;
                }
            }
            let value = BindingValue {
                ty: param_value_type(ty),
                optional: false,
                origin: Vec::new(),
                node: None,
            };
            let local = self.bind(&decl.name, value, BindingKind::Loop);
            params.push(ir::Param {
                local,
                name: name.clone(),
                ty,
                default: decl.default.as_ref().map(|(text, _)| text.clone()),
                loc: self.loc(decl.span),
            });
        }
        params
    }
}
