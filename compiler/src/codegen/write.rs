//! Output statements: canonical fields written straight into the output
//! buffer in target-schema order, without building intermediate values.

use super::{expr, ident, Generator, Stmt};
use crate::ir::{Binary, Expr, ExprKind, Field, Lit, Object, Ty, WhenAbsent, Write};

fn line(text: impl Into<String>) -> Stmt {
    Stmt::Line(text.into())
}

/// `some` with `name` bound when the optional `code` is present, else
/// `none` (an `if let` when there is nothing to do then).
fn when_present(code: &str, name: &str, some: Vec<Stmt>, none: Vec<Stmt>) -> Stmt {
    let used = super::mentions(&super::stmts_text(&some), name);
    let name = if used { name } else { "_" };
    if none.is_empty() {
        let head = if used {
            format!("if let Some({name}) = {code}")
        } else {
            format!("if {code}.is_some()")
        };
        return Stmt::Block(head, some, String::new());
    }
    Stmt::Block(
        format!("match {code}"),
        vec![
            Stmt::Block(format!("Some({name}) =>"), some, String::new()),
            Stmt::Block("None =>".to_owned(), none, String::new()),
        ],
        String::new(),
    )
}

impl Generator<'_> {
    /// Statements writing the whole canonical record.
    pub(crate) fn write_record(&mut self) -> Vec<Stmt> {
        let mut out = Vec::new();
        for param in &self.mapping.params {
            out.push(line(self.param_value(param)));
        }
        if let Some(keep) = &self.mapping.keep {
            // Filtered out: nothing is written, not even a record.
            let cond = self.expr(keep);
            out.push(line(format!("if !({cond}) {{ return Ok(()); }}")));
        }
        let body = &self.mapping.body;
        if self.mapping.emits.is_empty() {
            out.extend(self.write_object(body));
        } else {
            out.extend(self.write_lets(&body.lets));
            let first = self.temp();
            out.push(line(format!("let mut {first} = true;")));
            out.extend(self.write_emits(&self.mapping.emits, &first));
        }
        out
    }

    /// `emit for ...`: a loop per emit writing each record, one a line
    /// (`first` names the flag of no record written yet).
    fn write_emits(&mut self, emits: &[crate::ir::Emit], first: &str) -> Vec<Stmt> {
        let mut out = Vec::new();
        for emit in emits {
            let source = self.expr(&emit.source);
            let mut body = Vec::new();
            if let Some(cond) = &emit.filter {
                let cond = self.expr(cond);
                body.push(line(format!("if !({cond}) {{ continue; }}")));
            }
            match &emit.body {
                crate::ir::EmitBody::Record(object) => {
                    body.push(Stmt::Block(
                        format!("if !std::mem::take(&mut {first})"),
                        vec![line("w.next_record();")],
                        String::new(),
                    ));
                    body.extend(self.write_object(object));
                }
                crate::ir::EmitBody::Scope(lets, nested) => {
                    body.extend(self.write_lets(lets));
                    body.extend(self.write_emits(nested, first));
                }
            }
            let text = super::stmts_text(&body);
            let (head, index) =
                self.loop_head_of(emit.item, emit.index, &emit.source.ty, &source, &text);
            body.splice(0..0, index.map(line));
            out.push(Stmt::Block(head, body, String::new()));
        }
        out
    }

    /// `let <name> = <its supplied value>;` of a mapping parameter.
    fn param_value(&mut self, param: &crate::ir::Param) -> String {
        use runtime::params::ParamType;
        let (function, ty, wrap) = match param.ty {
            ParamType::Text | ParamType::CurrencyCode => ("text", "Str<'static>", "Str::Owned"),
            ParamType::Int => ("int", "i64", ""),
            ParamType::Decimal => ("decimal", "Decimal", ""),
            ParamType::Bool => ("boolean", "bool", ""),
        };
        let default = ident::optional_string_literal(param.default.as_deref());
        let name = ident::string_literal(&param.name);
        let location = self.location(param.loc);
        let read = format!(
            "runtime::params::{function}(ID, {name}, {default}).map_err(|f| f.at(|| String::from(\"$\"), &{location}))?"
        );
        let value = if wrap.is_empty() {
            read
        } else {
            format!("{wrap}({read})")
        };
        format!("let {}: {ty} = {value};", self.local(param.local))
    }

    fn write_object(&mut self, object: &Object) -> Vec<Stmt> {
        let mut out = self.write_lets(&object.lets);
        out.extend(self.write_fields(object));
        out
    }

    /// `let`s, in order.
    fn write_lets(&mut self, lets: &[(usize, Expr)]) -> Vec<Stmt> {
        let mut out = Vec::new();
        for (local, value) in lets {
            let code = self.expr(value);
            // Source objects picked by a `for` are references into the
            // payload: the local borrows the vector that holds them.
            let picked = match &value.kind {
                ExprKind::For(_) => true,
                ExprKind::Call(callee, _, _) => callee.builtin == crate::ir::Builtin::Flatten,
                _ => false,
            };
            if let (Ty::Array(elem), false, true) = (&value.ty, value.optional, picked) {
                if let Ty::Source(_) = **elem {
                    // A list picked from a picked list holds references to
                    // references: left to inference, field access derefs.
                    let name = self.local(*local);
                    out.push(line(format!("let {name}_picked: Vec<_> = {code};")));
                    out.push(line(format!("let {name} = {name}_picked.as_slice();")));
                    continue;
                }
            }
            // Groups hold what their array holds (payload objects by
            // reference): the element type is left to inference.
            let grouped = matches!(&value.kind,
                ExprKind::Call(callee, _, _) if callee.builtin == crate::ir::Builtin::GroupBy);
            if grouped && !value.optional {
                let name = self.local(*local);
                out.push(line(format!("let {name}: Vec<Vec<_>> = {code};")));
                continue;
            }
            let ty = super::expr::repr(self.mapping, &value.ty, value.optional);
            out.push(line(format!("let {}: {ty} = {code};", self.local(*local))));
        }
        out
    }

    /// An object's fields, in target-schema order.
    fn write_fields(&mut self, object: &Object) -> Vec<Stmt> {
        let mut out = Vec::new();
        out.push(line("w.begin_object();"));
        // Whether a comma is due before the next key, when that is known
        // here: it is after a field that is always written.
        let mut comma_due = Some(false);
        for field in &object.fields {
            out.push(line(format!("// {}", field.name)));
            out.extend(self.write_maybe(&field.value, field, &Self::key(field, comma_due)));
            let always = !field.value.optional || field.absent != WhenAbsent::Omit;
            comma_due = match comma_due {
                Some(true) => Some(true),
                _ if always => Some(true),
                _ => None,
            };
        }
        out.push(line("w.end_object();"));
        out
    }

    /// The statement writing `field`'s key: with its comma (or none) baked
    /// in when `comma_due` is known, else the writer decides.
    fn key(field: &Field, comma_due: Option<bool>) -> Stmt {
        let encoded = runtime::json_out::encode_key(&field.name);
        let (method, comma) = match comma_due {
            Some(due) => ("key_placed", if due { "," } else { "" }),
            None => ("key_encoded", ""),
        };
        line(format!(
            "w.{method}({});",
            ident::byte_string_literal(&format!("{comma}{encoded}"))
        ))
    }

    fn absent(field: &Field, key: &Stmt) -> Vec<Stmt> {
        match field.absent {
            WhenAbsent::Null | WhenAbsent::Never => vec![key.clone(), line("w.null();")],
            WhenAbsent::Omit => Vec::new(),
        }
    }

    /// The enum check of a string field, on a present value in `var`.
    fn enum_check(&mut self, field: &Field, var: &str) -> Vec<Stmt> {
        let Some(allowed) = &field.allowed else {
            return Vec::new();
        };
        let list: Vec<String> = allowed.iter().map(|a| ident::string_literal(a)).collect();
        let blame = self.blame(&field.origin, field.value.loc);
        vec![line(format!(
            "Fault::check_allowed(&{var}, &[{}]){blame};",
            list.join(", ")
        ))]
    }

    /// Write `value` for `field` (its key written by `key`), handling
    /// absence.
    fn write_maybe(&mut self, value: &Expr, field: &Field, key: &Stmt) -> Vec<Stmt> {
        if !value.optional {
            if field.allowed.is_some() {
                let code = self.expr(value);
                let mut out = vec![line(format!("let t: Str<'_> = {code};"))];
                out.extend(self.enum_check(field, "t"));
                out.push(key.clone());
                out.extend(self.write_scalar("t", &field.write, &value.ty));
                return vec![Stmt::Block(String::new(), out, String::new())];
            }
            let mut out = vec![key.clone()];
            out.extend(self.write_present(value, &field.write));
            return out;
        }
        if let ExprKind::With {
            local,
            value: bound,
            body,
        } = &value.kind
        {
            let code = self.expr(bound);
            let some = self.write_maybe(body, field, key);
            let name = self.local(*local);
            return vec![when_present(&code, &name, some, Self::absent(field, key))];
        }
        if let (None, Write::String, Some((code, true))) =
            (&field.allowed, &field.write, self.source_string(value))
        {
            let some = vec![key.clone(), line("w.source_string(t);")];
            return vec![when_present(&code, "t", some, Self::absent(field, key))];
        }
        let code = self.expr(value);
        let mut some = self.enum_check(field, "t");
        some.push(key.clone());
        some.extend(self.write_scalar("t", &field.write, &value.ty));
        vec![when_present(&code, "t", some, Self::absent(field, key))]
    }

    /// The payload string `value` reads, as code of type `&JsonStr` (or
    /// `Option<&JsonStr>` when it may be absent, the `bool`), for
    /// `w.source_string`: text read without escapes is written as it is.
    fn source_string(&self, value: &Expr) -> Option<(String, bool)> {
        match &value.kind {
            ExprKind::Path {
                base,
                base_optional,
                steps,
            } if value.ty == Ty::String => {
                let (code, optional, _) = self.walk(*base, *base_optional, steps);
                // A present field is a place: borrowed for the writer.
                Some((if optional { code } else { format!("&{code}") }, optional))
            }
            _ => None,
        }
    }

    /// Write a value that is present.
    fn write_present(&mut self, value: &Expr, write: &Write) -> Vec<Stmt> {
        if *write == Write::String {
            if let Some((code, false)) = self.source_string(value) {
                return vec![line(format!("w.source_string({code});"))];
            }
            // A literal is encoded here, once.
            if let ExprKind::Lit(Lit::String(text)) = &value.kind {
                let mut encoded = Vec::new();
                runtime::JsonWriter::new(&mut encoded).string(text);
                let encoded = String::from_utf8_lossy(&encoded);
                return vec![line(format!(
                    "w.raw({});",
                    ident::byte_string_literal(&encoded)
                ))];
            }
        }
        match (&value.kind, write) {
            (ExprKind::Object(object), _) => {
                vec![Stmt::Block(
                    String::new(),
                    self.write_object(object),
                    String::new(),
                )]
            }
            (ExprKind::For(f), Write::Array(inner)) => {
                let source = self.expr(&f.source);
                let mut body = Vec::new();
                if let Some(cond) = &f.filter {
                    let cond = self.expr(cond);
                    body.push(line(format!("if !({cond}) {{ continue; }}")));
                }
                body.extend(self.write_present(&f.body, inner));
                let (head, index) = self.loop_head(f, &source, &super::stmts_text(&body));
                body.splice(0..0, index.map(line));
                vec![
                    line("w.begin_array();"),
                    Stmt::Block(head, body, String::new()),
                    line("w.end_array();"),
                ]
            }
            (ExprKind::If(cond, then, Some(otherwise)), _) if value.builds_in_place() => {
                let cond = self.expr(cond);
                vec![
                    Stmt::Block(
                        format!("if {cond}"),
                        self.write_present(then, write),
                        String::new(),
                    ),
                    Stmt::Block(
                        "else".to_owned(),
                        self.write_present(otherwise, write),
                        String::new(),
                    ),
                ]
            }
            (ExprKind::Array(items), Write::Array(inner)) if value.builds_in_place() => {
                let mut out = vec![line("w.begin_array();")];
                for item in items {
                    out.extend(self.write_present(item, inner));
                }
                out.push(line("w.end_array();"));
                out
            }
            // A `++` chain is written part by part, never built; so is the
            // text of a number or an instant.
            (kind, Write::String)
                if matches!(kind, ExprKind::Binary(Binary::Concat, ..))
                    || expr::formatted_value(value).is_some() =>
            {
                let parts = self.concat_parts(value);
                vec![line(format!("w.string_parts(&[{}]);", parts.join(", ")))]
            }
            // Writing a string only borrows it: no clone of a `let`.
            (ExprKind::Local(local), Write::String) => {
                let name = self.local(*local);
                self.write_scalar(&name, write, &value.ty)
            }
            _ => {
                let code = self.expr(value);
                self.write_scalar(&code, write, &value.ty)
            }
        }
    }

    /// Write a computed value held in (or computed by) `code`.
    fn write_scalar(&mut self, code: &str, write: &Write, ty: &Ty) -> Vec<Stmt> {
        let decimal = || {
            if *ty == Ty::Int {
                format!("Decimal::from({code})")
            } else {
                code.to_owned()
            }
        };
        let text = match write {
            Write::String => format!("w.string(&{code});"),
            Write::DecimalString => format!("w.decimal_string({});", decimal()),
            Write::DecimalNumber => format!("w.decimal_number({});", decimal()),
            Write::Int => format!("w.int({code});"),
            Write::Bool => format!("w.bool({code});"),
            Write::Timestamp => format!("w.timestamp({code});"),
            Write::Money => format!("w.money(&{code});"),
            Write::Null | Write::Object => "w.null();".to_owned(),
            Write::Array(inner) => {
                let elem = match ty {
                    Ty::Array(elem) => (**elem).clone(),
                    other => other.clone(),
                };
                let item = self.temp();
                let body = self.write_scalar(&item, inner, &elem);
                return vec![
                    line("w.begin_array();"),
                    Stmt::Block(format!("for {item} in {code}"), body, String::new()),
                    line("w.end_array();"),
                ];
            }
        };
        vec![line(text)]
    }
}
