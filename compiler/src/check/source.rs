//! Source paths: resolving `.field` against the source schema and recording
//! each read in the shape of its object.

use super::{CheckErrorKind, Checker, Hint, SourceTypeProblem};
use crate::ir::{Base, Expr, ExprKind, Origin, Seg, Shape, ShapeField, ShapeId, Step, Ty};
use crate::schema::{Kind, Node};
use crate::syntax::ast::Ident;

impl<'a> Checker<'a> {
    /// The shape of a source object schema: one per set of declared fields
    /// (a nullable wrapper of `Address` reads like `Address`; a recursive
    /// schema gives a shape holding itself).
    pub(crate) fn shape_for(&mut self, node: Node<'a>) -> ShapeId {
        if let Some(id) = self.shape_nodes.iter().position(|n| n.same_fields(node)) {
            return id;
        }
        self.shapes.push(Shape {
            origin: node.origin.clone(),
            ..Shape::default()
        });
        self.shape_nodes.push(node);
        self.shapes.len() - 1
    }

    /// Whether `node` loaded; if not, its loading error is reported where
    /// the mapping reads it.
    pub(crate) fn loaded(&mut self, node: Node<'a>, span: crate::span::Span) -> bool {
        let Some(why) = &node.schema().broken else {
            return true;
        };
        self.error(CheckErrorKind::BrokenSchema((**why).clone()), span);
        false
    }

    /// The value type of a source schema node.
    fn source_ty(&mut self, node: Node<'a>, field: &Ident) -> Option<Ty> {
        if !self.loaded(node, field.span) {
            return None;
        }
        let unsupported = |problem, at: Node<'a>| CheckErrorKind::UnsupportedSourceType {
            field: field.name.clone(),
            problem,
            schema: at.origin.clone(),
        };
        let ty = match node.single_kind() {
            Some(Kind::String) => Ty::String,
            Some(Kind::Integer) => Ty::Int,
            Some(Kind::Number) => Ty::Decimal,
            Some(Kind::Boolean) => Ty::Bool,
            Some(Kind::Object) => Ty::Source(self.shape_for(node)),
            Some(Kind::Array) => {
                // No `items`: elements of any type, counted but not read.
                let Some(items) = node.items() else {
                    return Some(Ty::Array(Box::new(Ty::Opaque)));
                };
                if items.nullable() {
                    let problem = SourceTypeProblem::NullableItems;
                    self.error(unsupported(problem, items), field.span);
                    return None;
                }
                Ty::Array(Box::new(self.source_ty(items, field)?))
            }
            Some(Kind::Null) => Ty::Null,
            None if node.kinds == [Kind::Null] => Ty::Null,
            None => {
                let problem = match node.non_null_kinds().as_slice() {
                    [] => SourceTypeProblem::NoType,
                    // An integer is a number.
                    kinds
                        if kinds
                            .iter()
                            .all(|k| matches!(k, Kind::Integer | Kind::Number)) =>
                    {
                        return Some(Ty::Decimal)
                    }
                    // `["string", "integer"]`: its text, read through a
                    // conversion.
                    kinds if kinds.iter().all(|k| k.is_scalar()) => return Some(Ty::Scalar),
                    kinds => {
                        SourceTypeProblem::SeveralTypes(kinds.iter().map(|k| k.name()).collect())
                    }
                };
                self.error(unsupported(problem, node), field.span);
                return None;
            }
        };
        Some(ty)
    }

    /// Read `.name` from an object of shape `shape`: its type and whether it
    /// may be missing or null.
    pub(crate) fn read_field(&mut self, shape: ShapeId, name: &Ident) -> Option<(Ty, bool)> {
        let node = *self.shape_nodes.get(shape)?;
        let Some(prop) = node.property(&name.name) else {
            let names = node.properties.iter().map(|(n, _)| n.as_str());
            self.error(
                CheckErrorKind::UnknownSourceField {
                    name: name.name.clone(),
                    candidates: super::similar(&name.name, names),
                    schema: node.origin.clone(),
                },
                name.span,
            );
            return None;
        };
        let optional = !node.requires(&name.name) || prop.nullable();
        let ty = self.source_ty(prop, name)?;
        if let Some(shape) = self.shapes.get_mut(shape) {
            let presence = shape.fields.get(&name.name).is_some_and(|f| f.presence);
            let field = ShapeField {
                ty: ty.clone(),
                optional,
                presence,
            };
            shape.fields.insert(name.name.clone(), field);
        }
        Some((ty, optional))
    }

    /// Extend a source path (or start one at a local) with `.name`.
    pub(crate) fn extend_path(&mut self, base: Expr, name: &Ident) -> Option<Expr> {
        let Ty::Source(shape) = base.ty else {
            self.error(
                CheckErrorKind::TypeMismatch {
                    expected: "a source object".into(),
                    found: base.ty.to_string(),
                    hint: Some(Hint::FieldOfPayloadObject {
                        field: name.name.clone(),
                    }),
                    argument: None,
                },
                base.span,
            );
            return None;
        };
        let (ty, field_optional) = self.read_field(shape, name)?;
        let step = Step::Field {
            name: name.name.clone(),
            optional: field_optional,
        };
        let (path_base, base_optional, steps) = match base.kind {
            ExprKind::Path {
                base,
                base_optional,
                mut steps,
            } => {
                steps.push(step);
                (base, base_optional, steps)
            }
            ExprKind::Local(local) => (Base::Local(local), base.optional, vec![step]),
            _ => {
                self.error(
                    CheckErrorKind::TypeMismatch {
                        expected: "a path or a name".into(),
                        found: "a computed object".into(),
                        hint: Some(Hint::BindComputedObject),
                        argument: None,
                    },
                    base.span,
                );
                return None;
            }
        };
        let span = base.span.to(name.span);
        Some(Expr {
            kind: ExprKind::Path {
                base: path_base,
                base_optional,
                steps,
            },
            ty,
            optional: base.optional || field_optional,
            loc: self.loc(span),
            span,
        })
    }

    /// The payload origin of a value: where to point when it is bad.
    pub(crate) fn origin_of(&mut self, expr: &Expr) -> Origin {
        match &expr.kind {
            ExprKind::Path { base, steps, .. } => {
                let mut origin = match base {
                    Base::Record => self.record_origin(),
                    Base::Local(local) => self.local_origin(*local),
                };
                origin.extend(steps.iter().map(|s| match s {
                    Step::Field { name, .. } => Seg::Key(name.clone()),
                    Step::Index(i) => Seg::Index(*i),
                }));
                origin
            }
            ExprKind::Local(local) => self.local_origin(*local),
            ExprKind::Binary(_, a, _) | ExprKind::Assert(a, _) | ExprKind::Unary(_, a) => {
                self.origin_of(a)
            }
            // A group holds elements of the array grouped, from anywhere
            // in it.
            ExprKind::Call(callee, args, _) if callee.builtin == crate::ir::Builtin::GroupBy => {
                let mut origin = match args.first() {
                    Some(first) => self.origin_of(first),
                    None => self.record_origin(),
                };
                if origin.last() != Some(&Seg::Any) {
                    origin.push(Seg::Any);
                }
                origin
            }
            ExprKind::Call(_, args, _) => match args.first() {
                Some(first) => self.origin_of(first),
                None => self.record_origin(),
            },
            // A list built by a `for`: where its elements come from, with
            // `[*]` for the loop's position.
            ExprKind::For(f) => self
                .origin_of(&f.body)
                .into_iter()
                .map(|seg| match seg {
                    Seg::Loop(local) if local == f.index => Seg::Any,
                    other => other,
                })
                .collect(),
            _ => self.record_origin(),
        }
    }

    /// The shape holding the last field of a source path.
    pub(crate) fn parent_shape(&self, expr: &Expr) -> Option<(ShapeId, String)> {
        let ExprKind::Path { base, steps, .. } = &expr.kind else {
            return None;
        };
        let (last, parents) = steps.split_last()?;
        let Step::Field { name, .. } = last else {
            return None;
        };
        let mut shape = match base {
            Base::Record => 0,
            Base::Local(local) => match self.local_types.get(*local)? {
                Ty::Source(s) => *s,
                _ => return None,
            },
        };
        for step in parents {
            let Step::Field { name, .. } = step else {
                return None;
            };
            shape = match &self.shapes.get(shape)?.fields.get(name)?.ty {
                Ty::Source(s) => *s,
                _ => return None,
            };
        }
        Some((shape, name.clone()))
    }

    /// The schema node a source path leads to (for enums).
    pub(crate) fn path_node(&self, expr: &Expr) -> Option<Node<'a>> {
        let ExprKind::Path { base, steps, .. } = &expr.kind else {
            // `.status!` is still `.status`.
            return match &expr.kind {
                ExprKind::Assert(inner, _) => self.path_node(inner),
                _ => None,
            };
        };
        let mut node = match base {
            Base::Record => *self.shape_nodes.first()?,
            Base::Local(local) => (*self.local_nodes.get(*local)?)?,
        };
        for step in steps {
            node = match step {
                Step::Field { name, .. } => node.property(name)?,
                Step::Index(_) => node.items()?,
            };
        }
        Some(node)
    }
}
