//! `mapc`: check, run, emit and contract-test mappings. All file IO of the
//! compiler happens in the command line (`cli/`) and in `project`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
