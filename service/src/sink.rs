//! Where canonical records and dead letters go: stdout as NDJSON, a file
//! (appended, one write per payload so lines never interleave), or a NATS
//! JetStream subject, each message carrying its key as `Nats-Msg-Id` so
//! JetStream drops a duplicate within its window. A sink has delivered a
//! payload's lines only when every publish is acknowledged.

use crate::metrics::Metrics;
use async_nats::jetstream::{self, message::PublishMessage};
use bytes::Bytes;
use std::fmt;
use std::path::PathBuf;
use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;

/// One line to deliver, and its key for JetStream's de-duplication.
#[derive(Debug, Clone)]
pub struct Item {
    /// The JSON text, without a newline.
    pub line: Bytes,
    /// Its `Nats-Msg-Id`, when it has one.
    pub key: Option<String>,
    /// The delivery it came from, as the `Maprt-Correlation-Id` header.
    pub correlation_id: Option<String>,
}

/// The header a published message names its delivery in.
pub const CORRELATION_HEADER: &str = "Maprt-Correlation-Id";

/// Where a sink writes, as the operator names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Standard output, NDJSON.
    Stdout,
    /// A file, appended to.
    File(PathBuf),
    /// A JetStream subject (`nats:canonical.orders`).
    Nats(String),
}

impl Target {
    /// Read `stdout`, `file:PATH` or `nats:SUBJECT`.
    pub fn parse(text: &str) -> Result<Target, String> {
        if text == "stdout" {
            Ok(Target::Stdout)
        } else if let Some(path) = text.strip_prefix("file:") {
            Ok(Target::File(PathBuf::from(path)))
        } else if let Some(subject) = text.strip_prefix("nats:") {
            if subject.is_empty() || subject.contains(char::is_whitespace) {
                return Err(format!("`{text}`: a NATS subject is a non-empty word"));
            }
            Ok(Target::Nats(subject.to_owned()))
        } else {
            Err(format!(
                "`{text}`: expected stdout, file:PATH or nats:SUBJECT"
            ))
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Stdout => f.write_str("stdout"),
            Target::File(path) => write!(f, "file:{}", path.display()),
            Target::Nats(subject) => write!(f, "nats:{subject}"),
        }
    }
}

/// An open sink.
pub enum Sink {
    /// Standard output.
    Stdout(Mutex<tokio::io::Stdout>),
    /// An open file.
    File(Mutex<tokio::fs::File>),
    /// A JetStream subject.
    Nats {
        /// The JetStream context of the connection.
        jetstream: jetstream::Context,
        /// The subject published to.
        subject: String,
    },
}

/// Why a sink did not take a payload's lines.
#[derive(Debug)]
pub struct SinkError(pub String);

impl fmt::Display for SinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Sink {
    /// Open `target` (`jetstream`: the connection, for a NATS target).
    pub async fn open(
        target: &Target,
        jetstream: Option<&jetstream::Context>,
    ) -> Result<Sink, String> {
        match target {
            Target::Stdout => Ok(Sink::Stdout(Mutex::new(tokio::io::stdout()))),
            Target::File(path) => tokio::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .await
                .map(|file| Sink::File(Mutex::new(file)))
                .map_err(|e| format!("cannot open `{}`: {e}", path.display())),
            Target::Nats(subject) => match jetstream {
                Some(jetstream) => Ok(Sink::Nats {
                    jetstream: jetstream.clone(),
                    subject: subject.clone(),
                }),
                None => Err(format!("`nats:{subject}` needs --nats <URL>")),
            },
        }
    }

    /// Deliver `items` (of `kind`, for metrics: `record`, `dead_letter`,
    /// `payload`): written and flushed, or published and acknowledged.
    pub async fn send(
        &self,
        items: &[Item],
        kind: &'static str,
        metrics: &Metrics,
    ) -> Result<(), SinkError> {
        if items.is_empty() {
            return Ok(());
        }
        match self {
            Sink::Stdout(out) => write_lines(&mut *out.lock().await, items).await,
            Sink::File(file) => write_lines(&mut *file.lock().await, items).await,
            Sink::Nats { jetstream, subject } => {
                publish(jetstream, subject, items, kind, metrics).await
            }
        }
    }
}

/// All `items` as NDJSON in one write, then flushed.
async fn write_lines(
    out: &mut (impl AsyncWriteExt + Unpin),
    items: &[Item],
) -> Result<(), SinkError> {
    let mut text = Vec::with_capacity(items.iter().map(|i| i.line.len() + 1).sum());
    for item in items {
        text.extend_from_slice(&item.line);
        text.push(b'\n');
    }
    let write = async {
        out.write_all(&text).await?;
        out.flush().await
    };
    write
        .await
        .map_err(|e| SinkError(format!("cannot write: {e}")))
}

/// Publish every item, then wait for every acknowledgement.
async fn publish(
    jetstream: &jetstream::Context,
    subject: &str,
    items: &[Item],
    kind: &'static str,
    metrics: &Metrics,
) -> Result<(), SinkError> {
    let mut acks = Vec::with_capacity(items.len());
    for item in items {
        let mut message = PublishMessage::build().payload(item.line.clone());
        if let Some(key) = &item.key {
            message = message.message_id(key);
        }
        if let Some(id) = &item.correlation_id {
            message = message.header(CORRELATION_HEADER, id.as_str());
        }
        let ack = jetstream
            .send_publish(subject.to_owned(), message)
            .await
            .map_err(|e| SinkError(format!("cannot publish to `{subject}`: {e}")))?;
        acks.push(ack);
    }
    for ack in acks {
        let ack = ack
            .await
            .map_err(|e| SinkError(format!("`{subject}` did not acknowledge: {e}")))?;
        metrics.publish(kind, ack.duplicate);
    }
    Ok(())
}

/// Connect to NATS at `url` (`nats://127.0.0.1:4222`), the connection
/// named for the server's monitoring.
pub async fn connect(url: &str, name: &str) -> Result<async_nats::Client, String> {
    async_nats::ConnectOptions::new()
        .name(name)
        .connect(url)
        .await
        .map_err(|e| format!("cannot connect to NATS at `{url}`: {e}"))
}
