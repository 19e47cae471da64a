//! Every IR form the checker produces reaches code generation in at least
//! one mapping or ok case, both compiled to Rust and run against the
//! evaluator: expression kinds, each builtin overload, and each operator
//! with each operand type the checker accepts for it. A form no case
//! reaches is a form whose generated Rust nobody has compiled (unary minus
//! on an integer once passed `mapc check` and failed rustc).

#![allow(clippy::expect_used)] // a panic in a test is a failed test

use contract_tests::root;
use mapc::builtins::Builtin;
use mapc::ir::{Binary, Expr, ExprKind, Mapping, Ty, Unary};
use std::collections::BTreeSet;

/// Every expression kind, by name (a kind missing here is caught by the
/// exhaustive match in `kind_name`, reached or not).
const KINDS: &[&str] = &[
    "Lit", "Path", "Local", "Unary", "Binary", "Assert", "Call", "If", "Match", "Lookup", "For",
    "With", "Object", "Array",
];

fn kind_name(kind: &ExprKind) -> &'static str {
    match kind {
        ExprKind::Lit(_) => "Lit",
        ExprKind::Path { .. } => "Path",
        ExprKind::Local(_) => "Local",
        ExprKind::Unary(..) => "Unary",
        ExprKind::Binary(..) => "Binary",
        ExprKind::Assert(..) => "Assert",
        ExprKind::Call(..) => "Call",
        ExprKind::If(..) => "If",
        ExprKind::Match { .. } => "Match",
        ExprKind::Lookup(..) => "Lookup",
        ExprKind::For(_) => "For",
        ExprKind::With { .. } => "With",
        ExprKind::Object(_) => "Object",
        ExprKind::Array(_) => "Array",
    }
}

/// An operand's type as the universe names it (objects of the payload are
/// one type here: their code does not depend on which object).
fn ty_name(ty: &Ty) -> String {
    match ty {
        Ty::Source(_) => "object".to_owned(),
        Ty::Array(_) => "array".to_owned(),
        other => other.to_string(),
    }
}

/// Every operator with every operand type the checker accepts for it
/// (`check/expr.rs`: `check_unary`, `type_*`; ints next to decimals in
/// `??` and comparisons are widened before typing).
fn operator_universe() -> BTreeSet<String> {
    let mut all = BTreeSet::new();
    let comparable = ["string", "int", "decimal", "bool", "timestamp"];
    for (op, ty) in [
        ("NegInt", "int"),
        ("NegDecimal", "decimal"),
        ("Not", "bool"),
    ] {
        all.insert(format!("{op}({ty})"));
    }
    for op in ["And", "Or"] {
        all.insert(format!("{op}(bool, bool)"));
    }
    all.insert("Concat(string, string)".to_owned());
    for c in ['+', '-', '*'] {
        all.insert(format!("Int('{c}')(int, int)"));
    }
    for c in ['+', '-'] {
        all.insert(format!("Money('{c}')(money, money)"));
    }
    for c in ['+', '-', '*', '/'] {
        for (a, b) in [
            ("int", "decimal"),
            ("decimal", "int"),
            ("decimal", "decimal"),
        ] {
            all.insert(format!("Decimal('{c}')({a}, {b})"));
        }
    }
    all.insert("Decimal('/')(int, int)".to_owned());
    for op in ["Lt", "Le", "Gt", "Ge"] {
        for ty in comparable {
            all.insert(format!("{op}({ty}, {ty})"));
        }
    }
    for op in ["Eq", "Ne"] {
        for ty in comparable {
            all.insert(format!("{op}({ty}, {ty})"));
        }
        all.insert(format!("{op}(an operand that may be absent)"));
        all.insert(format!("{op}(null)"));
    }
    for ty in comparable.iter().chain(&["money", "array", "object"]) {
        all.insert(format!("Default({ty})"));
    }
    all.insert("Default(a default that may be absent)".to_owned());
    all
}

#[derive(Default)]
struct Reached {
    kinds: BTreeSet<&'static str>,
    calls: BTreeSet<(Builtin, usize)>,
    operators: BTreeSet<String>,
}

impl Reached {
    fn binary(&mut self, op: Binary, a: &Expr, b: &Expr) {
        let (x, y) = (ty_name(&a.ty), ty_name(&b.ty));
        let name = format!("{op:?}");
        match op {
            Binary::Default => {
                self.operators.insert(format!("Default({x})"));
                if b.optional {
                    self.operators
                        .insert("Default(a default that may be absent)".to_owned());
                }
            }
            Binary::Eq | Binary::Ne if a.ty == Ty::Null || b.ty == Ty::Null => {
                self.operators.insert(format!("{name}(null)"));
            }
            Binary::Eq | Binary::Ne if a.optional || b.optional => {
                self.operators
                    .insert(format!("{name}(an operand that may be absent)"));
                self.operators.insert(format!("{name}({x}, {y})"));
            }
            _ => {
                self.operators.insert(format!("{name}({x}, {y})"));
            }
        }
    }

    fn unary(&mut self, op: Unary, x: &Expr) {
        self.operators.insert(format!("{op:?}({})", ty_name(&x.ty)));
    }

    fn expr(&mut self, e: &Expr) {
        self.kinds.insert(kind_name(&e.kind));
        match &e.kind {
            ExprKind::Unary(op, x) => {
                self.unary(*op, x);
                self.expr(x);
            }
            ExprKind::Binary(op, a, b) => {
                self.binary(*op, a, b);
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Call(callee, args, _) => {
                self.calls.insert((callee.builtin, callee.overload));
                args.iter().for_each(|a| self.expr(a));
            }
            ExprKind::Array(items) => items.iter().for_each(|a| self.expr(a)),
            ExprKind::Assert(x, _) | ExprKind::Lookup(_, x, _, _) => self.expr(x),
            ExprKind::If(c, a, b) => {
                self.expr(c);
                self.expr(a);
                b.iter().for_each(|b| self.expr(b));
            }
            ExprKind::Match {
                scrutinee,
                arms,
                otherwise,
                ..
            } => {
                self.expr(scrutinee);
                arms.iter().for_each(|(_, v)| self.expr(v));
                otherwise.iter().for_each(|o| self.expr(o));
            }
            ExprKind::For(f) => {
                self.expr(&f.source);
                f.filter.iter().for_each(|c| self.expr(c));
                self.expr(&f.body);
            }
            ExprKind::With { value, body, .. } => {
                self.expr(value);
                self.expr(body);
            }
            ExprKind::Object(object) => self.object(object),
            ExprKind::Lit(_) | ExprKind::Path { .. } | ExprKind::Local(_) => {}
        }
    }

    fn object(&mut self, object: &mapc::ir::Object) {
        object.lets.iter().for_each(|(_, e)| self.expr(e));
        object.fields.iter().for_each(|f| self.expr(&f.value));
    }

    fn mapping(&mut self, mapping: &Mapping) {
        mapping.keep.iter().for_each(|k| self.expr(k));
        self.object(&mapping.body);
        self.emits(&mapping.emits);
    }

    fn emits(&mut self, emits: &[mapc::ir::Emit]) {
        for emit in emits {
            self.expr(&emit.source);
            emit.filter.iter().for_each(|f| self.expr(f));
            match &emit.body {
                mapc::ir::EmitBody::Record(object) => self.object(object),
                mapc::ir::EmitBody::Scope(lets, nested) => {
                    lets.iter().for_each(|(_, e)| self.expr(e));
                    self.emits(nested);
                }
            }
        }
    }
}

/// Every mapping in `mappings/` (compiled into `maprt`) and every ok case
/// (compiled into the test binary), each differential-tested.
fn compiled_everywhere() -> Vec<Mapping> {
    let mut files = contract_tests::mapping_files(&["mappings"]);
    let cases = std::fs::read_dir(root().join("tests/cases/ok")).expect("ok cases");
    for case in cases {
        let name = case
            .expect("case")
            .file_name()
            .to_string_lossy()
            .into_owned();
        files.push(format!("tests/cases/ok/{name}/mapping.map"));
    }
    files
        .iter()
        .map(|file| {
            let (compiled, _) = contract_tests::compile(file);
            compiled
                .mapping
                .unwrap_or_else(|| panic!("{file} compiles"))
        })
        .collect()
}

#[test]
fn every_ir_form_is_compiled_and_differential_tested() {
    let mut reached = Reached::default();
    for mapping in compiled_everywhere() {
        reached.mapping(&mapping);
    }
    let mut missing: Vec<String> = Vec::new();
    for kind in KINDS {
        if !reached.kinds.contains(kind) {
            missing.push(format!("expression kind {kind}"));
        }
    }
    for kind in &reached.kinds {
        assert!(KINDS.contains(kind), "KINDS lacks {kind}");
    }
    for &builtin in Builtin::ALL {
        let decl = builtin.decl();
        for (i, overload) in decl.overloads.iter().enumerate() {
            if !reached.calls.contains(&(builtin, i)) {
                missing.push(format!("{} with {:?}", decl.name, overload.params));
            }
        }
    }
    let universe = operator_universe();
    for op in &universe {
        if !reached.operators.contains(op) {
            missing.push(format!("operator {op}"));
        }
    }
    for op in &reached.operators {
        assert!(universe.contains(op), "the universe lacks {op}: add it");
    }
    assert!(
        missing.is_empty(),
        "no compiled case reaches:\n  {}\n(add them to tests/cases/ok/every_form)",
        missing.join("\n  ")
    );
}
