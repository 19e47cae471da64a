//! `maprt worker`: channel payloads from a NATS JetStream durable pull
//! consumer, through one mapping, canonical records and dead letters
//! published back to JetStream.
//!
//! Any number of workers on any number of machines share one durable
//! consumer; JetStream hands each message to one of them and delivers it
//! again if it is not acknowledged within the consumer's ack wait (a
//! worker killed mid-message). A message is acknowledged only after every
//! record and dead letter it produced is acknowledged by JetStream, so
//! delivery is at least once; each record is published with its
//! idempotency key as `Nats-Msg-Id` and each dead letter with the input's
//! stream sequence, so JetStream drops the copies a redelivery makes
//! within the output stream's duplicate window.

use crate::limits::{json_depth_exceeds, Limits};
use crate::metrics::Metrics;
use crate::process::{process_delivery, Processed};
use crate::sink::{Sink, SinkError, CORRELATION_HEADER};
use async_nats::jetstream::{self, consumer::pull, consumer::AckPolicy, AckKind};
use bytes::Bytes;
use futures_util::StreamExt;
use runtime::{CompiledMapping, SourceFormat};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Everything `worker` is started with.
pub struct WorkerConfig {
    /// The connection.
    pub client: async_nats::Client,
    /// The stream the payloads are in.
    pub stream: String,
    /// The durable consumer's name, shared by every worker.
    pub consumer: String,
    /// Only payloads on this subject (when the consumer is created).
    pub filter_subject: Option<String>,
    /// The mapping every payload goes through.
    pub mapping: &'static CompiledMapping,
    /// The subject canonical records are published to.
    pub subject_out: String,
    /// The subject dead letters are published to.
    pub dead_letter_subject: String,
    /// Messages handled at once by this worker.
    pub concurrency: usize,
    /// Size and nesting limits of a payload.
    pub limits: Limits,
    /// How long JetStream waits for an ack before delivering again.
    pub ack_wait: Duration,
}

/// Consume until SIGTERM or SIGINT, then finish the messages in hand.
pub async fn work(config: WorkerConfig, metrics: Arc<Metrics>) -> Result<(), String> {
    let jetstream = jetstream::new(config.client.clone());
    let stream = jetstream
        .get_stream(&config.stream)
        .await
        .map_err(|e| format!("stream `{}`: {e}", config.stream))?;
    let consumer: jetstream::consumer::PullConsumer = stream
        .get_or_create_consumer(
            &config.consumer,
            pull::Config {
                durable_name: Some(config.consumer.clone()),
                ack_policy: AckPolicy::Explicit,
                ack_wait: config.ack_wait,
                filter_subject: config.filter_subject.clone().unwrap_or_default(),
                ..Default::default()
            },
        )
        .await
        .map_err(|e| format!("consumer `{}` on `{}`: {e}", config.consumer, config.stream))?;
    let messages = consumer
        .messages()
        .await
        .map_err(|e| format!("consumer `{}`: {e}", config.consumer))?;
    let out = Sink::Nats {
        jetstream: jetstream.clone(),
        subject: config.subject_out.clone(),
    };
    let dead = Sink::Nats {
        jetstream,
        subject: config.dead_letter_subject.clone(),
    };
    tracing::info!(
        stream = config.stream.as_str(),
        consumer = config.consumer.as_str(),
        mapping = config.mapping.id,
        "consuming"
    );
    let config = &config;
    let (out, dead, metrics) = (&out, &dead, &metrics);
    messages
        .take_until(crate::shutdown::signal())
        .for_each_concurrent(config.concurrency, |message| async move {
            match message {
                Ok(message) => handle(config, out, dead, metrics, message).await,
                Err(error) => tracing::warn!(%error, "consumer"),
            }
        })
        .await;
    tracing::info!("stopped");
    Ok(())
}

/// One message: processed, published, then acknowledged (or handed back
/// for another delivery when a publish failed).
async fn handle(
    config: &WorkerConfig,
    out: &Sink,
    dead: &Sink,
    metrics: &Metrics,
    message: jetstream::Message,
) {
    let started = Instant::now();
    metrics.in_flight.inc();
    // A JetStream delivery always says its stream sequence; without it a
    // dead letter gets no de-duplication key rather than a shared one.
    let (sequence, pending) = message
        .info()
        .map_or((None, 0), |info| (Some(info.stream_sequence), info.pending));
    metrics.consumer_pending.set(pending as i64);
    let headers = message.headers.as_ref();
    let correlation_id = headers
        .and_then(|h| h.get(CORRELATION_HEADER))
        .or_else(|| headers.and_then(|h| h.get(async_nats::header::NATS_MESSAGE_ID)))
        .map(|v| v.as_str().to_owned())
        .or_else(|| sequence.map(|seq| format!("{}:{seq}", config.stream)))
        .unwrap_or_else(crate::correlation::generate);
    let processed = run(config, message.payload.clone(), &correlation_id).await;
    let id = config.mapping.id;
    let delivered = match processed {
        Ok(processed) => {
            metrics.processed(id, &processed);
            publish(
                out,
                dead,
                metrics,
                &processed,
                &config.stream,
                sequence,
                &correlation_id,
            )
            .await
        }
        Err(error) => Err(SinkError(error)),
    };
    let acked = match delivered {
        Ok(()) => message.ack().await,
        Err(error) => {
            tracing::error!(mapping = id, correlation_id, %error, "not delivered; handed back");
            message
                .ack_with(AckKind::Nak(Some(Duration::from_secs(1))))
                .await
        }
    };
    if let Err(error) = acked {
        // The message comes again after the ack wait; its outputs are
        // dropped as duplicates then.
        tracing::warn!(mapping = id, correlation_id, %error, "ack not sent");
    }
    metrics.handled(id, started.elapsed().as_secs_f64());
    metrics.in_flight.dec();
}

/// The payload through the mapping; a payload past the limits becomes its
/// own dead letter.
async fn run(
    config: &WorkerConfig,
    payload: Bytes,
    correlation_id: &str,
) -> Result<Processed, String> {
    let limits = config.limits;
    let json = matches!(
        config.mapping.format,
        SourceFormat::Json(_) | SourceFormat::XmlJson
    );
    let refused = if payload.len() > limits.max_body {
        Some((
            "S102",
            format!("the payload is larger than {} bytes", limits.max_body),
        ))
    } else if json && json_depth_exceeds(&payload, limits.max_depth) {
        Some((
            "S103",
            format!("the JSON nests deeper than {} levels", limits.max_depth),
        ))
    } else {
        None
    };
    if let Some((code, message)) = refused {
        return Ok(Processed::refused(code, message, &payload, correlation_id));
    }
    process_delivery(
        config.mapping,
        config.limits.record(),
        payload,
        correlation_id,
    )
    .await
}

/// Dead letters, then records, each publish acknowledged.
async fn publish(
    out: &Sink,
    dead: &Sink,
    metrics: &Metrics,
    processed: &Processed,
    stream: &str,
    sequence: Option<u64>,
    correlation_id: &str,
) -> Result<(), SinkError> {
    let origin = sequence.map(|seq| format!("{stream}:{seq}"));
    let letters = processed.letter_items(origin.as_deref(), correlation_id);
    dead.send(&letters, "dead_letter", metrics).await?;
    let records = processed.record_items(correlation_id);
    out.send(&records, "record", metrics).await
}
