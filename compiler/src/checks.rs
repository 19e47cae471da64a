//! Declarative checks a team writes next to a mapping: what the records
//! of its samples must hold, whatever a snapshot says (an order's totals
//! agree, a refund's amount is what the channel's dashboard showed). They
//! live in `<mapping>.checks.yaml` beside the `.map` file:
//!
//! ```yaml
//! # every sample: each record's reconciliation agrees
//! "*":
//!   totals.reconciliation.agrees: true
//! # one sample, by file name: exact values at JSON paths
//! order.json:
//!   id: "shopify:450789469"
//!   lines[0].unit_price: {amount: "199.00", currency: "USD"}
//!   cancelled_at: null        # absent (or null)
//! ```
//!
//! Every record a sample produces must hold every check of `*` and of its
//! own name; `mapc test` fails the sample otherwise, naming the path, the
//! value wanted and the value found. A name that is no sample is an error,
//! so a renamed sample cannot silently lose its checks.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The checks of one mapping.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Checks {
    /// The file they were read from.
    pub file: PathBuf,
    /// Per sample name (`*`: every sample), path -> value wanted.
    by_sample: BTreeMap<String, BTreeMap<String, Value>>,
}

/// `mappings/shop/order.map` -> `mappings/shop/order.checks.yaml`.
pub fn checks_file(mapping: &Path) -> Option<PathBuf> {
    let stem = mapping.file_stem()?.to_str()?;
    Some(mapping.with_file_name(format!("{stem}.checks.yaml")))
}

/// The checks of a mapping: none when it has no checks file; an error for
/// a file that is not a map of sample names to maps of paths and values,
/// or that names a sample `samples` does not hold.
pub fn load(mapping: &Path, samples: &[PathBuf]) -> Result<Checks, String> {
    let Some(file) = checks_file(mapping).filter(|f| f.is_file()) else {
        return Ok(Checks::default());
    };
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let by_sample: BTreeMap<String, BTreeMap<String, Value>> = serde_yaml::from_str(&text)
        .map_err(|e| {
            format!(
                "{}: {e} (write sample names, or \"*\", each with `path: value` lines)",
                file.display()
            )
        })?;
    let names: Vec<String> = samples.iter().filter_map(|s| sample_name(s)).collect();
    for (name, paths) in &by_sample {
        if name != "*" && !names.contains(name) {
            return Err(format!(
                "{}: `{name}` is not a sample of this mapping (there are: {})",
                file.display(),
                names.join(", ")
            ));
        }
        for path in paths.keys() {
            steps(path).map_err(|why| format!("{}: `{path}`: {why}", file.display()))?;
        }
    }
    Ok(Checks { file, by_sample })
}

fn sample_name(sample: &Path) -> Option<String> {
    Some(sample.file_name()?.to_str()?.to_owned())
}

impl Checks {
    /// Whether there are any.
    pub fn is_empty(&self) -> bool {
        self.by_sample.is_empty()
    }

    /// Every check `records` (the outputs of `sample`, as JSON) break, one
    /// line each: `record 2: totals.agrees is false, the checks want true`.
    pub fn failures(&self, sample: &Path, records: &[Value]) -> Vec<String> {
        let own = sample_name(sample).and_then(|n| self.by_sample.get(&n));
        let wanted = self.by_sample.get("*").into_iter().chain(own).flatten();
        let mut failures = Vec::new();
        for (path, want) in wanted {
            // Checked when loaded: a path always has its steps here.
            let steps = steps(path).unwrap_or_default();
            for (i, record) in records.iter().enumerate() {
                let found = at(record, &steps);
                let holds = match (want, found) {
                    (Value::Null, None | Some(Value::Null)) => true,
                    (want, Some(found)) => want == found,
                    (_, None) => false,
                };
                if !holds {
                    let found = found.map_or("absent".to_owned(), Value::to_string);
                    failures.push(format!(
                        "record {}: {path} is {found}, the checks want {want} ({})",
                        i + 1,
                        self.file.display()
                    ));
                }
            }
        }
        failures
    }
}

/// One step of a check's path.
#[derive(Debug, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

/// `lines[0].unit_price` -> key, index, key.
fn steps(path: &str) -> Result<Vec<Step>, String> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        if key.is_empty() && steps.is_empty() {
            return Err("a path starts with a field name: `totals.agrees`".to_owned());
        }
        if !key.is_empty() {
            steps.push(Step::Key(key.to_owned()));
        }
        while let Some(inner) = rest.strip_prefix('[') {
            let (index, after) = inner
                .split_once(']')
                .ok_or_else(|| "an index is written `[0]`".to_owned())?;
            let index = index
                .parse()
                .map_err(|_| format!("`[{index}]` is not an index"))?;
            steps.push(Step::Index(index));
            rest = after;
        }
        if !rest.is_empty() {
            return Err(format!("`{rest}` after an index"));
        }
    }
    Ok(steps)
}

fn at<'v>(value: &'v Value, steps: &[Step]) -> Option<&'v Value> {
    steps.iter().try_fold(value, |v, step| match step {
        Step::Key(key) => v.get(key),
        Step::Index(i) => v.get(i),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn checks(yaml: &str) -> Checks {
        Checks {
            file: PathBuf::from("order.checks.yaml"),
            by_sample: serde_yaml::from_str(yaml).unwrap_or_default(),
        }
    }

    #[test]
    fn every_record_holds_the_checks_of_star_and_of_its_sample() {
        let c = checks(
            "\"*\":\n  totals.agrees: true\norder.json:\n  lines[1].sku: B\n  cancelled_at: null\n",
        );
        let good = json!({"totals": {"agrees": true}, "lines": [{"sku": "A"}, {"sku": "B"}]});
        let sample = Path::new("samples/order/order.json");
        assert_eq!(
            c.failures(sample, std::slice::from_ref(&good)),
            Vec::<String>::new()
        );
        let bad = json!({"totals": {"agrees": false}, "lines": [], "cancelled_at": "x"});
        assert_eq!(
            c.failures(sample, &[good, bad]),
            [
                "record 2: totals.agrees is false, the checks want true (order.checks.yaml)",
                "record 2: cancelled_at is \"x\", the checks want null (order.checks.yaml)",
                "record 2: lines[1].sku is absent, the checks want \"B\" (order.checks.yaml)",
            ]
        );
        // Another sample holds only the checks of `*`.
        let other = json!({"totals": {"agrees": true}});
        assert!(c.failures(Path::new("page.json"), &[other]).is_empty());
    }

    #[test]
    fn paths_are_field_names_and_indexes() {
        assert_eq!(
            steps("lines[0].unit_price"),
            Ok(vec![
                Step::Key("lines".into()),
                Step::Index(0),
                Step::Key("unit_price".into())
            ])
        );
        assert!(steps("[0]").is_err());
        assert!(steps("lines[x]").is_err());
        assert!(steps("lines[0]x").is_err());
    }
}
