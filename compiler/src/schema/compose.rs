//! Composition: `allOf` (and `$ref` beside other keywords) merges schemas
//! into one that admits what all of them admit; `anyOf` / `oneOf` read as
//! one schema that admits what any branch admits, so a union of object
//! shapes is one object whose fields are required only where every branch
//! requires them, and a `const` discriminator becomes an enum over the
//! branches.

use super::load::{Loader, SchemaError, SchemaErrorKind};
use super::node::{Kind, NodeId, Schema};

impl Loader<'_> {
    /// The keywords of a finished node; a node still being read is one
    /// composed into itself, which nothing can type.
    pub(super) fn settled(&mut self, id: NodeId, here: &str) -> Result<Schema, SchemaError> {
        if let Some(why) = &self.graph.get(id).broken {
            return Err((**why).clone());
        }
        if self.building.contains(&id) {
            self.waited = true;
            let target = self.graph.get(id).origin.clone();
            return Err(SchemaError {
                kind: SchemaErrorKind::Recursive(target),
                origin: here.to_owned(),
            });
        }
        Ok(self.graph.get(id).clone())
    }

    /// `a` and `b` both hold (`allOf`): types intersected, properties and
    /// `required` united, a property both declare merged.
    pub(super) fn merge(&mut self, mut a: Schema, b: &Schema) -> Result<Schema, SchemaError> {
        a.kinds = match (a.kinds.is_empty(), b.kinds.is_empty()) {
            (_, true) => a.kinds,
            (true, false) => b.kinds.clone(),
            (false, false) => {
                let both = intersect(&a.kinds, &b.kinds);
                if both.is_empty() {
                    return Err(SchemaError {
                        kind: SchemaErrorKind::NoCommonType(a.kinds, b.kinds.clone()),
                        origin: a.origin,
                    });
                }
                both
            }
        };
        a.format = a.format.or_else(|| b.format.clone());
        a.enumeration = match (a.enumeration, &b.enumeration) {
            (Some(mine), Some(theirs)) => {
                Some(mine.into_iter().filter(|v| theirs.contains(v)).collect())
            }
            (mine, theirs) => mine.or_else(|| theirs.clone()),
        };
        for (name, id) in &b.properties {
            match a.declared(name) {
                Some(mine) => {
                    let merged = self.merged(mine, *id, &a.origin)?;
                    if let Some(slot) = a.properties.iter_mut().find(|(n, _)| n == name) {
                        slot.1 = merged;
                    }
                }
                None => a.properties.push((name.clone(), *id)),
            }
        }
        for name in &b.required {
            if !a.requires(name) {
                a.required.push(name.clone());
            }
        }
        a.items = self.merged_option(a.items, b.items, &a.origin)?;
        a.additional = self.merged_option(a.additional, b.additional, &a.origin)?;
        if a.branches.is_empty() {
            a.branches.clone_from(&b.branches);
        }
        a.description = a.description.or_else(|| b.description.clone());
        a.title = a.title.or_else(|| b.title.clone());
        Ok(a)
    }

    fn merged_option(
        &mut self,
        a: Option<NodeId>,
        b: Option<NodeId>,
        here: &str,
    ) -> Result<Option<NodeId>, SchemaError> {
        Ok(match (a, b) {
            (Some(a), Some(b)) => Some(self.merged(a, b, here)?),
            (a, b) => a.or(b),
        })
    }

    /// The node for "both `a` and `b`", built once per pair.
    fn merged(&mut self, a: NodeId, b: NodeId, here: &str) -> Result<NodeId, SchemaError> {
        if a == b {
            return Ok(a);
        }
        let key = ('&', vec![a, b]);
        if let Some(id) = self.composed.get(&key) {
            return Ok(*id);
        }
        let left = self.settled(a, here)?;
        let right = self.settled(b, here)?;
        let schema = self.merge(left, &right)?;
        let id = self.graph.add(schema);
        self.composed.insert(key, id);
        Ok(id)
    }

    /// One node admitting what any of `branches` admits (`anyOf`/`oneOf`).
    pub(super) fn union(&mut self, branches: &[NodeId], here: &str) -> Result<NodeId, SchemaError> {
        let mut ids = branches.to_vec();
        ids.dedup();
        if let [one] = ids.as_slice() {
            return Ok(*one);
        }
        let key = ('|', ids.clone());
        if let Some(id) = self.composed.get(&key) {
            return Ok(*id);
        }
        let mut all = Vec::new();
        for id in &ids {
            all.push(self.settled(*id, here)?);
        }
        let has_null = all.iter().any(|s| s.kinds == [Kind::Null]);
        let mut rest: Vec<Schema> = Vec::new();
        let mut shapes: Vec<NodeId> = Vec::new();
        for (id, schema) in ids.iter().zip(all).filter(|(_, s)| s.kinds != [Kind::Null]) {
            // The same schema reached twice (once nullable): one branch.
            match rest.iter_mut().find(|r| same_shape(r, &schema)) {
                Some(seen) => {
                    for kind in schema.kinds {
                        if !seen.kinds.contains(&kind) {
                            seen.kinds.push(kind);
                        }
                    }
                }
                None => {
                    rest.push(schema);
                    shapes.push(*id);
                }
            }
        }
        let mut schema = match rest.as_slice() {
            [] => Schema {
                origin: here.to_owned(),
                kinds: vec![Kind::Null],
                ..Schema::default()
            },
            [one] => one.clone(),
            many => Schema {
                origin: here.to_owned(),
                branches: shapes,
                ..self.union_of(many, here)?
            },
        };
        if has_null && !schema.kinds.is_empty() && !schema.nullable() {
            schema.kinds.push(Kind::Null);
        }
        let id = self.graph.add(schema);
        self.composed.insert(key, id);
        Ok(id)
    }

    fn union_of(&mut self, branches: &[Schema], here: &str) -> Result<Schema, SchemaError> {
        let mut schema = Schema::default();
        if branches.iter().all(|b| !b.kinds.is_empty()) {
            for kind in branches.iter().flat_map(|b| b.kinds.iter()) {
                if !schema.kinds.contains(kind) {
                    schema.kinds.push(*kind);
                }
            }
            if schema.kinds.contains(&Kind::Number) {
                schema.kinds.retain(|k| *k != Kind::Integer);
            }
        }
        let format = branches.first().and_then(|b| b.format.as_ref());
        if branches.iter().all(|b| b.format.as_ref() == format) {
            schema.format = format.cloned();
        }
        if branches.iter().all(|b| b.enumeration.is_some()) {
            let mut values = Vec::new();
            for value in branches.iter().flat_map(|b| b.enumeration.iter().flatten()) {
                if !values.contains(value) {
                    values.push(value.clone());
                }
            }
            schema.enumeration = Some(values);
        }
        if schema.single_kind() == Some(Kind::Object) {
            let mut names: Vec<&str> = Vec::new();
            for (name, _) in branches.iter().flat_map(|b| b.properties.iter()) {
                if !names.contains(&name.as_str()) {
                    names.push(name);
                }
            }
            for name in names {
                let ids: Vec<NodeId> = branches.iter().filter_map(|b| b.declared(name)).collect();
                let id = self.union(&ids, &format!("{here}/anyOf/*/properties/{name}"))?;
                schema.properties.push((name.to_owned(), id));
                if branches.iter().all(|b| b.requires(name)) {
                    schema.required.push(name.to_owned());
                }
            }
        }
        if schema.single_kind() == Some(Kind::Array) {
            let items: Vec<NodeId> = branches.iter().filter_map(|b| b.items).collect();
            if items.len() == branches.len() {
                schema.items = Some(self.union(&items, &format!("{here}/anyOf/*/items"))?);
            }
        }
        Ok(schema)
    }
}

/// Whether two schemas are one schema but for `null`.
fn same_shape(a: &Schema, b: &Schema) -> bool {
    a.same_fields(b)
        && a.items == b.items
        && a.format == b.format
        && a.enumeration == b.enumeration
        && a.non_null_kinds() == b.non_null_kinds()
}

/// The types both lists admit; `integer` is a `number`.
fn intersect(a: &[Kind], b: &[Kind]) -> Vec<Kind> {
    let admits = |list: &[Kind], k: Kind| {
        list.contains(&k) || (k == Kind::Integer && list.contains(&Kind::Number))
    };
    a.iter()
        .copied()
        .filter(|k| admits(b, *k))
        .chain(
            b.iter()
                .copied()
                .filter(|k| *k == Kind::Integer && admits(a, *k)),
        )
        .fold(Vec::new(), |mut out, k| {
            if !out.contains(&k) {
                out.push(k);
            }
            out
        })
}
