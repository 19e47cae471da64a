//! The progress bar of a batch run: payloads, bytes, rate and (for a file
//! of known size) ETA, drawn on stderr when it is a terminal and the run is
//! not in CI; nothing otherwise (indicatif draws nothing on a pipe).

use clap::ValueEnum;
use host::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// `--progress`: whether to draw the bar.
#[derive(Clone, Copy, ValueEnum)]
pub enum When {
    /// When stderr is a terminal and `CI` is not set
    Auto,
    /// Whenever stderr is a terminal, also in CI
    Always,
    /// Never
    Never,
}

impl When {
    fn shown(self) -> bool {
        match self {
            When::Always => std::io::stderr().is_terminal(),
            When::Never => false,
            When::Auto => std::io::stderr().is_terminal() && std::env::var_os("CI").is_none(),
        }
    }
}

/// Run `work`, drawing `progress` meanwhile as `when` says; `total` is the
/// input's size in bytes when known.
pub fn while_running<T>(
    when: When,
    progress: &Progress,
    total: Option<u64>,
    work: impl FnOnce() -> T,
) -> T {
    if !when.shown() {
        return work();
    }
    let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr());
    let template = match total {
        Some(_) => "{bar:30} {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta} {msg}",
        None => "{spinner} {bytes} {binary_bytes_per_sec} {elapsed} {msg}",
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    let done = AtomicBool::new(false);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            while !done.load(Ordering::Relaxed) {
                bar.set_position(progress.bytes.load(Ordering::Relaxed));
                bar.set_message(format!(
                    "{} payloads",
                    progress.payloads.load(Ordering::Relaxed)
                ));
                std::thread::sleep(Duration::from_millis(100));
            }
            bar.finish_and_clear();
        });
        let result = work();
        done.store(true, Ordering::Relaxed);
        result
    })
}
