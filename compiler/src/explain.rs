//! `mapc explain <CODE>`: a diagnostic code's entry of
//! `docs/diagnostics.md` (carried in `mapc`, see `embedded`), with the
//! wrong mapping of its case and the right one. The document is the one
//! source; the examples are the test cases, checked to yield the code
//! (wrong) and to compile (right).

use crate::embedded::{DIAGNOSTICS_DOC, EXAMPLES};

/// A code's explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// The entry: its heading line and text.
    pub entry: String,
    /// The case named by the entry (`Case: \`name\``), when it has one.
    pub case: Option<String>,
    /// The case's mapping, which yields the code.
    pub wrong: Option<&'static str>,
    /// The case's `right.map`, which compiles.
    pub right: Option<&'static str>,
}

/// The explanation of `code` (`E301`, `w301`, `R104`, `S105`).
pub fn explain(code: &str) -> Option<Explanation> {
    let code = code.to_ascii_uppercase();
    let heading = format!("### {code} ");
    let start = DIAGNOSTICS_DOC.find(&heading)?;
    let rest = DIAGNOSTICS_DOC.get(start..)?;
    let end = rest
        .get(4..)
        .and_then(|r| r.find("\n### ").or_else(|| r.find("\n## ")))
        .map_or(rest.len(), |i| i + 4);
    let entry = rest.get(..end)?.trim_end().to_owned();
    let case = first_case(&entry);
    let example = |file: &str| {
        let name = format!("{}/{file}", case.as_deref()?);
        EXAMPLES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
    };
    Some(Explanation {
        wrong: example("mapping.map"),
        right: example("right.map"),
        entry,
        case,
    })
}

/// The first case an entry names: `Case: \`x\`` or `Cases: \`x\`, ...`.
fn first_case(entry: &str) -> Option<String> {
    let at = entry
        .find("Case: `")
        .map(|i| i + 7)
        .or_else(|| entry.find("Cases: `").map(|i| i + 8))?;
    let rest = entry.get(at..)?;
    let end = rest.find('`')?;
    Some(rest.get(..end)?.to_owned())
}

/// The explanation as `mapc explain` prints it.
pub fn render(explanation: &Explanation) -> String {
    let mut out = explanation.entry.trim_start_matches("### ").to_owned();
    out.push('\n');
    if let (Some(case), Some(wrong)) = (&explanation.case, explanation.wrong) {
        out.push_str(&format!(
            "\nWrong (tests/cases/errors/{case}/mapping.map):\n\n{}",
            indent(wrong)
        ));
    }
    if let (Some(case), Some(right)) = (&explanation.case, explanation.right) {
        out.push_str(&format!(
            "\nRight (tests/cases/errors/{case}/right.map):\n\n{}",
            indent(right)
        ));
    }
    out
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_owned()
            } else {
                format!("    {l}\n")
            }
        })
        .collect()
}
