//! A team's own mapping project, outside this repository: `mapc init`,
//! `mapc new`, check, test with pending snapshots, `mapc build` and the
//! built binary transforming a sample. The `mapc` run is a copy of the
//! built binary in a temporary install root (what `cargo install` puts
//! there), run with a clean environment in folders outside the repository.
#![allow(clippy::expect_used)] // a panic in a test helper is a failed test

mod support;

use std::path::Path;
use support::{install, root, run, scratch, text};

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn a_project_from_init_to_a_running_binary() {
    let installed = install("install");
    let mapc = installed.mapc.clone();
    let work = scratch("project");
    let project = work.join("acme");
    std::fs::create_dir_all(&project).expect("project folder");
    // What the team downloaded: a real payload and the channel's schema.
    let downloads = work.join("downloads");
    std::fs::create_dir_all(&downloads).expect("downloads");
    std::fs::copy(
        root().join("mappings/shopify/samples/order/order.json"),
        downloads.join("order.json"),
    )
    .expect("sample");

    let out = run(&mapc, &project, &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        "created mapping project `acme` in . (canonical model 1, 9 schemas)\n"
    );
    let manifest =
        mapc::manifest::Manifest::parse(&read(&project.join("mapc.toml"))).expect("manifest");
    assert_eq!(manifest.project.name, "acme");
    for (name, text) in mapc::embedded::CANONICAL_MODEL {
        assert_eq!(read(&project.join("schemas/canonical").join(name)), *text);
    }
    let workflow: serde_yaml::Value =
        serde_yaml::from_str(&read(&project.join(".github/workflows/mappings.yml"))).expect("YAML");
    let steps: Vec<&str> = workflow["jobs"]["mappings"]["steps"]
        .as_sequence()
        .expect("steps")
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect();
    assert!(steps.contains(&"mapc check --format github"), "{steps:?}");
    assert!(
        steps.contains(&"mapc test --format junit > mapc-test.xml"),
        "{steps:?}"
    );
    assert!(
        steps.iter().any(|s| s.starts_with("mapc build")),
        "{steps:?}"
    );
    assert_eq!(
        run(&mapc, &project, &["init"]).status.code(),
        Some(2),
        "init twice"
    );

    let schemas = project.join("schemas/channels/shopify");
    std::fs::create_dir_all(&schemas).expect("schemas folder");
    std::fs::copy(
        root().join("schemas/channels/shopify/order.schema.json"),
        schemas.join("order.schema.json"),
    )
    .expect("schema");
    let out = run(
        &mapc,
        &project,
        &[
            "new",
            "shopify.order",
            "--target",
            "SalesOrder",
            "--source",
            "schemas/channels/shopify/order.schema.json",
            "--samples",
            "../downloads/order.json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mapping = project.join("mappings/shopify/order.map");
    let scaffold = read(&mapping);
    assert!(
        scaffold.starts_with(
            "# shopify order -> canonical SalesOrder. Written from the channel's\n\
         # documented contract: say which (API reference, version) here.\n\
         mapping shopify.order -> SalesOrder\n  \
         source \"../../schemas/channels/shopify/order.schema.json\"\n  \
         target \"../../schemas/canonical/sales_order.schema.json\"\n  \
         table financial_status = \"tables/financial_status.yaml\"\n  \
         table fulfillment_status = \"tables/fulfillment_status.yaml\"\n\n\
         id = todo(\"id: string\")\n\
         source.channel = \"shopify\"\n\
         source.object = \"order\"\n"
        ),
        "{scaffold}"
    );
    assert!(project
        .join("mappings/shopify/samples/order/order.json")
        .is_file());
    assert!(
        read(&project.join("mappings/shopify/samples/order/SOURCES.md"))
            .contains("| `order.json` |")
    );
    assert!(project.join("mappings/shopify/snapshots").is_dir());
    // The status fields go through tables holding every value the source
    // schema lists, each to fill in.
    assert!(
        scaffold.contains(
            "# every value of `.financial_status`, in tables/financial_status.yaml: fill each in\n\
             status = financial_status[.financial_status]\n"
        ),
        "{scaffold}"
    );
    let table = read(&project.join("mappings/shopify/tables/financial_status.yaml"));
    let keys: Vec<&str> = table.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        keys,
        [
            "\"pending\": todo",
            "\"authorized\": todo",
            "\"partially_paid\": todo",
            "\"paid\": todo",
            "\"partially_refunded\": todo",
            "\"refunded\": todo",
            "\"voided\": todo",
            "\"expired\": todo",
        ],
        "every value of the schema's enum, in its order"
    );
    assert!(
        table.contains("#   pending_payment\n"),
        "the values the target allows are listed"
    );

    // Every `todo` is an error naming the field's schema description.
    let out = run(&mapc, &project, &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let diagnostics: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .filter(|d: &serde_json::Value| d["type"] == "diagnostic")
        .collect();
    let todos: Vec<&serde_json::Value> =
        diagnostics.iter().filter(|d| d["code"] == "E320").collect();
    assert_eq!(todos.len(), scaffold.matches("todo(").count());
    // The status paths may be absent until the mapping's routes say where
    // the record is (then the tables' `todo`s are E311: not target values).
    let others: Vec<&str> = diagnostics
        .iter()
        .filter_map(|d| d["code"].as_str())
        .filter(|c| *c != "E320")
        .collect();
    assert_eq!(others, ["E304", "E304"], "{stdout}");
    assert_eq!(
        diagnostics[0]["help"],
        "the target field (schemas/canonical/sales_order.schema.json#/properties/id): Channel-namespaced order id, e.g. `shopify:450789469`."
    );

    // The mapping written: a prepared file and its lookup tables.
    std::fs::copy(root().join("mappings/shopify/order.map"), &mapping).expect("mapping");
    support::copy_tree(
        &root().join("mappings/shopify/tables"),
        &project.join("mappings/shopify/tables"),
    );
    let out = run(&mapc, &project, &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    let out = run(&mapc, &project, &["test"]);
    assert_eq!(out.status.code(), Some(1), "a new snapshot is pending");
    assert!(text(&out.stdout)
        .contains("PEND shopify.order mappings/shopify/samples/order/order.json: new snapshot"));
    let out = run(&mapc, &project, &["test", "--accept"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let out = run(&mapc, &project, &["test"]);
    assert_eq!(
        text(&out.stdout),
        "ok   shopify.order mappings/shopify/samples/order/order.json\n1 passed, 0 failed\n"
    );

    // Checks written as data beside the mapping hold beside the snapshot:
    // one that breaks fails the sample with the path and both values.
    let checks = project.join("mappings/shopify/order.checks.yaml");
    std::fs::write(
        &checks,
        "order.json:\n  id: \"shopify:450789469\"\n  totals.reconciliation.agrees: true\n",
    )
    .expect("checks");
    let out = run(&mapc, &project, &["test"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "FAIL shopify.order mappings/shopify/samples/order/order.json: record 1: totals.reconciliation.agrees is false, the checks want true (mappings/shopify/order.checks.yaml)\n0 passed, 1 failed\n"
    );
    std::fs::write(
        &checks,
        "\"*\":\n  currency: USD\n  lines[0].sku: IPOD2008GREEN\n",
    )
    .expect("checks");
    let out = run(&mapc, &project, &["test"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    std::fs::write(&checks, "page.json:\n  currency: USD\n").expect("checks");
    let out = run(&mapc, &project, &["test"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout)
            .contains("`page.json` is not a sample of this mapping (there are: order.json)"),
        "{}",
        text(&out.stdout)
    );
    std::fs::remove_file(&checks).expect("checks removed");

    // Compiled dependencies are kept between runs of this test, outside
    // the repository.
    let cache = support::build_cache();
    let cache = cache.to_string_lossy();
    let out = run(
        &mapc,
        &project,
        &["build", "--profile", "dev", "--target-dir", &cache],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).ends_with("built target/mapc/acme\n"),
        "{}",
        text(&out.stderr)
    );
    let binary = project.join("target/mapc/acme");

    let list = run(&binary, &project, &["list"]);
    assert_eq!(list.status.code(), Some(0), "{}", text(&list.stderr));
    let source_hash = mapc::artifact::sha256_hex(read(&mapping).as_bytes());
    let listed = text(&list.stdout);
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(
        lines[0],
        "# acme 0.1.0 (built by mapc 0.1.0, canonical model 1)"
    );
    assert!(
        lines[1].starts_with(&format!(
            "shopify.order\tSalesOrder\tmappings/shopify/order.map\t{source_hash}\t"
        )),
        "{listed}"
    );
    assert_eq!(lines.len(), 2);

    // The compiled mapping gives the evaluator's output, byte for byte.
    let sample = "mappings/shopify/samples/order/order.json";
    let compiled = run(
        &binary,
        &project,
        &["transform", "--mapping", "shopify.order", sample],
    );
    assert_eq!(
        compiled.status.code(),
        Some(0),
        "{}",
        text(&compiled.stderr)
    );
    let evaluated = run(
        &mapc,
        &project,
        &["run", "--compact", "mappings/shopify/order.map", sample],
    );
    assert_eq!(text(&compiled.stdout), text(&evaluated.stdout));
    assert!(text(&compiled.stdout).starts_with("{\"id\":\"shopify:450789469\""));

    // Reproducible: the same project at another path builds the same bytes.
    let twin = project.with_file_name("acme-twin");
    support::copy_tree(&project, &twin);
    std::fs::remove_dir_all(twin.join("target")).expect("the twin's build removed");
    let out = run(
        &mapc,
        &twin,
        &["build", "--profile", "dev", "--target-dir", &cache],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let built =
        |dir: &std::path::Path| std::fs::read(dir.join("target/mapc/acme")).expect("binary");
    assert!(
        built(&project) == built(&twin),
        "two builds of one project differ"
    );
}

#[test]
fn build_refuses_what_it_cannot_build_before_running_cargo() {
    let installed = install("install-refusals");
    let mapc = installed.mapc.clone();
    let dir = scratch("refusals");
    let out = run(&mapc, &dir, &["build"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("error: no mapc.toml in "),
        "{}",
        text(&out.stderr)
    );

    let out = run(&mapc, &dir, &["init", "--name", "refusals"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = run(&mapc, &dir, &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "error: no mappings in mappings (`mapc new <channel>.<object> --target <Canonical>` starts one)\n"
    );

    let broken = dir.join("mappings/test/broken.map");
    std::fs::create_dir_all(broken.parent().expect("folder")).expect("folder");
    std::fs::write(
        &broken,
        "mapping test.broken -> SalesOrder\n  source \"nope.json\"\n",
    )
    .expect("written");
    let out = run(&mapc, &dir, &["build", "--target-dir", "no-cargo-run"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("error: mapping(s) failed to compile: mappings/test/broken.map"),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.join("no-cargo-run").exists(), "cargo never ran");

    let manifest = dir.join("mapc.toml");
    std::fs::write(
        &manifest,
        read(&manifest).replace("canonical-model = \"1\"", "canonical-model = \"2\""),
    )
    .expect("written");
    let out = run(&mapc, &dir, &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr)
            .contains("canonical-model = \"2\", but this mapc carries canonical model 1"),
        "{}",
        text(&out.stderr)
    );
}
