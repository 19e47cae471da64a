//! Generates Rust types from `schemas/canonical/*.schema.json` with typify,
//! the way a team consuming the canonical model would.
//!
//! typify reads one self-contained schema, so the files are bundled first:
//! every object and every `$defs` entry becomes one definition, named by the
//! object's `title` (`SalesOrder`), the shared definitions by their own name
//! (`Money`, `Address`), and an object's local definitions by the object and
//! their name (`SalesOrderTotals`, `RefundLine`). Every `$ref` is rewritten to
//! the bundle's name for what it points at, so `Money` is one Rust type for
//! the whole model.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

/// The file whose `$defs` are the model's shared definitions; it is not an
/// object itself.
const SHARED: &str = "common.schema.json";

fn main() {
    if let Err(message) = build() {
        eprintln!("{message}");
        std::process::exit(1);
    }
}

fn build() -> Result<(), String> {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let folder = manifest
        .parent()
        .ok_or("no workspace root")?
        .join("schemas/canonical");
    println!("cargo:rerun-if-changed={}", folder.display());

    let schemas = read_schemas(&folder)?;
    let names = Names::of(&schemas)?;
    let mut bundle: BTreeMap<String, schemars::schema::Schema> = BTreeMap::new();
    for (file, schema) in &schemas {
        let mut root = schema.clone();
        let defs = match root.as_object_mut().and_then(|o| o.remove("$defs")) {
            Some(Value::Object(defs)) => defs,
            _ => Map::new(),
        };
        for (def, mut body) in defs {
            names.rewrite_refs(file, &mut body)?;
            bundle.insert(names.def(file, &def), typed(&body, file)?);
        }
        if file != SHARED {
            names.rewrite_refs(file, &mut root)?;
            if let Some(object) = root.as_object_mut() {
                object.remove("$schema");
                object.remove("$id");
            }
            bundle.insert(names.object(file)?.to_string(), typed(&root, file)?);
        }
    }

    let mut settings = typify::TypeSpaceSettings::default();
    settings.with_struct_builder(false);
    let mut types = typify::TypeSpace::new(&settings);
    types
        .add_ref_types(bundle)
        .map_err(|e| format!("typify: {e}"))?;
    let out = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    std::fs::write(out.join("canonical.rs"), types.to_stream().to_string())
        .map_err(|e| format!("{}: {e}", out.display()))
}

fn read_schemas(folder: &Path) -> Result<BTreeMap<String, Value>, String> {
    let mut schemas = BTreeMap::new();
    let entries = std::fs::read_dir(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        let Some(file) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !file.ends_with(".schema.json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{file}: {e}"))?;
        let schema: Value = serde_json::from_str(&text).map_err(|e| format!("{file}: {e}"))?;
        schemas.insert(file.to_string(), schema);
    }
    Ok(schemas)
}

fn typed(schema: &Value, file: &str) -> Result<schemars::schema::Schema, String> {
    serde_json::from_value(schema.clone()).map_err(|e| format!("{file}: {e}"))
}

/// The bundle's name of every object (its `title`) and definition.
struct Names {
    titles: BTreeMap<String, String>,
}

impl Names {
    fn of(schemas: &BTreeMap<String, Value>) -> Result<Names, String> {
        let mut titles = BTreeMap::new();
        for (file, schema) in schemas {
            let title = schema
                .get("title")
                .and_then(Value::as_str)
                .ok_or_else(|| format!("{file} has no title"))?;
            titles.insert(file.clone(), title.to_string());
        }
        Ok(Names { titles })
    }

    fn object(&self, file: &str) -> Result<&str, String> {
        self.titles
            .get(file)
            .map(String::as_str)
            .ok_or_else(|| format!("no schema file {file}"))
    }

    fn def(&self, file: &str, def: &str) -> String {
        match self.titles.get(file) {
            Some(title) if file != SHARED => format!("{title}{def}"),
            _ => def.to_string(),
        }
    }

    /// Rewrites every `$ref` under `node` (in `file`) to the bundle's name:
    /// `#/$defs/Line`, `common.schema.json#/$defs/Money` and
    /// `settlement_record.schema.json` are the only forms the model uses.
    fn rewrite_refs(&self, file: &str, node: &mut Value) -> Result<(), String> {
        match node {
            Value::Object(object) => {
                if let Some(Value::String(target)) = object.get_mut("$ref") {
                    let (target_file, pointer) = match target.split_once('#') {
                        Some(("", pointer)) => (file, pointer),
                        Some((other, pointer)) => (other, pointer),
                        None => (target.as_str(), ""),
                    };
                    let name = match pointer.strip_prefix("/$defs/") {
                        Some(def) if !def.contains('/') => self.def(target_file, def),
                        _ if pointer.is_empty() => self.object(target_file)?.to_string(),
                        _ => return Err(format!("{file}: cannot bundle `$ref` {target}")),
                    };
                    *target = format!("#/$defs/{name}");
                }
                for value in object.values_mut() {
                    self.rewrite_refs(file, value)?;
                }
            }
            Value::Array(items) => {
                for item in items {
                    self.rewrite_refs(file, item)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}
