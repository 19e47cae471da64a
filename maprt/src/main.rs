//! `maprt`: the runtime command line (`maprt_cli`) over this repository's
//! mappings.

fn main() -> std::process::ExitCode {
    maprt_cli::main(&maprt::ARTIFACT)
}
