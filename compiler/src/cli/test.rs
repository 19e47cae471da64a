//! `mapc test`: every sample of every mapping through the evaluator,
//! checked against the target schema and compared with its snapshot;
//! missing or changed snapshots become pending (`.snap.new`) until
//! `--accept` or `--review` accepts them.

use super::check::compile_file;
use super::report::{self, CaseFailure, Format};
use super::snapshot::{Snapshot, Verdict};
use super::{default_paths, find_mappings, Failure};
use clap::Args;
use mapc::{contract, project};
use quick_junit::TestSuite;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

/// `mapc test`'s arguments.
#[derive(Args)]
pub struct TestArgs {
    /// Mapping files or folders (default: mappings)
    paths: Vec<PathBuf>,
    /// How results are reported
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Accept every new or changed snapshot of the mappings tested
    #[arg(long, conflicts_with = "review")]
    accept: bool,
    /// Show each new or changed snapshot and ask whether to accept it (on a terminal)
    #[arg(long)]
    review: bool,
    /// After each mapping's samples, report which assignments, `if` branches, `match` arms and table keys they exercised, and list what none did
    #[arg(long)]
    coverage: bool,
}

impl TestArgs {
    /// `mapc test PATHS`, reported for people, nothing accepted.
    pub fn of(paths: Vec<PathBuf>) -> Self {
        Self {
            paths,
            format: Format::Human,
            accept: false,
            review: false,
            coverage: false,
        }
    }
}

/// What became of one sample.
enum Outcome {
    Passed,
    /// The output is new or changed and was accepted.
    Accepted,
    /// The output is new or changed; `.snap.new` holds it.
    Pending {
        pending: PathBuf,
        /// The diff from the snapshot (none for a new one).
        diff: Option<String>,
    },
    Failed(String),
}

/// What to do with a new or changed snapshot.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Decide {
    Pend,
    Accept,
    Ask,
}

/// An answer at the review prompt.
enum Answer {
    Yes,
    No,
    /// This one and the rest stay pending.
    Quit,
}

pub fn test(args: TestArgs) -> Result<bool, Failure> {
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if args.review && !interactive {
        return Err(Failure::Usage(
            "--review asks on a terminal; accept with `--accept` instead".to_owned(),
        ));
    }
    let mut decide = match (args.accept, args.review) {
        (true, _) => Decide::Accept,
        (_, true) => Decide::Ask,
        _ => Decide::Pend,
    };
    let format = args.format;
    let files = find_mappings(&default_paths(args.paths))?;
    let session = mapc::Session::new(&project::read_file);
    let mut tally = Tally::default();
    let mut suites = Vec::new();
    for file in &files {
        let shown_as = if format == Format::Human {
            Format::Short
        } else {
            format
        };
        let (compiled, shown) = compile_file(&session, file, shown_as)?;
        let name = file.to_string_lossy().into_owned();
        let Some(ir) = compiled.mapping else {
            // People saw the diagnostics on stderr just now; reports carry them.
            let why = match format {
                Format::Human | Format::Short => "does not compile".to_owned(),
                _ => format!("does not compile\n{}", shown.join("\n")),
            };
            let failure = Outcome::Failed(why);
            let mut suite = TestSuite::new(name.as_str());
            tally.report(format, &mut suite, file, &name, None, &failure);
            suites.push(suite);
            continue;
        };
        let mut suite = TestSuite::new(ir.id.as_str());
        let prepared = compiled
            .target_schema
            .as_deref()
            .ok_or_else(|| "no target schema".to_owned())
            .and_then(|p| contract::TargetSchema::load(p, &project::read_file))
            .and_then(|schema| {
                let params = project::sample_params(file)?;
                host::params::supply(&ir.id, &ir.param_decls(), &params)
                    .map_err(|why| format!("sample parameters: {why}"))?;
                Ok(schema)
            });
        let schema = match prepared {
            Ok(schema) => schema,
            Err(why) => {
                tally.report(
                    format,
                    &mut suite,
                    file,
                    &ir.id,
                    None,
                    &Outcome::Failed(why),
                );
                suites.push(suite);
                continue;
            }
        };
        let samples = project::samples_for(file);
        if samples.is_empty() {
            let dir = project::sample_dir(file).unwrap_or_default();
            let why = format!("no samples in {}", dir.display());
            tally.report(
                format,
                &mut suite,
                file,
                &ir.id,
                None,
                &Outcome::Failed(why),
            );
        }
        let checks = match mapc::checks::load(file, &samples) {
            Ok(checks) => checks,
            Err(why) => {
                let failure = Outcome::Failed(why);
                tally.report(format, &mut suite, file, &ir.id, None, &failure);
                suites.push(suite);
                continue;
            }
        };
        // What the samples exercise, tracked only when asked for.
        let mut hits = args.coverage.then(mapc::eval::coverage::Hits::default);
        for sample in samples {
            let output = sample_output(&ir, &schema, &checks, &sample, hits.as_mut());
            let outcome = match output {
                Err(why) => Outcome::Failed(why),
                Ok(body) => snapshot_outcome(file, &ir.id, &sample, body, &mut decide)?,
            };
            tally.report(format, &mut suite, file, &ir.id, Some(&sample), &outcome);
        }
        if let Some(hits) = &hits {
            let report = mapc::eval::coverage::report(&ir, hits);
            match format {
                Format::Human | Format::Short => print!("{report}"),
                _ => eprint!("{report}"),
            }
        }
        suites.push(suite);
    }
    match format {
        Format::Junit => report::junit("mapc test", suites)?,
        Format::Json => report::json_line(&serde_json::json!({
            "type": "summary", "passed": tally.passed, "accepted": tally.accepted,
            "pending": tally.pending, "failed": tally.failed,
        })),
        _ => {}
    }
    let mut summary = format!("{} passed, {} failed", tally.passed, tally.failed);
    if tally.accepted > 0 {
        summary.push_str(&format!(", {} accepted", tally.accepted));
    }
    if tally.pending > 0 {
        summary.push_str(&format!(
            ", {} pending (review with `mapc test --review` or accept with `mapc test --accept`)",
            tally.pending
        ));
    }
    let mut line = std::io::stdout().lock();
    if matches!(format, Format::Human | Format::Short) {
        let _ = writeln!(line, "{summary}");
    } else {
        eprintln!("{summary}");
    }
    Ok(tally.failed == 0 && tally.pending == 0)
}

/// The canonical output of every record of a sample, checked against the
/// target schema and the mapping's declarative checks, as snapshot text.
fn sample_output(
    ir: &mapc::ir::Mapping,
    schema: &contract::TargetSchema,
    checks: &mapc::checks::Checks,
    sample: &Path,
    mut hits: Option<&mut mapc::eval::coverage::Hits>,
) -> Result<String, String> {
    let input = project::read_sample(sample, &ir.inputs, &ir.optional_inputs)?;
    let mut outputs = Vec::new();
    for (i, record) in contract::sample_records(ir, &input)?.iter().enumerate() {
        let out = match hits.as_deref_mut() {
            Some(hits) => mapc::eval::run_covered(ir, record, hits),
            None => mapc::eval::run(ir, record),
        }
        .map_err(|e| format!("record {}: {e}", i + 1))?;
        // None: filtered out by the mapping's `where`; several: emitted.
        for record in contract::records(&out) {
            let problems = schema.problems(record)?;
            if let Some(first) = problems.first() {
                return Err(format!(
                    "record {}: output breaks the target schema: {first}",
                    i + 1
                ));
            }
            outputs.push(record.to_vec());
        }
    }
    if !checks.is_empty() {
        let records: Vec<serde_json::Value> = outputs
            .iter()
            .map(|r| serde_json::from_slice(r).map_err(|e| e.to_string()))
            .collect::<Result<_, _>>()?;
        let failures = checks.failures(sample, &records);
        if !failures.is_empty() {
            return Err(failures.join("\n"));
        }
    }
    contract::snapshot_text(&outputs)
}

/// Compare the output with the snapshot, and pend, accept or ask.
fn snapshot_outcome(
    file: &Path,
    id: &str,
    sample: &Path,
    body: String,
    decide: &mut Decide,
) -> Result<Outcome, Failure> {
    let path = project::snapshot_for(file, sample)
        .ok_or_else(|| format!("{}: no snapshot name", sample.display()))?;
    let snapshot = Snapshot::new(path, id, sample, body)?;
    let diff = match snapshot.verdict()? {
        Verdict::Matches => {
            snapshot.drop_pending()?;
            return Ok(Outcome::Passed);
        }
        Verdict::New => None,
        Verdict::Changed(diff) => Some(diff),
    };
    let accept = match *decide {
        Decide::Accept => true,
        Decide::Pend => false,
        Decide::Ask => match ask(&snapshot, sample, diff.as_deref())? {
            Answer::Yes => true,
            Answer::No => false,
            Answer::Quit => {
                *decide = Decide::Pend;
                false
            }
        },
    };
    if accept {
        snapshot.accept()?;
        return Ok(Outcome::Accepted);
    }
    let pending = snapshot.write_pending()?;
    Ok(Outcome::Pending { pending, diff })
}

/// Show a new or changed snapshot on the terminal and read the answer.
fn ask(snapshot: &Snapshot, sample: &Path, diff: Option<&str>) -> Result<Answer, Failure> {
    let mut err = std::io::stderr().lock();
    match diff {
        Some(diff) => writeln!(err, "\nchanged: {}\n{diff}", snapshot.path.display())?,
        None => writeln!(
            err,
            "\nnew: {} (from {})\n{}",
            snapshot.path.display(),
            sample.display(),
            snapshot.body()
        )?,
    }
    loop {
        write!(
            err,
            "accept? [y]es, [n]o (keep pending), [q]uit (keep the rest pending): "
        )?;
        err.flush()?;
        let mut answer = String::new();
        if std::io::stdin().lock().read_line(&mut answer)? == 0 {
            return Ok(Answer::Quit);
        }
        match answer.trim() {
            "y" | "yes" => return Ok(Answer::Yes),
            "n" | "no" => return Ok(Answer::No),
            "q" | "quit" => return Ok(Answer::Quit),
            _ => {}
        }
    }
}

/// Counts of outcomes, and each one reported as it comes.
#[derive(Default)]
struct Tally {
    passed: usize,
    accepted: usize,
    pending: usize,
    failed: usize,
}

impl Tally {
    /// Count `outcome` and report it in `format` (for `junit`, into
    /// `suite`).
    fn report(
        &mut self,
        format: Format,
        suite: &mut TestSuite,
        file: &Path,
        id: &str,
        sample: Option<&Path>,
        outcome: &Outcome,
    ) {
        let (word, message, details, failure_kind) = match outcome {
            Outcome::Passed => {
                self.passed += 1;
                ("ok", String::new(), String::new(), None)
            }
            Outcome::Accepted => {
                self.accepted += 1;
                ("accepted", String::new(), String::new(), None)
            }
            Outcome::Pending { pending, diff } => {
                self.pending += 1;
                let message = match diff {
                    Some(_) => format!("output differs from its snapshot: {}", pending.display()),
                    None => format!("new snapshot: {}", pending.display()),
                };
                (
                    "pending",
                    message,
                    diff.clone().unwrap_or_default(),
                    Some("snapshot"),
                )
            }
            Outcome::Failed(why) => {
                self.failed += 1;
                let (first, rest) = why.split_once('\n').unwrap_or((why, ""));
                ("failed", first.to_owned(), rest.to_owned(), Some("failure"))
            }
        };
        let shown = sample.map_or_else(|| file.display().to_string(), |s| s.display().to_string());
        let mut out = std::io::stdout().lock();
        // A closed stdout cannot be reported to; the exit code still is.
        let _ = match format {
            Format::Human | Format::Short => {
                let tag = match word {
                    "ok" => "ok  ",
                    "accepted" => "ACPT",
                    "pending" => "PEND",
                    _ => "FAIL",
                };
                let mut line = format!("{tag} {id} {shown}");
                if !message.is_empty() {
                    line.push_str(": ");
                    line.push_str(&message);
                }
                if format == Format::Human && !details.is_empty() {
                    line.push('\n');
                    line.push_str(details.trim_end());
                }
                writeln!(out, "{line}")
            }
            Format::Json => writeln!(
                out,
                "{}",
                serde_json::json!({
                    "type": "test", "mapping": id, "file": file.to_string_lossy(),
                    "sample": sample.map(|s| s.to_string_lossy()), "outcome": word,
                    "message": (!message.is_empty()).then_some(&message),
                    "details": (!details.is_empty()).then_some(&details),
                })
            ),
            Format::Github => match failure_kind {
                None => Ok(()),
                Some(_) => {
                    let text = format!("{id} {shown}: {message}\n{details}");
                    writeln!(
                        out,
                        "::error file={},title={}::{}",
                        mapc::diagnostics::escape_property(&file.to_string_lossy()),
                        mapc::diagnostics::escape_property(&format!("mapc test: {word}")),
                        mapc::diagnostics::escape_data(text.trim_end())
                    )
                }
            },
            Format::Junit => Ok(()),
        };
        let failure = failure_kind.map(|kind| CaseFailure {
            kind,
            message,
            details,
        });
        suite.add_test_case(report::case(&shown, id, failure));
    }
}
