//! `mapc new <channel>.<object> --target <Canonical>`: a mapping started in
//! the project. The mapping file names its source schema (given, or
//! inferred from the samples) and the canonical target, and assigns every
//! required target field, nested objects field by field, as a
//! `todo("...")` that `mapc check` reports (E320) with the field's schema
//! description until it is written; `source.channel` and `source.object`
//! are filled in. A target field with an enum (`status`) that a source
//! field with an enum evidently feeds (`financial_status`, or one of the
//! same name) gets a status table instead: `tables/<field>.yaml` with every
//! value the source schema lists, each a `todo` to fill in (E311 until it
//! is), and the assignment through it. Samples are copied beside it with a
//! SOURCES.md to complete, and its snapshots folder is made.

use super::project::write;
use super::{project_root, Failure};
use clap::Args;
use serde_json::Value;
use std::cell::RefCell;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// `mapc new`'s arguments.
#[derive(Args)]
pub struct NewArgs {
    /// The mapping id, `<channel>.<object>` (`shopify.order`)
    id: String,
    /// The canonical object it produces (`SalesOrder`), a title in schemas/canonical/
    #[arg(long)]
    target: String,
    /// Real payloads to copy in as its samples (the source schema is inferred from them unless --source is given)
    #[arg(long, num_args = 1..)]
    samples: Vec<PathBuf>,
    /// The channel's schema of the payload (a JSON Schema file, or `file#/pointer`), relative to the current folder
    #[arg(long)]
    source: Option<String>,
}

/// How deep nested target objects are spelled out field by field.
const MAX_NESTING: usize = 3;

pub fn new(args: NewArgs) -> Result<bool, Failure> {
    let (root, manifest) = project_root()?;
    let Some((channel, object)) = args.id.split_once('.').filter(|(c, o)| {
        let word = |s: &str| {
            s.starts_with(|c: char| c.is_ascii_lowercase())
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        };
        word(c) && word(o)
    }) else {
        return Err(Failure::Usage(format!(
            "mapping id `{}`: write <channel>.<object> in lower case (`shopify.order`)",
            args.id
        )));
    };
    if args.samples.is_empty() && args.source.is_none() {
        return Err(Failure::Usage(
            "give the payload's schema (--source) or samples to infer it from (--samples)"
                .to_owned(),
        ));
    }
    args.samples.iter().try_for_each(|s| super::must_exist(s))?;
    let folder = manifest
        .mappings
        .folders
        .first()
        .cloned()
        .unwrap_or_else(|| PathBuf::from("mappings"));
    let channel_dir = root.join(&folder).join(channel);
    let mapping_file = channel_dir.join(format!("{object}.map"));
    if mapping_file.exists() {
        return Err(Failure::Usage(format!(
            "{}: already exists",
            mapping_file.display()
        )));
    }
    // From the mapping's folder back up to the project root.
    let up = "../".repeat(folder.components().count() + 1);
    let canonical = root.join("schemas/canonical");
    let (target_file, target) = find_target(&canonical, &args.target)?;

    let (source_line, source_schema) = match &args.source {
        Some(source) => {
            let (file, pointer) = source.split_once('#').unwrap_or((source, ""));
            super::must_exist(Path::new(file))?;
            // Read for its enums (status tables); a document that is
            // neither JSON nor YAML is left to `mapc check` to report.
            let text = mapc::project::read_file(Path::new(file))?;
            let document: Value = serde_json::from_str(&text)
                .or_else(|_| serde_yaml::from_str(&text))
                .unwrap_or(Value::Null);
            let schema = document.pointer(pointer).cloned().unwrap_or(Value::Null);
            let absolute = std::fs::canonicalize(file)?;
            let root_absolute = std::fs::canonicalize(std::env::current_dir()?.join(&root))?;
            let relative = absolute
                .strip_prefix(&root_absolute)
                .map_err(|_| Failure::Usage(format!("--source {file}: not inside the project")))?;
            let pointer = if pointer.is_empty() {
                String::new()
            } else {
                format!("#{pointer}")
            };
            let line = format!(
                "{up}{}{pointer}",
                relative.to_string_lossy().replace('\\', "/")
            );
            (line, (document, schema))
        }
        None => {
            let values = super::schema::infer_samples(&args.samples, None)?;
            let title = format!("{}{}", pascal(channel), pascal(object));
            let options = mapc::infer::Options {
                enums: true,
                max_enum: 8,
            };
            let schema = mapc::infer::infer(&values, &title, options);
            let relative = format!("schemas/channels/{channel}/{object}.schema.json");
            let text = serde_json::to_string_pretty(&schema).map_err(|e| e.to_string())? + "\n";
            write(&root.join(&relative), &text)?;
            eprintln!("inferred {relative} from {} sample(s): review it against the channel's documentation", args.samples.len());
            (format!("{up}{relative}"), (schema.clone(), schema))
        }
    };
    let mut enums = Vec::new();
    source_enums(&source_schema.0, &source_schema.1, "", 0, &mut enums);
    // The record itself before a wrapper around it (a schema of "an
    // order, or `{"order": ...}`" lists the field at both depths).
    enums.sort_by_key(|e| e.path.matches('.').count());
    let mut seen = std::collections::HashSet::new();
    enums.retain(|e| seen.insert(e.name.clone()));

    let read = |name: &str| -> Option<Value> {
        let text = std::fs::read_to_string(canonical.join(name)).ok()?;
        serde_json::from_str(&text).ok()
    };
    let mut body = String::new();
    let target_fields: Vec<String> = target
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    let scaffold = Scaffold {
        channel,
        object,
        read: &read,
        enums: &enums,
        target_fields: &target_fields,
        tables: RefCell::new(Vec::new()),
    };
    scaffold.fields(&target, &target, "", 0, &mut body);
    let target_name = target_file.to_string_lossy().replace('\\', "/");
    let tables = scaffold.tables.into_inner();
    let mut table_lines = String::new();
    for table in &tables {
        let _ = write!(
            table_lines,
            "\n  table {} = \"tables/{}.yaml\"",
            table.name, table.name
        );
        let file = channel_dir
            .join("tables")
            .join(format!("{}.yaml", table.name));
        if !file.exists() {
            write(&file, &table.yaml(channel, &args.target))?;
        }
    }
    let text = format!(
        "# {channel} {object} -> canonical {target_title}. Written from the channel's\n\
         # documented contract: say which (API reference, version) here.\n\
         mapping {id} -> {target_title}\n  source \"{source_line}\"\n  target \"{up}schemas/canonical/{target_name}\"{table_lines}\n\n{body}",
        id = args.id,
        target_title = args.target,
    );
    write(&mapping_file, &text)?;

    let samples_dir = channel_dir.join("samples").join(object);
    std::fs::create_dir_all(&samples_dir).map_err(|e| format!("{}: {e}", samples_dir.display()))?;
    let mut sources = format!(
        "# Samples of `{}`\n\nReal payloads only, never edited to make the mapping pass.\n\n| File | Where from | Licence |\n|---|---|---|\n",
        args.id
    );
    for sample in &args.samples {
        let name = sample
            .file_name()
            .ok_or_else(|| format!("{}: not a file", sample.display()))?;
        let copy = samples_dir.join(name);
        std::fs::copy(sample, &copy).map_err(|e| format!("{}: {e}", copy.display()))?;
        let _ = writeln!(
            sources,
            "| `{}` | (fill in: URL or SDK) | (fill in) |",
            name.to_string_lossy()
        );
    }
    write(&samples_dir.join("SOURCES.md"), &sources)?;
    let snapshots = channel_dir.join("snapshots");
    std::fs::create_dir_all(&snapshots).map_err(|e| format!("{}: {e}", snapshots.display()))?;
    eprintln!(
        "created {} ({} sample(s)); `mapc check` lists every `todo` left",
        mapping_file.display(),
        args.samples.len()
    );
    Ok(true)
}

/// The canonical schema titled `title`: its file name and document.
fn find_target(canonical: &Path, title: &str) -> Result<(PathBuf, Value), Failure> {
    let files = mapc::project::find_files(&[canonical.to_path_buf()], "json")
        .map_err(|e| Failure::Usage(format!("{e} (`mapc canonical export` writes the model)")))?;
    let mut titles = Vec::new();
    for file in files {
        let text = mapc::project::read_file(&file)?;
        let document: Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        let Some(found) = document.get("title").and_then(Value::as_str) else {
            continue;
        };
        if found == title {
            let name = file.file_name().map(PathBuf::from).unwrap_or_default();
            return Ok((name, document));
        }
        if document.get("required").is_some() {
            titles.push(found.to_owned());
        }
    }
    titles.sort();
    Err(Failure::Usage(format!(
        "no canonical object `{title}` in {} (there are: {})",
        canonical.display(),
        titles.join(", ")
    )))
}

/// A source field whose schema lists its string values.
struct SourceEnum {
    /// Its path from the record (`.order.financial_status`).
    path: String,
    /// Its name (`financial_status`).
    name: String,
    values: Vec<String>,
}

/// Every source field with a string `enum`, up to three objects deep,
/// through local `$ref`s and the branches of `anyOf`/`oneOf`/`allOf`
/// (arrays are not entered: a status table is for one value a record has).
fn source_enums(
    document: &Value,
    schema: &Value,
    prefix: &str,
    depth: usize,
    out: &mut Vec<SourceEnum>,
) {
    let schema = follow_local(document, schema);
    for key in ["anyOf", "oneOf", "allOf"] {
        for branch in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            source_enums(document, branch, prefix, depth, out);
        }
    }
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    for (name, property) in properties {
        let plain = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
        // A table is named after its field: only a name a mapping can use.
        let nameable = plain && !mapc::syntax::RESERVED_WORDS.contains(&name.as_str());
        let step = if plain {
            format!(".{name}")
        } else {
            format!(".\"{name}\"")
        };
        let path = format!("{prefix}{step}");
        let values = string_enum(follow_local(document, property));
        if nameable && !values.is_empty() && out.iter().all(|e| e.path != path) {
            out.push(SourceEnum {
                path,
                name: name.clone(),
                values,
            });
        } else if depth < MAX_NESTING {
            source_enums(document, property, &path, depth + 1, out);
        }
    }
}

/// What a local `$ref` (`#/...`) names, else the schema itself.
fn follow_local<'v>(document: &'v Value, schema: &'v Value) -> &'v Value {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|pointer| document.pointer(pointer))
        .unwrap_or(schema)
}

/// The strings a schema's `enum` lists.
fn string_enum(schema: &Value) -> Vec<String> {
    schema
        .get("enum")
        .and_then(Value::as_array)
        .map(|values| {
            values
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// A status table `mapc new` writes: every source value, each `todo`.
struct StatusTable {
    /// Its name and file stem: the source field's name.
    name: String,
    /// The source field's path.
    source: String,
    /// The target field it feeds, and the values that field allows.
    field: String,
    allowed: Vec<String>,
    values: Vec<String>,
}

impl StatusTable {
    fn yaml(&self, channel: &str, target: &str) -> String {
        let mut text = format!(
            "# {channel} `{}` -> {target}.{}: every value the source\n\
             # schema lists, each to fill in (`mapc check` reports a `todo` left,\n\
             # E311). The target allows:\n",
            self.source, self.field
        );
        for allowed in &self.allowed {
            let _ = writeln!(text, "#   {allowed}");
        }
        for value in &self.values {
            let _ = writeln!(text, "{}: todo", serde_json::Value::String(value.clone()));
        }
        text
    }
}

/// Writes the assignments of a target object's required fields.
struct Scaffold<'a> {
    channel: &'a str,
    object: &'a str,
    /// A canonical schema file by name.
    read: &'a dyn Fn(&str) -> Option<Value>,
    /// The source fields with an enum.
    enums: &'a [SourceEnum],
    /// The target object's own field names (a source enum of one of
    /// those names is that field's, not another's).
    target_fields: &'a [String],
    /// The status tables made so far.
    tables: RefCell<Vec<StatusTable>>,
}

impl Scaffold<'_> {
    /// `prefix<field> = ...` for every required field of `schema` (in
    /// `document`); objects are spelled out field by field.
    fn fields(
        &self,
        document: &Value,
        schema: &Value,
        prefix: &str,
        depth: usize,
        out: &mut String,
    ) {
        let (document, schema) = self.resolve(document, schema);
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
            return;
        };
        for (name, property) in properties {
            if !required.contains(&name.as_str()) {
                continue;
            }
            let path = format!("{prefix}{name}");
            let (inner_document, inner) = self.resolve(&document, property);
            // An amount is one value, `money(amount, currency)`.
            let money = property
                .get("$ref")
                .and_then(Value::as_str)
                .is_some_and(|r| r.ends_with("/Money"));
            let is_object = inner.get("properties").is_some()
                && inner.get("type").and_then(Value::as_str) != Some("array")
                && !money;
            match path.as_str() {
                "source.channel" => {
                    let _ = writeln!(out, "{path} = \"{}\"", self.channel);
                }
                "source.object" => {
                    let _ = writeln!(out, "{path} = \"{}\"", self.object);
                }
                _ if is_object && depth < MAX_NESTING => {
                    self.fields(&inner_document, &inner, &format!("{path}."), depth + 1, out);
                }
                _ if !money && self.status_table(&path, &inner, out) => {}
                _ => {
                    let kind = match inner.get("enum").and_then(Value::as_array) {
                        _ if money => "money(amount, currency)".to_owned(),
                        Some(values) => format!(
                            "one of {}",
                            values
                                .iter()
                                .map(Value::to_string)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        None => inner
                            .get("type")
                            .and_then(Value::as_str)
                            .unwrap_or("a value")
                            .to_owned(),
                    };
                    let _ = writeln!(out, "{path} = todo(\"{path}: {}\")", kind.replace('"', "'"));
                }
            }
        }
    }

    /// `field = <table>[<source path>]` through a new status table, when
    /// `schema` has a string enum and a source enum evidently feeds it: one of
    /// the same name, else one named `<something>_<field>` that is not
    /// named after another target field. Whether one was written.
    fn status_table(&self, field: &str, schema: &Value, out: &mut String) -> bool {
        let allowed = string_enum(schema);
        if allowed.is_empty() || field.contains('.') {
            return false; // top-level fields only: the tables are named by them
        }
        let taken = |e: &SourceEnum| self.tables.borrow().iter().any(|t| t.name == e.name);
        let suffix = format!("_{field}");
        let source = self
            .enums
            .iter()
            .find(|e| e.name == field && !taken(e))
            .or_else(|| {
                self.enums.iter().find(|e| {
                    e.name.ends_with(&suffix) && !self.target_fields.contains(&e.name) && !taken(e)
                })
            });
        let Some(source) = source else {
            return false;
        };
        let _ = writeln!(
            out,
            "# every value of `{}`, in tables/{}.yaml: fill each in\n{field} = {}[{}]",
            source.path, source.name, source.name, source.path
        );
        self.tables.borrow_mut().push(StatusTable {
            name: source.name.clone(),
            source: source.path.clone(),
            field: field.to_owned(),
            allowed,
            values: source.values.clone(),
        });
        true
    }

    /// Follow a `$ref` (in the document or another canonical file) to the
    /// schema it names, with the document it is in.
    fn resolve(&self, document: &Value, schema: &Value) -> (Value, Value) {
        let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
            return (document.clone(), schema.clone());
        };
        let (file, pointer) = reference.split_once('#').unwrap_or((reference, ""));
        let document = if file.is_empty() {
            Some(document.clone())
        } else {
            (self.read)(file)
        };
        match document {
            Some(document) => {
                let target = document.pointer(pointer).cloned().unwrap_or(Value::Null);
                (document, target)
            }
            None => (Value::Null, Value::Null),
        }
    }
}

/// `legacy_order` -> `LegacyOrder`.
fn pascal(word: &str) -> String {
    word.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}
