//! `mapc lsp`: a language server over stdio (lsp-server). On open, change
//! and save it compiles the mapping as `mapc check` does and publishes the
//! same diagnostics (code, message, help); a hover on a source path
//! (`.customer.email`) shows the field's type, whether it may be absent,
//! and its schema description and location, and go-to-definition on it
//! opens the schema file where the field is declared.

use super::Failure;
use lsp_server::{Connection, Message, Notification, Request, Response};
use mapc::diagnostics::Diagnostic;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub fn lsp() -> Result<bool, Failure> {
    let (connection, threads) = Connection::stdio();
    let capabilities = json!({
        // Full text on every change; saves reported.
        "textDocumentSync": {"openClose": true, "change": 1, "save": true},
        "hoverProvider": true,
        "definitionProvider": true,
    });
    connection
        .initialize(capabilities)
        .map_err(|e| format!("lsp: {e}"))?;
    let mut documents: HashMap<String, String> = HashMap::new();
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection
                    .handle_shutdown(&request)
                    .map_err(|e| format!("lsp: {e}"))?
                {
                    break;
                }
                let response = answer(&request, &documents);
                send(&connection, Message::Response(response))?;
            }
            Message::Notification(notification) => {
                if let Some(uri) = update(&notification, &mut documents) {
                    let text = documents.get(&uri).cloned().unwrap_or_default();
                    let published = publish(&uri, &text);
                    send(&connection, Message::Notification(published))?;
                }
            }
            Message::Response(_) => {}
        }
    }
    drop(connection);
    threads.join().map_err(|e| format!("lsp: {e}"))?;
    Ok(true)
}

fn send(connection: &Connection, message: Message) -> Result<(), Failure> {
    connection
        .sender
        .send(message)
        .map_err(|e| Failure::Error(format!("lsp: {e}")))
}

/// Keep the documents' texts; the URI of one that changed.
fn update(notification: &Notification, documents: &mut HashMap<String, String>) -> Option<String> {
    let params = &notification.params;
    let uri = params["textDocument"]["uri"].as_str()?.to_owned();
    match notification.method.as_str() {
        "textDocument/didOpen" => {
            let text = params["textDocument"]["text"].as_str()?;
            documents.insert(uri.clone(), text.to_owned());
        }
        "textDocument/didChange" => {
            // Full sync: the last change is the whole text.
            let changes = params["contentChanges"].as_array()?;
            let text = changes.last()?["text"].as_str()?;
            documents.insert(uri.clone(), text.to_owned());
        }
        "textDocument/didSave" => {
            if let Some(text) = params["text"].as_str() {
                documents.insert(uri.clone(), text.to_owned());
            }
        }
        "textDocument/didClose" => {
            documents.remove(&uri);
            return None;
        }
        _ => return None,
    }
    Some(uri)
}

/// `file:///a/b%20c.map` -> `/a/b c.map`.
fn path_of(uri: &str) -> Option<PathBuf> {
    let path = uri.strip_prefix("file://")?;
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    Some(PathBuf::from(decoded.into_owned()))
}

/// The mapping at `uri` with `text`, compiled as `mapc check` compiles it.
fn compile(uri: &str, text: &str) -> Option<(String, mapc::Compiled)> {
    let name = path_of(uri)?.to_string_lossy().into_owned();
    let session = mapc::Session::new(&mapc::project::read_file);
    let compiled = session.compile(&name, text);
    Some((name, compiled))
}

/// `textDocument/publishDiagnostics` for a document.
fn publish(uri: &str, text: &str) -> Notification {
    let diagnostics: Vec<Value> = match compile(uri, text) {
        Some((_, compiled)) => compiled
            .diagnostics
            .iter()
            .map(|d| diagnostic(text, d))
            .collect(),
        None => Vec::new(),
    };
    Notification::new(
        "textDocument/publishDiagnostics".to_owned(),
        json!({"uri": uri, "diagnostics": diagnostics}),
    )
}

fn diagnostic(text: &str, d: &Diagnostic) -> Value {
    let span = d.primary_span();
    let severity = match d.severity {
        mapc::check::Severity::Error => 1,
        mapc::check::Severity::Warning => 2,
    };
    let mut message = d.title.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    json!({
        "range": {"start": position(text, span.start), "end": position(text, span.end.max(span.start))},
        "severity": severity,
        "code": d.code.code,
        "source": "mapc",
        "message": message,
    })
}

/// An LSP position (0-based line, UTF-16 column) of a byte offset.
fn position(text: &str, offset: usize) -> Value {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or_default();
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let column: usize = before
        .get(start..)
        .unwrap_or_default()
        .encode_utf16()
        .count();
    json!({"line": line, "character": column})
}

/// The byte offset of an LSP position.
fn offset(text: &str, line: usize, character: usize) -> Option<usize> {
    let start = if line == 0 {
        0
    } else {
        text.match_indices('\n').nth(line - 1)?.0 + 1
    };
    let mut units = 0;
    for (i, c) in text.get(start..)?.char_indices() {
        if units >= character || c == '\n' {
            return Some(start + i);
        }
        units += c.len_utf16();
    }
    Some(text.len())
}

fn answer(request: &Request, documents: &HashMap<String, String>) -> Response {
    let result = match request.method.as_str() {
        "textDocument/hover" => hover(&request.params, documents).unwrap_or(Value::Null),
        "textDocument/definition" => definition(&request.params, documents).unwrap_or(Value::Null),
        _ => {
            return Response::new_err(
                request.id.clone(),
                lsp_server::ErrorCode::MethodNotFound as i32,
                format!("mapc lsp does not answer {}", request.method),
            )
        }
    };
    Response::new_ok(request.id.clone(), result)
}

/// The source path under a request's position, the field it names and
/// where that field is declared (`file#/pointer`).
fn field_at(
    params: &Value,
    documents: &HashMap<String, String>,
) -> Option<(Vec<String>, mapc::ir::ShapeField, String)> {
    let uri = params["textDocument"]["uri"].as_str()?;
    let text = documents.get(uri)?;
    let line = usize::try_from(params["position"]["line"].as_u64()?).ok()?;
    let character = usize::try_from(params["position"]["character"].as_u64()?).ok()?;
    let at = offset(text, line, character)?;
    let path = source_path_at(text, at)?;
    let (_, compiled) = compile(uri, text)?;
    let ir = compiled.mapping.or(compiled.unfinished)?;
    let mut shape = ir.shapes.first()?;
    let mut field = None;
    for name in &path {
        let found = shape.fields.get(name)?;
        let origin = format!("{}/properties/{name}", shape.origin);
        field = Some((found.clone(), origin));
        if let Some(next) = element_shape(&found.ty) {
            shape = ir.shapes.get(next)?;
        }
    }
    let (field, origin) = field?;
    Some((path, field, origin))
}

/// Go-to-definition on a source path: the field's key in its schema file.
fn definition(params: &Value, documents: &HashMap<String, String>) -> Option<Value> {
    let (_, _, origin) = field_at(params, documents)?;
    let (file, pointer) = origin.split_once('#')?;
    let text = std::fs::read_to_string(Path::new(file)).ok()?;
    let (start, end) = mapc::schema::pointer_span(&text, pointer)?;
    let uri = format!(
        "file://{}",
        percent_encoding::utf8_percent_encode(file, PATH_CHARACTERS)
    );
    Some(json!({
        "uri": uri,
        "range": {"start": position(&text, start), "end": position(&text, end)},
    }))
}

/// What a `file://` URI's path escapes.
const PATH_CHARACTERS: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?');

/// A hover on a source path: its type and schema description.
fn hover(params: &Value, documents: &HashMap<String, String>) -> Option<Value> {
    let (path, field, origin) = field_at(params, documents)?;
    let mut contents = format!(
        "`.{}`: {}{}",
        path.join("."),
        field.ty,
        if field.optional {
            ", may be absent"
        } else {
            ""
        }
    );
    if let Some(description) = description(&origin) {
        contents.push_str("\n\n");
        contents.push_str(&description);
    }
    contents.push_str(&format!("\n\n{origin}"));
    Some(json!({"contents": {"kind": "markdown", "value": contents}}))
}

/// The shape a path goes on into: an object's, or an array's elements'.
fn element_shape(ty: &mapc::ir::Ty) -> Option<usize> {
    match ty {
        mapc::ir::Ty::Source(shape) => Some(*shape),
        mapc::ir::Ty::Array(inner) => element_shape(inner),
        _ => None,
    }
}

/// The record-rooted source path at `offset` (`.customer.email`), up to
/// the field under the cursor: `["customer"]` on `customer`.
fn source_path_at(text: &str, offset: usize) -> Option<Vec<String>> {
    let is_path = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.';
    let start = text
        .get(..offset)?
        .rfind(|c: char| !is_path(c))
        .map_or(0, |i| i + 1);
    let end = text
        .get(offset..)?
        .find(|c: char| !is_path(c))
        .map_or(text.len(), |i| offset + i);
    let token = text.get(start..end)?;
    if !token.starts_with('.') {
        return None;
    }
    // Up to the end of the name under the cursor.
    let cut = text.get(offset..end)?.find('.').map_or(end, |i| offset + i);
    let names: Vec<String> = text
        .get(start..cut)?
        .split('.')
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect();
    (!names.is_empty()).then_some(names)
}

/// The `description` of the schema at `file#/pointer` (through one local
/// `$ref`).
fn description(origin: &str) -> Option<String> {
    let (file, pointer) = origin.split_once('#')?;
    let text = std::fs::read_to_string(Path::new(file)).ok()?;
    let document: Value = serde_json::from_str(&text).ok()?;
    let node = document.pointer(pointer)?;
    if let Some(d) = node.get("description").and_then(Value::as_str) {
        return Some(d.to_owned());
    }
    let reference = node.get("$ref")?.as_str()?.strip_prefix('#')?;
    document
        .pointer(reference)?
        .get("description")?
        .as_str()
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_under_the_cursor_ends_at_its_name() {
        let text = "email = lower(.customer.email)";
        let at = text.find("customer").unwrap_or_default() + 2;
        assert_eq!(source_path_at(text, at), Some(vec!["customer".to_owned()]));
        let at = text.find("email)").unwrap_or_default();
        assert_eq!(
            source_path_at(text, at),
            Some(vec!["customer".to_owned(), "email".to_owned()])
        );
        assert_eq!(source_path_at(text, 2), None, "a target field");
    }

    #[test]
    fn positions_count_utf16_units() {
        let text = "a\n€x";
        assert_eq!(position(text, 5), json!({"line": 1, "character": 1}));
        assert_eq!(offset(text, 1, 1), Some(5));
    }
}
