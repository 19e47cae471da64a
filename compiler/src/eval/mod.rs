//! The reference evaluator: runs the typed IR directly on a JSON payload.
//!
//! It is the edit-run loop (`mapc run`, no rustc) and the oracle for the
//! generated code: both call the same `runtime` builtins and write through
//! the same `runtime::JsonWriter`, and the payload is first checked against
//! exactly the shapes the generated code deserializes.

mod builtins;
pub mod coverage;
mod read;
mod value;

use crate::ir::{
    Base, Binary, Expr, ExprKind, Field, ForLoop, Mapping, Object, OnMiss, Origin, Seg, Step,
    Unary, WhenAbsent, Write,
};
use read::Node;
use runtime::{decimal, ErrorCode, Fault, JsonWriter, Location, RuntimeError};
use std::borrow::Cow;
pub(crate) use value::Val;

/// Transform one record.
pub fn run(mapping: &Mapping, input: &[u8]) -> std::result::Result<Vec<u8>, RuntimeError> {
    run_with(mapping, input, &mut None)
}

/// Transform one record, adding what it exercised to `hits`
/// (`mapc test --coverage`).
pub fn run_covered(
    mapping: &Mapping,
    input: &[u8],
    hits: &mut coverage::Hits,
) -> std::result::Result<Vec<u8>, RuntimeError> {
    let mut tracked = Some(std::mem::take(hits));
    let result = run_with(mapping, input, &mut tracked);
    *hits = tracked.unwrap_or_default();
    result
}

fn run_with(
    mapping: &Mapping,
    input: &[u8],
    hits: &mut Option<coverage::Hits>,
) -> std::result::Result<Vec<u8>, RuntimeError> {
    let payload = read::payload(mapping, input)?;
    // `read` guarantees every key of `at` is there.
    let mut record = &payload;
    for key in &mapping.at {
        record = record.get(key).unwrap_or(&Node::Null);
    }
    let mut eval = Evaluator {
        mapping,
        record,
        locals: vec![Val::Absent; mapping.locals],
        hits: hits.take(),
    };
    let result = eval.run();
    *hits = eval.hits.take();
    result
}

impl<'m: 'v, 'v> Evaluator<'m, 'v> {
    fn run(&mut self) -> Result<Vec<u8>> {
        let mapping = self.mapping;
        let mut out = Vec::with_capacity(1024);
        let eval = self;
        for param in &mapping.params {
            let value = param_value(mapping, param)?;
            eval.set(param.local, value);
        }
        if let Some(keep) = &mapping.keep {
            if !eval.eval(keep)?.is_true() {
                return Ok(out); // filtered out: no output at all
            }
        }
        let mut w = JsonWriter::new(&mut out);
        if mapping.emits.is_empty() {
            eval.write_object(&mapping.body, &mut w)?;
        } else {
            eval.let_all(&mapping.body.lets)?;
            eval.write_emits(&mapping.emits, &mut w, &mut true)?;
        }
        Ok(out)
    }
}

/// A parameter's value, as the deployment supplied it (or its default).
fn param_value<'v>(mapping: &Mapping, param: &crate::ir::Param) -> Result<Val<'v>> {
    use runtime::params::{self, ParamType};
    let (id, name, default) = (&mapping.id, &param.name, param.default.as_deref());
    let value = match param.ty {
        ParamType::Text | ParamType::CurrencyCode => {
            params::text(id, name, default).map(|s| Val::Str(Cow::Owned(s)))
        }
        ParamType::Int => params::int(id, name, default).map(Val::Int),
        ParamType::Decimal => params::decimal(id, name, default).map(Val::Dec),
        ParamType::Bool => params::boolean(id, name, default).map(Val::Bool),
    };
    let location = Location {
        file: Cow::Owned(mapping.file.clone()),
        line: param.loc.line,
        column: param.loc.column,
    };
    value.map_err(|fault| fault.at(|| "$".to_owned(), &location))
}

struct Evaluator<'m, 'v> {
    mapping: &'m Mapping,
    record: &'v Node<'v>,
    locals: Vec<Val<'v>>,
    /// What the run exercised, when coverage is asked for.
    hits: Option<coverage::Hits>,
}

type Result<T> = std::result::Result<T, RuntimeError>;

impl<'m: 'v, 'v> Evaluator<'m, 'v> {
    fn hit(&mut self, point: impl FnOnce() -> coverage::Point) {
        if let Some(hits) = &mut self.hits {
            hits.hit(point());
        }
    }

    fn location(&self, e: &'m Expr) -> Location {
        Location {
            file: Cow::Owned(self.mapping.file.clone()),
            line: e.loc.line,
            column: e.loc.column,
        }
    }

    /// Render a payload origin, e.g. `$.order.line_items[2].price`.
    fn path(&self, origin: &Origin) -> String {
        let mut path = String::from("$");
        for seg in origin {
            match seg {
                Seg::Key(k) => {
                    path.push('.');
                    path.push_str(k);
                }
                Seg::Index(i) => path.push_str(&format!("[{i}]")),
                Seg::Any => path.push_str("[*]"),
                Seg::Loop(local) => {
                    let i = match self.locals.get(*local) {
                        Some(Val::Int(i)) => *i,
                        _ => 0,
                    };
                    path.push_str(&format!("[{i}]"));
                }
            }
        }
        path
    }

    /// Attach path and location to a builtin's fault.
    fn fail(&self, fault: Fault, origin: &Origin, e: &'m Expr) -> RuntimeError {
        fault.at(|| self.path(origin), &self.location(e))
    }

    /// Faults of operators are blamed on the record itself.
    fn fail_here(&self, fault: Fault, e: &'m Expr) -> RuntimeError {
        let origin: Origin = self
            .mapping
            .at
            .iter()
            .map(|k| Seg::Key(k.clone()))
            .collect();
        self.fail(fault, &origin, e)
    }

    fn write_object(&mut self, object: &'m Object, w: &mut JsonWriter<'_>) -> Result<()> {
        self.let_all(&object.lets)?;
        w.begin_object();
        for field in &object.fields {
            self.write_field(field, w)?;
        }
        w.end_object();
        Ok(())
    }

    /// Write a field whose value builds objects straight into `w` (no
    /// temporary buffer); `false` when the field is an ordinary value.
    fn write_built(&mut self, field: &'m Field, w: &mut JsonWriter<'_>) -> Result<bool> {
        match (&field.value.kind, &field.write) {
            _ if field.value.builds_in_place() => {
                self.hit(|| coverage::Point::Field(field.value.loc, field.name.clone()));
                w.key(&field.name);
                self.write_built_value(&field.value, &field.write, w)?;
            }
            (ExprKind::With { local, value, body }, _) => {
                let ExprKind::Object(object) = &body.kind else {
                    return Ok(false);
                };
                match self.eval(value)? {
                    Val::Absent if field.absent == WhenAbsent::Omit => {}
                    Val::Absent => {
                        w.key(&field.name);
                        w.null();
                    }
                    v => {
                        self.hit(|| coverage::Point::Field(field.value.loc, field.name.clone()));
                        self.set(*local, v);
                        w.key(&field.name);
                        self.write_object(object, w)?;
                    }
                }
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Write a value that builds objects in place (see
    /// `Expr::builds_in_place`).
    fn write_built_value(
        &mut self,
        e: &'m Expr,
        write: &Write,
        w: &mut JsonWriter<'_>,
    ) -> Result<()> {
        let inner = match write {
            Write::Array(inner) => inner.as_ref(),
            other => other,
        };
        match &e.kind {
            ExprKind::Object(object) => self.write_object(object, w),
            ExprKind::For(f) => self.write_for(f, inner, w),
            ExprKind::Array(items) => {
                w.begin_array();
                for item in items {
                    self.write_built_value(item, inner, w)?;
                }
                w.end_array();
                Ok(())
            }
            ExprKind::If(cond, then, Some(otherwise)) => {
                let branch = if self.eval(cond)?.is_true() {
                    self.hit(|| coverage::Point::Then(e.loc));
                    then
                } else {
                    self.hit(|| coverage::Point::Else(e.loc));
                    otherwise
                };
                self.write_built_value(branch, write, w)
            }
            _ => {
                let v = self.eval(e)?;
                write_value(write, v, w);
                Ok(())
            }
        }
    }

    /// Bind a loop's index and element; `false` when its filter skips it.
    fn enter(&mut self, f: &'m ForLoop, index: usize, item: Val<'v>) -> Result<bool> {
        self.enter_loop(f.item, f.index, f.filter.as_ref(), index, item)
    }

    /// Bind a loop's element and index; whether its `where` holds.
    fn enter_loop(
        &mut self,
        item_local: usize,
        index_local: usize,
        filter: Option<&'m Expr>,
        index: usize,
        item: Val<'v>,
    ) -> Result<bool> {
        self.set(
            index_local,
            Val::Int(i64::try_from(index).unwrap_or(i64::MAX)),
        );
        self.set(item_local, item);
        match filter {
            Some(filter) => Ok(self.eval(filter)?.is_true()),
            None => Ok(true),
        }
    }

    fn let_all(&mut self, lets: &'m [(usize, Expr)]) -> Result<()> {
        for (local, value) in lets {
            let v = self.eval(value)?;
            self.set(*local, v);
        }
        Ok(())
    }

    /// `emit for ...`: every record, one a line (`first`: none written yet).
    fn write_emits(
        &mut self,
        emits: &'m [crate::ir::Emit],
        w: &mut JsonWriter<'_>,
        first: &mut bool,
    ) -> Result<()> {
        for emit in emits {
            let items = match self.eval(&emit.source)? {
                Val::List(items) => items,
                _ => Vec::new(),
            };
            for (i, item) in items.into_iter().enumerate() {
                if !self.enter_loop(emit.item, emit.index, emit.filter.as_ref(), i, item)? {
                    continue;
                }
                match &emit.body {
                    crate::ir::EmitBody::Record(object) => {
                        if !std::mem::take(first) {
                            w.next_record();
                        }
                        self.write_object(object, w)?;
                    }
                    crate::ir::EmitBody::Scope(lets, nested) => {
                        self.let_all(lets)?;
                        self.write_emits(nested, w, first)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// `for ... { object }` written element by element.
    fn write_for(&mut self, f: &'m ForLoop, inner: &Write, w: &mut JsonWriter<'_>) -> Result<()> {
        let items = match self.eval(&f.source)? {
            Val::List(items) => items,
            _ => Vec::new(),
        };
        w.begin_array();
        for (i, item) in items.into_iter().enumerate() {
            if !self.enter(f, i, item)? {
                continue;
            }
            match &f.body.kind {
                ExprKind::Object(object) => self.write_object(object, w)?,
                _ => write_value(inner, self.eval(&f.body)?, w),
            }
        }
        w.end_array();
        Ok(())
    }

    fn write_field(&mut self, field: &'m Field, w: &mut JsonWriter<'_>) -> Result<()> {
        if self.write_built(field, w)? {
            return Ok(());
        }
        let v = self.eval(&field.value)?;
        if let Val::Absent = v {
            if field.absent != WhenAbsent::Omit {
                w.key(&field.name);
                w.null();
            }
            return Ok(());
        }
        if let (Some(allowed), Val::Str(s)) = (&field.allowed, &v) {
            let allowed: Vec<&str> = allowed.iter().map(String::as_str).collect();
            Fault::check_allowed(s, &allowed)
                .map_err(|f| self.fail(f, &field.origin, &field.value))?;
        }
        self.hit(|| coverage::Point::Field(field.value.loc, field.name.clone()));
        w.key(&field.name);
        write_value(&field.write, v, w);
        Ok(())
    }

    fn set(&mut self, local: usize, v: Val<'v>) {
        if let Some(slot) = self.locals.get_mut(local) {
            *slot = v;
        }
    }

    fn eval(&mut self, e: &'m Expr) -> Result<Val<'v>> {
        match &e.kind {
            ExprKind::Lit(lit) => Ok(Val::from_lit(lit)),
            ExprKind::Path { base, steps, .. } => self.eval_path(*base, steps, e),
            ExprKind::Local(local) => Ok(self.locals.get(*local).cloned().unwrap_or(Val::Absent)),
            ExprKind::Unary(op, x) => self.eval_unary(*op, x, e),
            ExprKind::Binary(op, a, b) => self.eval_binary(*op, a, b, e),
            ExprKind::Assert(x, origin) => match self.eval(x)? {
                Val::Absent => Err(self.fail(Fault::missing(), origin, e)),
                v => Ok(v),
            },
            ExprKind::Call(callee, args, origin) => self.eval_call(*callee, args, origin, e),
            ExprKind::If(c, a, b) => match (self.eval(c)?, b) {
                (Val::Bool(true), _) => {
                    self.hit(|| coverage::Point::Then(e.loc));
                    self.eval(a)
                }
                (_, Some(b)) => {
                    self.hit(|| coverage::Point::Else(e.loc));
                    self.eval(b)
                }
                (_, None) => {
                    self.hit(|| coverage::Point::Else(e.loc));
                    Ok(Val::Absent)
                }
            },
            ExprKind::Match {
                scrutinee,
                arms,
                otherwise,
                origin,
            } => {
                let x = self.eval(scrutinee)?;
                for (i, (patterns, value)) in arms.iter().enumerate() {
                    if patterns.iter().any(|p| Val::from_lit(p) == x) {
                        self.hit(|| coverage::Point::Arm(e.loc, i));
                        return self.eval(value);
                    }
                }
                match otherwise {
                    Some(o) => {
                        self.hit(|| coverage::Point::Otherwise(e.loc));
                        self.eval(o)
                    }
                    None => Err(self.fail(Fault::no_arm(&x.describe()), origin, e)),
                }
            }
            ExprKind::Lookup(table, key, origin, on_miss) => {
                self.eval_lookup(*table, key, origin, *on_miss, e)
            }
            ExprKind::For(f) => self.eval_for(f),
            ExprKind::With { local, value, body } => match self.eval(value)? {
                Val::Absent => Ok(Val::Absent),
                v => {
                    self.set(*local, v);
                    self.eval(body)
                }
            },
            ExprKind::Object(object) => {
                let mut out = Vec::with_capacity(256);
                self.write_object(object, &mut JsonWriter::new(&mut out))?;
                Ok(Val::Raw(out))
            }
            ExprKind::Array(items) => {
                let items = items.iter().map(|i| self.eval(i)).collect::<Result<_>>()?;
                Ok(Val::List(items))
            }
        }
    }

    fn eval_path(&mut self, base: Base, steps: &'m [Step], e: &'m Expr) -> Result<Val<'v>> {
        let mut node: &'v Node<'v> = match base {
            Base::Record => self.record,
            Base::Local(local) => match self.locals.get(local) {
                Some(Val::Node(v)) => v,
                _ => return Ok(Val::Absent),
            },
        };
        for step in steps {
            let next = match step {
                Step::Field { name, .. } => node.get(name),
                Step::Index(i) => usize::try_from(*i).ok().and_then(|i| node.at(i)),
            };
            match next {
                Some(Node::Null) | None => return Ok(Val::Absent),
                Some(v) => node = v,
            }
        }
        Val::from_node(node, &e.ty).ok_or_else(|| {
            let fault = Fault::new(ErrorCode::SchemaMismatch, format!("expected {}", e.ty));
            self.fail_here(fault, e)
        })
    }

    /// `has(.a.b)`: the key `b` is in object `.a`, even with a null value.
    fn has(&self, path: &'m Expr) -> bool {
        let ExprKind::Path { base, steps, .. } = &path.kind else {
            return false;
        };
        let Some((Step::Field { name, .. }, parents)) = steps.split_last() else {
            return false;
        };
        let mut node: &Node<'_> = match base {
            Base::Record => self.record,
            Base::Local(local) => match self.locals.get(*local) {
                Some(Val::Node(v)) => v,
                _ => return false,
            },
        };
        for step in parents {
            let next = match step {
                Step::Field { name, .. } => node.get(name),
                Step::Index(i) => usize::try_from(*i).ok().and_then(|i| node.at(i)),
            };
            match next {
                Some(Node::Null) | None => return false,
                Some(v) => node = v,
            }
        }
        node.get(name).is_some()
    }

    fn eval_unary(&mut self, op: Unary, x: &'m Expr, e: &'m Expr) -> Result<Val<'v>> {
        Ok(match (op, self.eval(x)?) {
            (Unary::NegInt, Val::Int(i)) => {
                Val::Int(decimal::neg_int(i).map_err(|f| self.fail_here(f, e))?)
            }
            (Unary::NegDecimal, Val::Dec(d)) => Val::Dec(-d),
            (Unary::Not, Val::Bool(b)) => Val::Bool(!b),
            _ => Val::Absent,
        })
    }

    fn eval_binary(
        &mut self,
        op: Binary,
        a: &'m Expr,
        b: &'m Expr,
        e: &'m Expr,
    ) -> Result<Val<'v>> {
        match op {
            Binary::Default => match self.eval(a)? {
                Val::Absent => self.eval(b),
                v => Ok(v),
            },
            Binary::And => Ok(Val::Bool(
                self.eval(a)?.is_true() && self.eval(b)?.is_true(),
            )),
            Binary::Or => Ok(Val::Bool(
                self.eval(a)?.is_true() || self.eval(b)?.is_true(),
            )),
            _ => {
                let (x, y) = (self.eval(a)?, self.eval(b)?);
                self.apply(op, x, y).map_err(|f| self.fail_here(f, e))
            }
        }
    }

    fn apply(&self, op: Binary, x: Val<'v>, y: Val<'v>) -> std::result::Result<Val<'v>, Fault> {
        Ok(match (op, x, y) {
            (Binary::Eq, x, y) => Val::Bool(x == y),
            (Binary::Ne, x, y) => Val::Bool(x != y),
            (Binary::Lt, x, y) => Val::Bool(x.compare(&y).is_lt()),
            (Binary::Le, x, y) => Val::Bool(x.compare(&y).is_le()),
            (Binary::Gt, x, y) => Val::Bool(x.compare(&y).is_gt()),
            (Binary::Ge, x, y) => Val::Bool(x.compare(&y).is_ge()),
            (Binary::Concat, Val::Str(a), Val::Str(b)) => {
                Val::Str(Cow::Owned(runtime::text::concat(&a, &b)))
            }
            (Binary::Int(c), Val::Int(a), Val::Int(b)) => Val::Int(decimal::int_op(a, b, c)?),
            (Binary::Decimal(c), x, y) => {
                let (a, b) = (x.to_decimal(), y.to_decimal());
                Val::Dec(match c {
                    '+' => decimal::add(a, b)?,
                    '-' => decimal::sub(a, b)?,
                    '*' => decimal::mul(a, b)?,
                    _ => decimal::div(a, b)?,
                })
            }
            (Binary::Money('+'), Val::Money(a), Val::Money(b)) => Val::Money(a.checked_add(b)?),
            (Binary::Money(_), Val::Money(a), Val::Money(b)) => Val::Money(a.checked_sub(b)?),
            _ => Val::Absent,
        })
    }

    fn eval_lookup(
        &mut self,
        table: usize,
        key: &'m Expr,
        origin: &Origin,
        on_miss: OnMiss,
        e: &'m Expr,
    ) -> Result<Val<'v>> {
        let Val::Str(k) = self.eval(key)? else {
            return Ok(Val::Absent);
        };
        let table_id = table;
        let Some(table) = self.mapping.tables.get(table) else {
            return Ok(Val::Absent);
        };
        match (table.entries.get(k.as_ref()), on_miss) {
            (Some(lit), _) => {
                if let Some(hits) = &mut self.hits {
                    hits.hit(coverage::Point::TableKey(table_id, k.to_string()));
                }
                Ok(Val::from_lit(lit))
            }
            (None, OnMiss::Absent) => Ok(Val::Absent),
            (None, OnMiss::Fail) => Err(self.fail(Fault::table_miss(&table.name, &k), origin, e)),
        }
    }

    fn eval_for(&mut self, f: &'m ForLoop) -> Result<Val<'v>> {
        let Val::List(items) = self.eval(&f.source)? else {
            return Ok(Val::List(Vec::new()));
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            if self.enter(f, i, item)? {
                out.push(self.eval(&f.body)?);
            }
        }
        Ok(Val::List(out))
    }
}

/// Write a present value the way the checker decided.
fn write_value(write: &Write, v: Val<'_>, w: &mut JsonWriter<'_>) {
    match (write, v) {
        (Write::String, Val::Str(s)) => w.string(&s),
        (Write::DecimalString, v) => w.decimal_string(v.to_decimal()),
        (Write::DecimalNumber, v) => w.decimal_number(v.to_decimal()),
        (Write::Int, Val::Int(i)) => w.int(i),
        (Write::Bool, Val::Bool(b)) => w.bool(b),
        (Write::Timestamp, Val::Ts(t)) => w.timestamp(t),
        (Write::Money, Val::Money(m)) => w.money(&m),
        (Write::Object, Val::Raw(json)) => w.raw(&json),
        (Write::Array(inner), Val::List(items)) => {
            w.begin_array();
            for item in items {
                write_value(inner, item, w);
            }
            w.end_array();
        }
        _ => w.null(),
    }
}
