//! Published channel contracts load: every Amazon SP-API and Shopify webhook
//! schema in `tests/contracts/` (copied unmodified from `../shared/contracts`,
//! see its SOURCES.md), and every component of Square's OpenAPI spec.

use std::path::{Path, PathBuf};

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("contracts")
        .join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter(|p| !p.to_string_lossy().ends_with(".example.json"))
        .collect();
    files.sort();
    files
}

fn failures(paths: &[PathBuf]) -> Vec<String> {
    paths
        .iter()
        .filter_map(|p| match mapc::schema::load(p, &read) {
            Ok((graph, _)) if graph.warnings.is_empty() => None,
            Ok((graph, _)) => Some(format!("{}: {:?}", p.display(), graph.warnings)),
            Err(e) => Some(format!("{}: {:?} at {}", p.display(), e.kind, e.origin)),
        })
        .collect()
}

#[test]
fn every_amazon_schema_loads() {
    let paths = files("amazon");
    assert_eq!(paths.len(), 48);
    // Amazon publishes this one as `"$ref": "#/definitions/Notification"`
    // beside `"definitions": {}`: there is nothing to load.
    let broken = "ShipmentTrackingMilestoneChangedNotification.json";
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("contracts/amazon");
    assert_eq!(
        failures(&paths),
        vec![format!(
            "{0}: BadRef(\"#/definitions/Notification\") at {0}#",
            dir.join(broken).display()
        )]
    );
}

#[test]
fn every_shopify_webhook_schema_loads() {
    let paths = files("shopify_webhooks/schemas");
    assert_eq!(paths.len(), 219);
    assert_eq!(failures(&paths), Vec::<String>::new());
}

#[test]
fn every_square_component_loads() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/channels/square/api.json");
    let text = read(&spec).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let names: Vec<&String> = doc["components"]["schemas"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(names.len(), 1401);
    let documents = mapc::schema::Documents::default();
    let mut loader = mapc::schema::Loader::new(&read, &documents);
    let failed: Vec<String> = names
        .iter()
        .filter_map(|name| {
            let pointer = format!("/components/schemas/{name}");
            loader
                .load(&spec, &pointer)
                .err()
                .map(|e| format!("{name}: {:?} at {}", e.kind, e.origin))
        })
        .collect();
    assert_eq!(failed, Vec::<String>::new());
}

/// What the checker can read of a schema, to a depth: each path with its
/// types, whether it is required, and its enum.
fn reading(node: mapc::schema::Node<'_>, path: &str, depth: usize, out: &mut Vec<String>) {
    let mut kinds: Vec<&str> = node.kinds.iter().map(|k| k.name()).collect();
    kinds.sort_unstable();
    out.push(format!(
        "{path}: {} {:?}",
        kinds.join("|"),
        node.enumeration
    ));
    if depth == 0 {
        return;
    }
    for (name, child) in node.properties() {
        let required = if node.requires(name) { "!" } else { "" };
        reading(child, &format!("{path}.{name}{required}"), depth - 1, out);
    }
    if let Some(items) = node.items() {
        reading(items, &format!("{path}[]"), depth - 1, out);
    }
}

#[test]
fn an_imported_component_reads_as_the_spec_does() {
    let spec_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/channels/square/api.json");
    let spec: serde_json::Value = serde_json::from_str(&read(&spec_path).unwrap()).unwrap();
    for component in ["Order", "Payment", "PaymentRefund", "CatalogObject"] {
        let imported = mapc::schema::import(&spec, component).unwrap();
        let text = imported.schema.to_string();
        let serve = move |_: &Path| -> Result<String, String> { Ok(text.clone()) };
        let (graph, root) = mapc::schema::load(Path::new("imported.json"), &serve).unwrap();
        let mut from_import = Vec::new();
        reading(graph.node(root), component, 5, &mut from_import);

        let documents = mapc::schema::Documents::default();
        let mut loader = mapc::schema::Loader::new(&read, &documents);
        let root = loader
            .load(&spec_path, &format!("/components/schemas/{component}"))
            .unwrap();
        let graph = loader.finish();
        let mut from_spec = Vec::new();
        reading(graph.node(root), component, 5, &mut from_spec);
        assert!(from_spec.len() > 20, "{component}: {from_spec:?}");
        let first = from_import.iter().zip(&from_spec).find(|(a, b)| a != b);
        assert_eq!(first, None, "{component}: first difference");
        assert_eq!(from_import.len(), from_spec.len(), "{component}");
    }
}
