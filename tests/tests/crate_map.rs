//! The crate map `docs/architecture.md` draws holds: generated code's
//! support crate has no CSV, XML or workspace dependency and documents
//! every public item; the host depends on it alone and stays synchronous;
//! the service (server, worker) builds on the host; the runtime side never
//! depends on the compiler except as `maprt`'s build dependency. Read from
//! `cargo metadata`, so a new dependency cannot slip past.

#![allow(clippy::expect_used)] // a panic in a test helper is a failed test

use contract_tests::root;
use serde_json::Value;

/// (dependency name, kind: "normal" | "build" | "dev") of a workspace crate.
fn dependencies(metadata: &Value, package: &str) -> Vec<(String, String)> {
    let packages = metadata["packages"].as_array().expect("packages");
    let found = packages
        .iter()
        .find(|p| p["name"] == package)
        .unwrap_or_else(|| panic!("no package {package}"));
    found["dependencies"]
        .as_array()
        .expect("dependencies")
        .iter()
        .map(|d| {
            let kind = d["kind"].as_str().unwrap_or("normal").to_owned();
            (d["name"].as_str().expect("name").to_owned(), kind)
        })
        .collect()
}

fn metadata() -> Value {
    let output = std::process::Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .expect("cargo metadata runs");
    assert!(output.status.success(), "cargo metadata failed");
    serde_json::from_slice(&output.stdout).expect("metadata JSON")
}

fn normal(deps: &[(String, String)]) -> Vec<&str> {
    let mut names: Vec<&str> = deps
        .iter()
        .filter(|(_, kind)| kind == "normal")
        .map(|(n, _)| n.as_str())
        .collect();
    names.sort_unstable();
    names
}

#[test]
fn the_crate_map_holds() {
    let metadata = metadata();
    let runtime = dependencies(&metadata, "runtime");
    assert_eq!(
        normal(&runtime),
        [
            "html-escape",
            "itoa",
            "jiff",
            "percent-encoding",
            "regex",
            "rust_decimal",
            "serde_json",
            "sha2",
            "simdutf8"
        ],
        "the support crate of generated code stays small: no CSV, XML or workspace crate"
    );
    let host = dependencies(&metadata, "host");
    let workspace = [
        "mapc",
        "maprt",
        "runtime",
        "host",
        "service",
        "maprt-cli",
        "contract-tests",
    ];
    let host_workspace: Vec<&str> = normal(&host)
        .into_iter()
        .filter(|n| workspace.contains(n))
        .collect();
    assert_eq!(
        host_workspace,
        ["runtime"],
        "the host builds on runtime only"
    );
    assert!(
        !normal(&host).contains(&"tokio"),
        "the host stays synchronous: the async runtime is the service's"
    );
    let service = dependencies(&metadata, "service");
    let service_workspace: Vec<&str> = normal(&service)
        .into_iter()
        .filter(|n| workspace.contains(n))
        .collect();
    assert_eq!(
        service_workspace,
        ["host", "runtime"],
        "the server and worker build on the host, never on the compiler"
    );
    let cli = dependencies(&metadata, "maprt-cli");
    let cli_workspace: Vec<&str> = normal(&cli)
        .into_iter()
        .filter(|n| workspace.contains(n))
        .collect();
    assert_eq!(
        cli_workspace,
        ["host", "runtime", "service"],
        "the runtime command line is built into every project's binary from the sources embedded in mapc: never on the compiler"
    );
    let maprt = dependencies(&metadata, "maprt");
    let on_compiler: Vec<&str> = maprt
        .iter()
        .filter(|(n, _)| n == "mapc")
        .map(|(_, kind)| kind.as_str())
        .collect();
    assert_eq!(
        on_compiler,
        ["build"],
        "maprt uses the compiler at build time only"
    );
    let lib = std::fs::read_to_string(root().join("runtime/src/lib.rs")).expect("runtime lib");
    assert!(lib.contains("#![warn(missing_docs)]"));
    let lib = std::fs::read_to_string(root().join("host/src/lib.rs")).expect("host lib");
    assert!(lib.contains("#![warn(missing_docs)]"));
}
