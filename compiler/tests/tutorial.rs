//! `docs/tutorial.md`, run as written: every `sh` block's commands in an
//! empty temporary folder, with an installed `mapc` on the PATH and a
//! shell's environment, each command's exit code checked (0, or the
//! `# exit N` written after it).
#![allow(clippy::expect_used)] // a panic in a test helper is a failed test

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use support::{install, root, scratch, shell_environment, text};

/// One command of the tutorial and the exit code it is written to have.
struct Step {
    command: String,
    exit: i32,
}

/// The commands of every `sh` block not marked `<!-- not run ... -->`; a
/// heredoc is one command with its text.
fn steps(markdown: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut lines = markdown.lines().peekable();
    let mut skip_next = false;
    while let Some(line) = lines.next() {
        if line.starts_with("<!-- not run") {
            skip_next = true;
            continue;
        }
        if line != "```sh" {
            continue;
        }
        let skip = std::mem::take(&mut skip_next);
        while let Some(line) = lines.next() {
            if line == "```" {
                break;
            }
            if skip || line.trim().is_empty() {
                continue;
            }
            let mut command = line.to_owned();
            if let Some(at) = line.find("<<'") {
                let end = line[at + 3..].trim_end_matches('\'').to_owned();
                for body in lines.by_ref() {
                    command.push('\n');
                    command.push_str(body);
                    if body == end {
                        break;
                    }
                }
            }
            let (command, exit) = match command.rsplit_once(" # exit ") {
                Some((command, code)) => {
                    (command.to_owned(), code.trim().parse().expect("exit code"))
                }
                None => (command, 0),
            };
            steps.push(Step { command, exit });
        }
    }
    steps
}

#[test]
fn the_tutorial_runs_as_written() {
    let markdown = std::fs::read_to_string(root().join("docs/tutorial.md")).expect("tutorial");
    let steps = steps(&markdown);
    assert!(steps.len() >= 10, "{} commands", steps.len());
    let installed = install("tutorial-install");
    let mapc = installed.mapc.clone();
    let bin = mapc.parent().expect("bin").to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH");
    let start = scratch("tutorial");
    let mut cwd: PathBuf = start.to_path_buf();
    let mut last = String::new();
    for step in &steps {
        if let Some(dir) = step.command.strip_prefix("cd ") {
            cwd = cwd.join(dir);
            assert!(cwd.is_dir(), "cd {}", cwd.display());
            continue;
        }
        let mut command = Command::new("bash");
        command.args(["-c", &step.command]).current_dir(&cwd);
        shell_environment(&mut command);
        command
            .env("PATH", &path)
            // Compiled dependencies are kept between runs, outside the repository.
            .env("CARGO_TARGET_DIR", support::build_cache());
        let out = command.output().expect("bash runs");
        assert_eq!(
            out.status.code(),
            Some(step.exit),
            "`{}` in {}\nstdout:\n{}\nstderr:\n{}",
            step.command,
            relative(&cwd, &start),
            text(&out.stdout),
            text(&out.stderr)
        );
        last = text(&out.stdout);
    }
    // The last command transforms the sample with the built binary.
    let record: serde_json::Value = serde_json::from_str(last.trim()).expect("one record");
    assert_eq!(record["id"], "shopify:905684977:808950810");
    assert_eq!(record["available"], 6);
    assert_eq!(record["source"]["source_timestamp"], "2018-05-07T19:51:26Z");
}

fn relative(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .display()
        .to_string()
}
