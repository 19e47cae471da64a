//! `mapc lsp` driven over stdio as an editor drives it: initialize, the
//! diagnostics of a broken mapping published on open, none for a good one,
//! a hover on a source path and its definition in the schema file,
//! shutdown and exit.
#![allow(clippy::expect_used)] // a panic in a test helper is a failed test

mod support;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{ChildStdin, ChildStdout, Command, Stdio};
use support::root;

struct Client {
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Client {
    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("written");
        self.stdin.flush().expect("flushed");
    }

    fn receive(&mut self) -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            self.stdout.read_line(&mut line).expect("header");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = n.parse().expect("length");
            }
        }
        let mut body = vec![0; length];
        self.stdout.read_exact(&mut body).expect("body");
        serde_json::from_slice(&body).expect("JSON")
    }
}

fn uri(path: &std::path::Path) -> String {
    format!("file://{}", path.display())
}

fn open(client: &mut Client, file: &std::path::Path) -> String {
    let text = std::fs::read_to_string(file).expect("mapping");
    client.send(
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri(file), "languageId": "mapc", "version": 1, "text": text}}}),
    );
    text
}

#[test]
fn the_server_publishes_diagnostics_and_answers_hovers() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mapc"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("mapc lsp starts");
    let mut client = Client {
        stdin: child.stdin.take().expect("stdin"),
        stdout: BufReader::new(child.stdout.take().expect("stdout")),
    };
    client.send(&json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"processId": null, "rootUri": null, "capabilities": {}}}));
    let initialized = client.receive();
    assert_eq!(initialized["id"], 1);
    assert_eq!(initialized["result"]["capabilities"]["hoverProvider"], true);
    assert_eq!(
        initialized["result"]["capabilities"]["definitionProvider"],
        true
    );
    assert_eq!(
        initialized["result"]["capabilities"]["textDocumentSync"]["change"],
        1
    );
    client.send(&json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));

    let broken = root().join("tests/cases/errors/many_errors/mapping.map");
    open(&mut client, &broken);
    let published = client.receive();
    assert_eq!(published["method"], "textDocument/publishDiagnostics");
    assert_eq!(published["params"]["uri"], uri(&broken));
    let diagnostics = published["params"]["diagnostics"]
        .as_array()
        .expect("diagnostics");
    let codes: Vec<&str> = diagnostics
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(
        codes,
        ["E304", "E311", "E303", "E301", "E313"],
        "as `mapc check` reports them"
    );
    assert_eq!(
        diagnostics[3],
        json!({
            "range": {"start": {"line": 8, "character": 24}, "end": {"line": 8, "character": 29}},
            "severity": 1, "code": "E301", "source": "mapc",
            "message": "unknown source field `emial`\nhelp: did you mean `email`?",
        })
    );

    let good = root().join("mappings/woocommerce/legacy_order.map");
    let text = open(&mut client, &good);
    let published = client.receive();
    assert_eq!(published["params"]["uri"], uri(&good));
    assert_eq!(published["params"]["diagnostics"], json!([]));

    // A hover on `.id` of `string(.id)`.
    let (line, source) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.starts_with("id ") && l.contains("string(.id)"))
        .expect("the id line");
    let character = source.find(".id").expect("path") + 1;
    client.send(
        &json!({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": uri(&good)}, "position": {"line": line, "character": character}}}),
    );
    let hover = client.receive();
    assert_eq!(hover["id"], 2);
    let contents = hover["result"]["contents"]["value"]
        .as_str()
        .expect("hover text");
    let schema = root().join("schemas/channels/woocommerce/legacy_order.schema.json");
    assert_eq!(
        contents,
        format!(
            "`.id`: int\n\nOrder ID (post ID).\n\n{}#/properties/id",
            schema.display()
        )
    );

    // Go to definition on the same path: the key `"id"` in the schema file.
    client.send(
        &json!({"jsonrpc": "2.0", "id": 5, "method": "textDocument/definition", "params": {
        "textDocument": {"uri": uri(&good)}, "position": {"line": line, "character": character}}}),
    );
    let definition = client.receive();
    let schema_text = std::fs::read_to_string(&schema).expect("schema");
    let key_line = schema_text
        .lines()
        .position(|l| l == "    \"id\": {")
        .expect("the top-level id property");
    assert_eq!(
        definition,
        json!({"jsonrpc": "2.0", "id": 5, "result": {
            "uri": uri(&schema),
            "range": {"start": {"line": key_line, "character": 4}, "end": {"line": key_line, "character": 8}},
        }})
    );

    // Not on a path: no hover.
    client.send(
        &json!({"jsonrpc": "2.0", "id": 3, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": uri(&good)}, "position": {"line": 0, "character": 0}}}),
    );
    let nothing = client.receive();
    assert_eq!(
        (nothing["id"].clone(), nothing["result"].clone()),
        (json!(3), Value::Null)
    );

    client.send(&json!({"jsonrpc": "2.0", "id": 4, "method": "shutdown"}));
    assert_eq!(client.receive()["id"], 4);
    client.send(&json!({"jsonrpc": "2.0", "method": "exit"}));
    let status = child.wait().expect("exits");
    assert_eq!(status.code(), Some(0));
}
