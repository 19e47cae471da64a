//! Why a value may be absent, for the E312/E313 that report it: a source
//! field the schema lets be missing, an aggregate of a list that may be
//! empty (`min`, `first`, ...), a `lookup` miss, an `if` without `else`, or
//! a `let` bound to one of those, followed back to where it starts (into a
//! function's body, with the call as well).

use super::error::{Absence, AbsenceNote};
use super::Checker;
use crate::ir::{Base, Expr, ExprKind, OnMiss};
use crate::span::Span;

/// The clause of a builtin's one-line doc that says when it gives no
/// value (`"absent for none"`).
fn absent_clause(doc: &'static str) -> Option<&'static str> {
    let start = doc.find("absent")?;
    let rest = doc.get(start..)?;
    let end = rest.find([';', '(']).unwrap_or(rest.len());
    rest.get(..end).map(str::trim_end)
}

impl Checker<'_> {
    /// Why `e` (an optional value) may be absent.
    pub(crate) fn absence(&self, e: &Expr) -> Absence {
        let here = |note: AbsenceNote| Absence {
            note,
            span: e.span,
            labels: Vec::new(),
        };
        let first_optional = |xs: &[&Expr]| xs.iter().find(|x| x.optional).map(|x| self.absence(x));
        match &e.kind {
            ExprKind::Path {
                base: Base::Local(local),
                base_optional: true,
                ..
            }
            | ExprKind::Local(local) => self.local_absence(*local, e.span),
            ExprKind::Path { .. } => here(AbsenceNote::SourceField),
            ExprKind::Call(callee, args, _) => {
                let decl = callee.builtin.decl();
                match absent_clause(decl.doc) {
                    Some(clause) => here(AbsenceNote::Builtin {
                        name: decl.name,
                        clause,
                    }),
                    None => first_optional(&args.iter().collect::<Vec<_>>())
                        .unwrap_or_else(|| here(AbsenceNote::Unknown)),
                }
            }
            ExprKind::If(_, _, None) => here(AbsenceNote::IfWithoutElse),
            ExprKind::If(_, then, Some(otherwise)) => {
                first_optional(&[then, otherwise]).unwrap_or_else(|| here(AbsenceNote::Unknown))
            }
            ExprKind::Lookup(_, _, _, OnMiss::Absent) => here(AbsenceNote::LookupMiss),
            // `table[key]` fails on a miss: absent only when its key is.
            ExprKind::Lookup(_, key, _, OnMiss::Fail) => self.absence(key),
            ExprKind::Binary(_, a, b) => {
                first_optional(&[a, b]).unwrap_or_else(|| here(AbsenceNote::Unknown))
            }
            ExprKind::Unary(_, x) => self.absence(x),
            ExprKind::With { value, .. } => self.absence(value),
            ExprKind::Match {
                arms, otherwise, ..
            } => {
                let mut values: Vec<&Expr> = arms.iter().map(|(_, v)| v).collect();
                values.extend(otherwise.as_deref());
                first_optional(&values).unwrap_or_else(|| here(AbsenceNote::Unknown))
            }
            _ => here(AbsenceNote::Unknown),
        }
    }

    /// Why a `let`'s local may be absent: its value's reason, with where
    /// it was bound.
    fn local_absence(&self, local: crate::ir::LocalId, span: Span) -> Absence {
        let name = self.local_names.get(local).cloned().unwrap_or_default();
        let mut absence = Absence {
            note: AbsenceNote::Local(name.clone()),
            span,
            labels: Vec::new(),
        };
        if let Some((bound_at, value)) = self.local_absences.get(&local) {
            if *bound_at != value.span {
                absence
                    .labels
                    .push((*bound_at, AbsenceNote::BoundHere(name)));
            }
            absence.labels.push((value.span, value.note.clone()));
            absence.labels.extend(value.labels.iter().cloned());
        }
        absence
    }

    /// Keep why a `let`'s value may be absent, for errors that use it.
    pub(crate) fn note_absence(&mut self, local: crate::ir::LocalId, bound_at: Span, value: &Expr) {
        if value.optional {
            let absence = self.absence(value);
            self.local_absences.insert(local, (bound_at, absence));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::absent_clause;

    #[test]
    fn the_clause_that_says_when_a_builtin_gives_nothing() {
        assert_eq!(
            absent_clause("the smallest element (the first of equal ones), absent for none"),
            Some("absent for none")
        );
        assert_eq!(
            absent_clause(
                "the element at i (0-based, negative from the end), absent out of range; xs[i]"
            ),
            Some("absent out of range")
        );
        assert_eq!(absent_clause("the number of elements"), None);
    }
}
