//! Builtin calls in the evaluator: the runtime function the declaration
//! names (`crate::builtins`), called on the evaluated arguments.

use super::value::Val;
use super::{Evaluator, Result};
use crate::builtins::Imp;
use crate::ir::{Callee, Expr, Origin};
use runtime::{ErrorCode, Fault};

impl<'m: 'v, 'v> Evaluator<'m, 'v> {
    pub(super) fn eval_call(
        &mut self,
        callee: Callee,
        args: &'m [Expr],
        origin: &Origin,
        e: &'m Expr,
    ) -> Result<Val<'v>> {
        let Some(overload) = callee.overload() else {
            let fault = Fault::new(ErrorCode::InvalidArgument, "unknown builtin overload");
            return Err(self.fail(fault, origin, e));
        };
        match &overload.imp {
            Imp::KeyPresent => Ok(Val::Bool(args.first().is_some_and(|path| self.has(path)))),
            Imp::Identity => match args.first() {
                Some(arg) => self.eval(arg),
                None => Ok(Val::Absent),
            },
            Imp::Runtime(function) => {
                let values = args
                    .iter()
                    .map(|a| self.eval(a))
                    .collect::<Result<Vec<_>>>()?;
                (function.eval)(values).map_err(|f| self.fail(f, origin, e))
            }
        }
    }
}
