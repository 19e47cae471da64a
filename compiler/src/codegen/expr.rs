//! Value expressions: each IR expression becomes one Rust expression of the
//! value's type (`Option<..>` when it may be absent). Fallible steps use `?`
//! and attach the JSON path and mapping location only on the error path.

use super::{ident, shapes, Generator};
use crate::builtins::{Imp, Pass, Ret, RuntimeFn};
use crate::ir::{
    Base, Binary, Builtin, Callee, Expr, ExprKind, ForLoop, Lit, OnMiss, Origin, Step, Ty, Unary,
};

/// The Rust type of a value (for `let` annotations).
pub fn repr(mapping: &crate::ir::Mapping, ty: &Ty, optional: bool) -> String {
    let base = match ty {
        Ty::String | Ty::Scalar => "Str<'_>".to_owned(),
        Ty::Int => "i64".to_owned(),
        Ty::Decimal => "Decimal".to_owned(),
        Ty::Bool => "bool".to_owned(),
        Ty::Timestamp => "Timestamp".to_owned(),
        Ty::Money => "Money".to_owned(),
        Ty::Null => "()".to_owned(),
        Ty::Source(_) => format!("&{}", shapes::field_type(mapping, ty).replace("'a", "'_")),
        Ty::Array(elem) => match **elem {
            Ty::Source(_) => format!(
                "&[{}]",
                shapes::field_type(mapping, elem).replace("'a", "'_")
            ),
            ref t => format!("Vec<{}>", repr(mapping, t, false)),
        },
        Ty::Opaque => "()".to_owned(),
        Ty::Output | Ty::Unknown => "_".to_owned(),
    };
    if optional || *ty == Ty::Null {
        format!("Option<{base}>")
    } else {
        base
    }
}

/// Arrays of payload objects are slices (references) in generated code.
fn is_slice(ty: &Ty) -> bool {
    matches!(ty, Ty::Array(elem) if matches!(**elem, Ty::Source(_)))
}

/// A payload slice read as it is held: a path, a local, or one of those
/// `?? []`.
fn is_held_slice(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Local(_) | ExprKind::Path { .. } => true,
        ExprKind::Binary(Binary::Default, a, b) => {
            matches!(&b.kind, ExprKind::Array(items) if items.is_empty())
                && matches!(a.kind, ExprKind::Local(_) | ExprKind::Path { .. })
        }
        _ => false,
    }
}

fn is_copy(ty: &Ty) -> bool {
    match ty {
        Ty::String | Ty::Scalar => false,
        Ty::Array(elem) => matches!(**elem, Ty::Source(_)),
        _ => true,
    }
}

/// Wrap a present value when the context expects an `Option`.
fn wrap(code: String, from_optional: bool, to_optional: bool) -> String {
    if to_optional && !from_optional {
        format!("Some({code})")
    } else {
        code
    }
}

/// Integers widen to decimals.
fn as_decimal(code: String, ty: &Ty) -> String {
    if *ty == Ty::Int {
        format!("Decimal::from({code})")
    } else {
        code
    }
}

/// A literal as a Rust value.
pub fn literal(lit: &Lit) -> String {
    match lit {
        Lit::String(s) => format!("Str::Borrowed({})", ident::string_literal(s)),
        Lit::Int(i) => format!("{i}i64"),
        Lit::Decimal(d) => format!(
            "Decimal::from_i128_with_scale({}, {})",
            d.mantissa(),
            d.scale()
        ),
        Lit::Bool(b) => b.to_string(),
        Lit::Timestamp(t) => format!(
            "runtime::time::from_parts({}, {})",
            t.as_second(),
            t.subsec_nanosecond()
        ),
        Lit::Null => "None".to_owned(),
    }
}

impl Generator<'_> {
    /// The Rust expression computing `e`.
    pub(crate) fn expr(&mut self, e: &Expr) -> String {
        match &e.kind {
            ExprKind::Lit(lit) => literal(lit),
            ExprKind::Path {
                base,
                base_optional,
                steps,
            } => self.path(*base, *base_optional, steps, &e.ty),
            ExprKind::Local(local) if is_copy(&e.ty) => self.local(*local),
            ExprKind::Local(local) => format!("{}.clone()", self.local(*local)),
            ExprKind::Unary(op, x) => self.unary(*op, x, e),
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b, e),
            ExprKind::Assert(x, origin) => {
                let value = self.expr(x);
                let fail = self.fail_with("Fault::missing()", origin, e);
                format!("match {value} {{ Some(v) => v, None => {fail} }}")
            }
            ExprKind::Call(callee, args, origin) => self.call(*callee, args, origin, e),
            ExprKind::If(c, a, b) => {
                let cond = self.expr(c);
                let then = wrap(self.expr(a), a.optional, e.optional);
                let otherwise = match b {
                    Some(b) => wrap(self.expr(b), b.optional, e.optional),
                    None => "None".to_owned(),
                };
                format!("if {cond} {{ {then} }} else {{ {otherwise} }}")
            }
            ExprKind::Match {
                scrutinee,
                arms,
                otherwise,
                origin,
            } => self.match_expr(scrutinee, arms, otherwise.as_deref(), origin, e),
            ExprKind::Lookup(table, key, origin, on_miss) => {
                self.lookup(*table, key, origin, *on_miss, e)
            }
            ExprKind::For(f) => self.for_expr(f),
            ExprKind::With { local, value, body } => {
                let value = self.expr(value);
                let inner = self.expr(body);
                let name = self.local(*local);
                if gives_back(body, *local) {
                    // `with s = v => s` (`string(s)` of a string) is `v`.
                    value
                } else if may_return(&inner) {
                    let body_code = wrap(inner, body.optional, true);
                    format!("match {value} {{ Some({name}) => {body_code}, None => None }}")
                } else if body.optional {
                    format!("{value}.and_then(|{name}| {inner})")
                } else {
                    format!("{value}.map(|{name}| {inner})")
                }
            }
            // A bare `[]` has no element type: give Rust one (nothing is in it).
            ExprKind::Array(items)
                if items.is_empty() && e.ty == Ty::Array(Box::new(Ty::Unknown)) =>
            {
                "Vec::<()>::new()".to_owned()
            }
            ExprKind::Array(items) if items.is_empty() => "Vec::new()".to_owned(),
            // Not `vec![..]`: the formatter and the tidying passes see
            // into a call, never into a macro's tokens.
            ExprKind::Array(items) => {
                let items: Vec<String> = items.iter().map(|i| self.expr(i)).collect();
                format!("Vec::from([{}])", items.join(", "))
            }
            ExprKind::Object(_) => "()".to_owned(),
        }
    }

    /// `return Err(fault.at(path, location))`.
    fn fail_with(&mut self, fault: &str, origin: &Origin, e: &Expr) -> String {
        let path = self.path_closure(origin);
        let location = self.location(e.loc);
        format!("return Err({fault}.at({path}, &{location}))")
    }

    fn local_shape(&self, local: usize) -> Option<usize> {
        match self.local_types.get(local) {
            Some(Ty::Source(shape)) => Some(*shape),
            _ => None,
        }
    }

    /// Whether a field of a shape is read with `has(..)` (`Option<Option<_>>`).
    fn presence(&self, shape: Option<usize>, name: &str) -> bool {
        shape
            .and_then(|s| self.mapping.shapes.get(s)?.fields.get(name))
            .is_some_and(|f| f.presence && f.optional)
    }

    /// Walk a source path: the code reaching it (a place when it is
    /// present and ends in a field, else a reference or an `Option` of
    /// one), whether it may be absent, and the shape it ends in (for
    /// objects and arrays of objects).
    pub(crate) fn walk(
        &self,
        base: Base,
        base_optional: bool,
        steps: &[Step],
    ) -> (String, bool, Option<usize>) {
        let (mut code, mut optional, mut shape) = match base {
            Base::Record => ("l_record".to_owned(), false, Some(0)),
            Base::Local(local) => (self.local(local), base_optional, self.local_shape(local)),
        };
        for step in steps {
            match step {
                Step::Field {
                    name,
                    optional: field_optional,
                } => {
                    let field = match shape {
                        Some(s) => shapes::field_name(self.mapping, s, name),
                        None => ident::field(name),
                    };
                    let read = if self.presence(shape, name) {
                        format!("{field}.as_ref().and_then(|o| o.as_ref())")
                    } else {
                        format!("{field}.as_ref()")
                    };
                    code = match (optional, field_optional) {
                        (false, false) => format!("{code}.{field}"),
                        (false, true) => format!("{code}.{read}"),
                        (true, false) => format!("{code}.map(|v| &v.{field})"),
                        (true, true) => format!("{code}.and_then(|v| v.{read})"),
                    };
                    optional |= *field_optional;
                    let next = shape.and_then(|s| self.mapping.shapes.get(s)?.fields.get(name));
                    shape = match next.map(|f| &f.ty) {
                        Some(Ty::Source(s)) => Some(*s),
                        Some(Ty::Array(elem)) => match **elem {
                            Ty::Source(s) => Some(s),
                            _ => None,
                        },
                        _ => None,
                    };
                }
                Step::Index(i) => {
                    let get = if *i == 0 {
                        "first()".to_owned()
                    } else {
                        format!("get({i})")
                    };
                    code = if optional {
                        format!("{code}.and_then(|v| v.{get})")
                    } else {
                        format!("{code}.{get}")
                    };
                    optional = true;
                }
            }
        }
        (code, optional, shape)
    }

    /// `has(.a.b)`: walk to `.a`, then ask whether `b` was in the payload.
    fn has(&self, path: Option<&Expr>) -> String {
        let Some(ExprKind::Path {
            base,
            base_optional,
            steps,
        }) = path.map(|p| &p.kind)
        else {
            return "false".to_owned();
        };
        let Some((Step::Field { name, optional }, parents)) = steps.split_last() else {
            return "false".to_owned();
        };
        let (parent, parent_optional, shape) = self.walk(*base, *base_optional, parents);
        if !optional {
            return if parent_optional {
                format!("{parent}.is_some()")
            } else {
                "true".to_owned()
            };
        }
        let field = match shape {
            Some(s) => shapes::field_name(self.mapping, s, name),
            None => ident::field(name),
        };
        if parent_optional {
            format!("{parent}.is_some_and(|p| p.{field}.is_some())")
        } else {
            format!("{parent}.{field}.is_some()")
        }
    }

    fn path(&mut self, base: Base, base_optional: bool, steps: &[Step], ty: &Ty) -> String {
        let (code, optional, _) = self.walk(base, base_optional, steps);
        if *ty == Ty::Null {
            return "None::<()>".to_owned();
        }
        if optional {
            return optional_value(code, ty);
        }
        if steps.is_empty() {
            // The base itself: a reference already.
            return code;
        }
        match ty {
            Ty::String | Ty::Scalar => format!("Str::Borrowed(&{code})"),
            Ty::Decimal => format!("{code}.0"),
            Ty::Array(elem) => match **elem {
                Ty::Source(_) => format!("{code}.as_slice()"),
                Ty::String | Ty::Scalar => {
                    format!("{code}.iter().map(|s| Str::Borrowed(&**s)).collect::<Vec<_>>()")
                }
                Ty::Decimal => format!("{code}.iter().map(|d| d.0).collect::<Vec<_>>()"),
                _ => format!("{code}.clone()"),
            },
            Ty::Source(_) => format!("&{code}"),
            _ => code,
        }
    }

    fn unary(&mut self, op: Unary, x: &Expr, e: &Expr) -> String {
        let value = self.expr(x);
        match op {
            Unary::NegInt => {
                let origin = self.record_origin();
                let blame = self.blame(&origin, e.loc);
                format!("runtime::decimal::neg_int({value}){blame}")
            }
            Unary::NegDecimal => format!("(-{value})"),
            Unary::Not => format!("(!{value})"),
        }
    }

    /// The parts of a `++` chain (or of a lone `string(x)`), each a
    /// `runtime::text::Part`: integers and instants stay values until the
    /// chain is formatted where it goes (`"shopify:" ++ string(.id)`).
    pub(crate) fn concat_parts(&mut self, e: &Expr) -> Vec<String> {
        fn operands<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
            match &e.kind {
                ExprKind::Binary(Binary::Concat, a, b) => {
                    operands(a, out);
                    operands(b, out);
                }
                _ => out.push(e),
            }
        }
        let mut parts = Vec::new();
        operands(e, &mut parts);
        parts.into_iter().map(|part| self.text_part(part)).collect()
    }

    /// One piece of text as a `runtime::text::Part`.
    fn text_part(&mut self, e: &Expr) -> String {
        // A part only borrows: no clone of a `let`.
        if let ExprKind::Local(local) = &e.kind {
            return format!("Part::Text(&*{})", self.local(*local));
        }
        match formatted_value(e) {
            Some(value) if value.ty == Ty::Int => format!("Part::Int({})", self.expr(value)),
            Some(value) => format!("Part::Instant({})", self.expr(value)),
            None => format!("Part::Text(&*{})", self.expr(e)),
        }
    }

    /// A `++` chain as one call: one allocation for the result.
    fn concat_chain(&mut self, e: &Expr) -> String {
        let parts = self.concat_parts(e);
        format!(
            "Str::Owned(runtime::text::concat_all(&[{}]))",
            parts.join(", ")
        )
    }

    fn binary(&mut self, op: Binary, a: &Expr, b: &Expr, e: &Expr) -> String {
        if op == Binary::Concat {
            return self.concat_chain(e);
        }
        if op == Binary::Default {
            return self.default(a, b);
        }
        if op == Binary::Eq || op == Binary::Ne {
            return self.equality(a, b, op == Binary::Eq);
        }
        let (x, y) = (self.expr(a), self.expr(b));
        let origin = self.record_origin();
        match op {
            Binary::And => format!("({x} && {y})"),
            Binary::Or => format!("({x} || {y})"),
            // Booleans order `false < true`, written without comparing them.
            Binary::Lt if a.ty == Ty::Bool => format!("(!{x} & {y})"),
            Binary::Le if a.ty == Ty::Bool => format!("(!{x} | {y})"),
            Binary::Gt if a.ty == Ty::Bool => format!("({x} & !{y})"),
            Binary::Ge if a.ty == Ty::Bool => format!("({x} | !{y})"),
            Binary::Lt => format!("({x} < {y})"),
            Binary::Le => format!("({x} <= {y})"),
            Binary::Gt => format!("({x} > {y})"),
            Binary::Ge => format!("({x} >= {y})"),
            Binary::Int(c) => {
                let blame = self.blame(&origin, e.loc);
                format!("runtime::decimal::int_op({x}, {y}, '{c}'){blame}")
            }
            Binary::Decimal(c) => {
                let f = match c {
                    '+' => "add",
                    '-' => "sub",
                    '*' => "mul",
                    _ => "div",
                };
                let (x, y) = (as_decimal(x, &a.ty), as_decimal(y, &b.ty));
                let blame = self.blame(&origin, e.loc);
                format!("runtime::decimal::{f}({x}, {y}){blame}")
            }
            Binary::Money(c) => {
                let f = if c == '+' {
                    "checked_add"
                } else {
                    "checked_sub"
                };
                let blame = self.blame(&origin, e.loc);
                format!("{x}.{f}({y}){blame}")
            }
            _ => "()".to_owned(),
        }
    }

    fn default(&mut self, a: &Expr, b: &Expr) -> String {
        let x = self.expr(a);
        if !a.optional {
            return x;
        }
        // `?? []` takes its type from the other arm (a `Vec` or a slice).
        let empty_slice = matches!(&b.kind, ExprKind::Array(items) if items.is_empty());
        if empty_slice {
            return format!("{x}.unwrap_or_default()");
        }
        let y = self.expr(b);
        // A literal or a local costs nothing and cannot fail: no need to
        // compute it only when needed.
        if matches!(b.kind, ExprKind::Lit(_) | ExprKind::Local(_)) {
            let zero = matches!(b.kind, ExprKind::Lit(Lit::Int(0) | Lit::Bool(false)));
            return match (b.optional, zero) {
                (true, _) => format!("{x}.or({y})"),
                (false, true) => format!("{x}.unwrap_or_default()"),
                (false, false) => format!("{x}.unwrap_or({y})"),
            };
        }
        let t = self.temp();
        if b.optional {
            format!("match {x} {{ Some({t}) => Some({t}), None => {y} }}")
        } else {
            format!("match {x} {{ Some({t}) => {t}, None => {y} }}")
        }
    }

    /// `a == b` (`equal`) or `a != b`.
    fn equality(&mut self, a: &Expr, b: &Expr, equal: bool) -> String {
        let null = |e: &Expr| matches!(e.kind, ExprKind::Lit(Lit::Null));
        match (null(a), null(b)) {
            (true, true) => return equal.to_string(),
            (true, false) | (false, true) => {
                let other = if null(a) { b } else { a };
                let code = self.expr(other);
                let test = if equal { "is_none" } else { "is_some" };
                return if other.optional {
                    format!("{code}.{test}()")
                } else {
                    (!equal).to_string()
                };
            }
            (false, false) => {}
        }
        let optional = a.optional || b.optional;
        let x = wrap(self.expr(a), a.optional, optional);
        let y = wrap(self.expr(b), b.optional, optional);
        let op = if equal { "==" } else { "!=" };
        format!("({x} {op} {y})")
    }

    /// `x == lit` for a match pattern.
    fn pattern(&self, scrutinee: &str, lit: &Lit, optional: bool) -> String {
        if *lit == Lit::Null {
            return if optional {
                format!("{scrutinee}.is_none()")
            } else {
                "false".to_owned()
            };
        }
        let value = match lit {
            Lit::String(s) => ident::string_literal(s),
            other => literal(other),
        };
        if optional {
            match lit {
                Lit::String(_) => format!("{scrutinee}.as_deref() == Some({value})"),
                _ => format!("{scrutinee} == Some({value})"),
            }
        } else {
            format!("{scrutinee} == {value}")
        }
    }

    fn describe(ty: &Ty, optional: bool, var: &str) -> String {
        let present = |v: &str| match ty {
            Ty::String | Ty::Scalar => format!("format!(\"{{:?}}\", {v})"),
            _ => format!("{v}.to_string()"),
        };
        if optional {
            format!(
                "match &{var} {{ Some(v) => {}, None => String::from(\"null\") }}",
                present("v")
            )
        } else {
            present(var)
        }
    }

    fn match_expr(
        &mut self,
        scrutinee: &Expr,
        arms: &[(Vec<Lit>, Expr)],
        otherwise: Option<&Expr>,
        origin: &Origin,
        e: &Expr,
    ) -> String {
        let t = self.temp();
        let value = self.expr(scrutinee);
        let mut code = format!("{{ let {t} = {value}; ");
        // Arms giving the same value become one `if` with `||` (and an arm
        // giving what `_` gives is `_`): the same choice, written once.
        let mut branches: Vec<(Vec<String>, String)> = Vec::new();
        for (patterns, arm) in arms {
            let conds: Vec<String> = patterns
                .iter()
                .map(|p| self.pattern(&t, p, scrutinee.optional))
                .collect();
            let body = wrap(self.expr(arm), arm.optional, e.optional);
            match branches.last_mut() {
                Some((before, same)) if *same == body => before.extend(conds),
                _ => branches.push((conds, body)),
            }
        }
        let last = match otherwise {
            Some(o) => wrap(self.expr(o), o.optional, e.optional),
            None => {
                let description = Self::describe(&scrutinee.ty, scrutinee.optional, &t);
                self.fail_with(&format!("Fault::no_arm(&{description})"), origin, e)
            }
        };
        while branches.last().is_some_and(|(_, body)| *body == last) {
            branches.pop();
        }
        for (i, (conds, body)) in branches.iter().enumerate() {
            let keyword = if i == 0 { "if" } else { " else if" };
            code.push_str(&format!("{keyword} {} {{ {body} }}", conds.join(" || ")));
        }
        if branches.is_empty() {
            code.push_str(&format!("{last} }}"));
        } else {
            code.push_str(&format!(" else {{ {last} }} }}"));
        }
        code
    }

    fn lookup(
        &mut self,
        table: usize,
        key: &Expr,
        origin: &Origin,
        on_miss: OnMiss,
        e: &Expr,
    ) -> String {
        let key_code = self.expr(key);
        let Some(t) = self.mapping.tables.get(table) else {
            return "None".to_owned();
        };
        let name = ident::string_literal(&t.name);
        let function = ident::table(&t.name);
        let convert = if t.value_ty == Ty::String {
            "Str::Borrowed(v)"
        } else {
            "v"
        };
        if on_miss == OnMiss::Absent {
            let found = |k: &str| match t.value_ty {
                Ty::String => format!("{function}({k}).map(Str::Borrowed)"),
                _ => format!("{function}({k})"),
            };
            return if key.optional {
                format!("{key_code}.and_then(|k| {})", found("&k"))
            } else {
                let key = self.borrowed(key);
                found(&format!("&{key}"))
            };
        }
        let k = self.temp();
        let fail = self.fail_with(&format!("Fault::table_miss({name}, &{k})"), origin, e);
        let found = format!("match {function}(&{k}) {{ Some(v) => {convert}, None => {fail} }}");
        if key.optional {
            format!("match {key_code} {{ Some({k}) => Some({found}), None => None }}")
        } else {
            format!("{{ let {k} = {key_code}; {found} }}")
        }
    }

    fn for_expr(&mut self, f: &ForLoop) -> String {
        let source = self.expr(&f.source);
        let filter = match &f.filter {
            Some(cond) => format!("if !({}) {{ continue; }} ", self.expr(cond)),
            None => String::new(),
        };
        let body = self.expr(&f.body);
        let (head, index) = self.loop_head(f, &source, &format!("{filter}{body}"));
        let index = index.unwrap_or_default();
        format!(
            "{{ let mut acc = Vec::new(); {head} {{ {index} {filter}acc.push({body}); }} acc }}"
        )
    }

    /// `sum(for ...)` / `count(for ...)` as one loop, without collecting
    /// the array first.
    fn fused_aggregate(
        &mut self,
        builtin: Builtin,
        f: &ForLoop,
        origin: &Origin,
        e: &Expr,
    ) -> Option<String> {
        let (init, step) = match builtin {
            Builtin::Sum if e.ty == Ty::Decimal => {
                let body = as_decimal(self.expr(&f.body), &f.body.ty);
                let blame = self.blame(origin, e.loc);
                (
                    "Decimal::ZERO",
                    format!("acc = runtime::decimal::add(acc, {body}){blame};"),
                )
            }
            Builtin::Sum => {
                let body = self.expr(&f.body);
                let blame = self.blame(origin, e.loc);
                (
                    "0i64",
                    format!("acc = runtime::decimal::int_op(acc, {body}, '+'){blame};"),
                )
            }
            Builtin::Count => {
                let body = self.expr(&f.body);
                ("0i64", format!("let _ = {body}; acc += 1;"))
            }
            _ => return None,
        };
        let source = self.expr(&f.source);
        let filter = match &f.filter {
            Some(cond) => format!("if !({}) {{ continue; }} ", self.expr(cond)),
            None => String::new(),
        };
        let (head, index) = self.loop_head(f, &source, &format!("{filter}{step}"));
        let index = index.unwrap_or_default();
        Some(format!(
            "{{ let mut acc = {init}; {head} {{ {index} {filter}{step} }} acc }}"
        ))
    }

    fn call(&mut self, callee: Callee, args: &[Expr], origin: &Origin, e: &Expr) -> String {
        // Fast paths (listed in `crate::builtins::FAST_PATHS`).
        if let Some(ExprKind::For(f)) = args.first().map(|a| &a.kind) {
            if let Some(fused) = self.fused_aggregate(callee.builtin, f, origin, e) {
                return fused;
            }
        }
        if callee.builtin == Builtin::Round {
            if let Some(code) = self.round_known_mode(args, origin, e) {
                return code;
            }
        }
        let Some(overload) = callee.overload() else {
            return "()".to_owned();
        };
        match &overload.imp {
            Imp::KeyPresent => self.has(args.first()),
            Imp::Identity => args.first().map(|a| self.expr(a)).unwrap_or_default(),
            Imp::Runtime(function) => {
                self.runtime_call(function, overload.variadic, args, origin, e)
            }
        }
    }

    /// The call of a builtin's runtime function: each argument passed as
    /// its parameter takes it, failures blamed on the source value, the
    /// result made a value.
    fn runtime_call(
        &mut self,
        function: &RuntimeFn,
        variadic: bool,
        args: &[Expr],
        origin: &Origin,
        e: &Expr,
    ) -> String {
        let passed: Vec<String> = args
            .iter()
            .enumerate()
            .map(|(i, arg)| match function.pass.get(i) {
                _ if variadic => format!("&*{}", self.borrowed(arg)),
                // Payload objects are already held in slices (also after
                // `?? []`, which gives the slice or an empty one).
                Some(Pass::Ref) if is_slice(&arg.ty) && is_held_slice(arg) => self.borrowed(arg),
                Some(Pass::Ref) => format!("&{}", self.borrowed(arg)),
                Some(Pass::Decimal) => as_decimal(self.expr(arg), &arg.ty),
                Some(Pass::Value) | None => self.expr(arg),
            })
            .collect();
        let arguments = if variadic {
            format!("&[{}]", passed.join(", "))
        } else {
            passed.join(", ")
        };
        let mut call = format!("{}({arguments})", function.path);
        if function.fallible {
            call.push_str(&self.blame(origin, e.loc));
        }
        match function.ret {
            Ret::AsIs => call,
            Ret::String => format!("Str::Owned({call})"),
            Ret::Strings => format!("{call}.into_iter().map(Str::Owned).collect::<Vec<_>>()"),
            Ret::OptionalString => format!("{call}.map(Str::Owned)"),
            Ret::Never => format!("match {call} {{}}"),
        }
    }

    /// An argument that is only borrowed: a `let` needs no clone.
    fn borrowed(&mut self, arg: &Expr) -> String {
        match &arg.kind {
            ExprKind::Local(local) => self.local(*local),
            _ => self.expr(arg),
        }
    }

    /// `round(x, places, "mode")`: a literal mode (checked by `mapc check`)
    /// is looked up at compile time.
    fn round_known_mode(&mut self, args: &[Expr], origin: &Origin, e: &Expr) -> Option<String> {
        let [value, places, mode] = args else {
            return None;
        };
        let ExprKind::Lit(Lit::String(name)) = &mode.kind else {
            return None;
        };
        let mode = runtime::decimal::RoundingMode::from_name(name).ok()?;
        let value = as_decimal(self.expr(value), &value.ty);
        let places = self.expr(places);
        let blame = self.blame(origin, e.loc);
        Some(format!(
            "runtime::decimal::round_with({value}, {places}, runtime::decimal::RoundingMode::{mode:?}){blame}"
        ))
    }
}

/// Whether code may leave the enclosing function (`?`, `return`): it cannot
/// move into a closure. (A `?` in a string literal only keeps a `match`.)
fn may_return(code: &str) -> bool {
    code.contains('?') || code.contains("return ")
}

/// Whether `body` is the value of `local` itself, or an identity call
/// of it (`string(s)` of a string).
fn gives_back(body: &Expr, local: crate::ir::LocalId) -> bool {
    match &body.kind {
        ExprKind::Local(l) => *l == local,
        ExprKind::Call(callee, args, _) => {
            matches!(callee.overload().map(|o| &o.imp), Some(Imp::Identity))
                && matches!(args.as_slice(), [only] if gives_back(only, local))
        }
        _ => false,
    }
}

/// A value read through an `Option` of a reference to it.
fn optional_value(code: String, ty: &Ty) -> String {
    match ty {
        Ty::String | Ty::Scalar => format!("{code}.map(|x| Str::Borrowed(&**x))"),
        Ty::Int | Ty::Bool => format!("{code}.copied()"),
        Ty::Decimal => format!("{code}.map(|x| x.0)"),
        Ty::Array(elem) => match **elem {
            Ty::Source(_) => match code.strip_suffix(".as_ref()") {
                Some(field) => format!("{field}.as_deref()"),
                None => format!("{code}.map(Vec::as_slice)"),
            },
            Ty::String | Ty::Scalar => {
                format!("{code}.map(|x| x.iter().map(|s| Str::Borrowed(&**s)).collect::<Vec<_>>())")
            }
            Ty::Decimal => format!("{code}.map(|x| x.iter().map(|d| d.0).collect::<Vec<_>>())"),
            _ => format!("{code}.cloned()"),
        },
        _ => code,
    }
}

/// The integer or instant `e` formats when it is `string(x)` of one: text
/// made from it need not build that string first (see `Generator::text_part`).
pub(crate) fn formatted_value(e: &Expr) -> Option<&Expr> {
    match &e.kind {
        ExprKind::Call(callee, args, _) if callee.builtin == Builtin::String => {
            match args.as_slice() {
                [value] if matches!(value.ty, Ty::Int | Ty::Timestamp) => Some(value),
                _ => None,
            }
        }
        _ => None,
    }
}
