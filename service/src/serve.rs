//! `maprt serve`: webhook ingestion over HTTP (axum on tokio).
//!
//! `POST /v1/<mapping-id>` takes one channel payload. In order: the body is
//! read within the size and time limits, the channel's signature checked,
//! the JSON nesting bounded, then the payload is either transformed (200
//! with the canonical records as NDJSON, 422 with the dead letters' errors,
//! 400 when the payload cannot be read) or, with `--forward`, published
//! untransformed to JetStream for workers (202). Records and dead letters
//! also go to the configured sinks; a sink that does not take them is 503,
//! so the channel delivers again. `GET /healthz`, `/readyz` and `/metrics`
//! serve operators. SIGTERM or SIGINT stops accepting connections and
//! finishes the requests in flight.

use crate::correlation;
use crate::limits::{json_depth_exceeds, Limits};
use crate::metrics::Metrics;
use crate::process::{process_delivery, Processed};
use crate::signature::Scheme;
use crate::sink::{Item, Sink, SinkError};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use bytes::Bytes;
use futures_util::StreamExt;
use runtime::{CompiledMapping, SourceFormat};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Errors of the server itself, each with its stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServeError {
    /// S101: no mapping of that id is served.
    UnknownMapping,
    /// S102: the body is larger than `--max-body`.
    BodyTooLarge,
    /// S103: the JSON nests deeper than `--max-depth`.
    TooDeep,
    /// S104: the body did not arrive within `--request-timeout`.
    Timeout,
    /// S105: the signature is missing, not base64, or does not match.
    Signature,
    /// S106: a sink did not take the records (the channel should retry).
    SinkUnavailable,
    /// S107: the body could not be received (the connection failed).
    BodyUnreadable,
}

impl ServeError {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            ServeError::UnknownMapping => "S101",
            ServeError::BodyTooLarge => "S102",
            ServeError::TooDeep => "S103",
            ServeError::Timeout => "S104",
            ServeError::Signature => "S105",
            ServeError::SinkUnavailable => "S106",
            ServeError::BodyUnreadable => "S107",
        }
    }

    fn status(self) -> StatusCode {
        match self {
            ServeError::UnknownMapping => StatusCode::NOT_FOUND,
            ServeError::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ServeError::TooDeep | ServeError::BodyUnreadable => StatusCode::BAD_REQUEST,
            ServeError::Timeout => StatusCode::REQUEST_TIMEOUT,
            ServeError::Signature => StatusCode::UNAUTHORIZED,
            ServeError::SinkUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

/// A served mapping and how its deliveries are authenticated.
pub struct Served {
    /// The compiled mapping.
    pub mapping: &'static CompiledMapping,
    /// Its channel's scheme and secret, when deliveries must be signed.
    pub signature: Option<(Scheme, Vec<u8>)>,
}

/// Everything `serve` is started with.
pub struct ServeConfig {
    /// The mappings served, by id.
    pub mappings: BTreeMap<&'static str, Served>,
    /// The URL the server is reached at from outside (`https://hooks.example.com`),
    /// which Square signs with the path.
    pub public_url: Option<String>,
    /// Body size, nesting and time limits.
    pub limits: Limits,
    /// Where canonical records go besides the response.
    pub output: Option<Sink>,
    /// Where dead letters go.
    pub dead_letters: Option<Sink>,
    /// Publish payloads untransformed to `<prefix>.<mapping-id>` instead.
    pub forward: Option<Forward>,
    /// The NATS connection, when a sink uses it (for readiness).
    pub nats: Option<async_nats::Client>,
}

/// Where `--forward` publishes payloads for the workers.
pub struct Forward {
    /// The JetStream context of the connection.
    pub jetstream: async_nats::jetstream::Context,
    /// Subjects are `<prefix>.<mapping-id>` (`payloads.shopify.order`).
    pub prefix: String,
}

/// What the operator endpoints read.
struct Ops {
    metrics: Arc<Metrics>,
    nats: Option<async_nats::Client>,
    draining: AtomicBool,
}

struct AppState {
    config: ServeConfig,
    metrics: Arc<Metrics>,
    ops: Arc<Ops>,
}

/// Serve on `listener` until SIGTERM or SIGINT, then finish the requests in
/// flight. `metrics` is shared with the caller (tests read it).
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: ServeConfig,
    metrics: Arc<Metrics>,
) -> std::io::Result<()> {
    let ops = Arc::new(Ops {
        metrics: metrics.clone(),
        nats: config.nats.clone(),
        draining: AtomicBool::new(false),
    });
    let state = Arc::new(AppState {
        config,
        metrics,
        ops: ops.clone(),
    });
    let app = Router::new()
        .route("/v1/{mapping}", post(webhook))
        .with_state(state.clone())
        .merge(ops_router(ops));
    let address = listener.local_addr()?;
    tracing::info!(%address, "listening");
    let drained = state.clone();
    let header_timeout = state.config.limits.header_timeout;
    crate::http::serve(listener, app, header_timeout, async move {
        crate::shutdown::signal().await;
        drained.ops.draining.store(true, Ordering::SeqCst);
        tracing::info!(
            in_flight = drained.metrics.in_flight.get(),
            "shutting down: finishing the requests in flight"
        );
    })
    .await;
    tracing::info!("stopped");
    Ok(())
}

/// `GET /healthz`, `/readyz` and `/metrics`.
fn ops_router(ops: Arc<Ops>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(ops)
}

/// Serve only the operator endpoints (the worker's), until the process ends.
pub async fn operator_endpoints(
    listener: tokio::net::TcpListener,
    metrics: Arc<Metrics>,
    nats: Option<async_nats::Client>,
) -> std::io::Result<()> {
    let ops = Arc::new(Ops {
        metrics,
        nats,
        draining: AtomicBool::new(false),
    });
    let header_timeout = crate::limits::Limits::DEFAULT.header_timeout;
    crate::http::serve(
        listener,
        ops_router(ops),
        header_timeout,
        std::future::pending(),
    )
    .await;
    Ok(())
}

async fn readyz(State(state): State<Arc<Ops>>) -> Response {
    let connected = state
        .nats
        .as_ref()
        .is_none_or(|client| client.connection_state() == async_nats::connection::State::Connected);
    if state.draining.load(Ordering::SeqCst) {
        (StatusCode::SERVICE_UNAVAILABLE, "shutting down\n").into_response()
    } else if !connected {
        (StatusCode::SERVICE_UNAVAILABLE, "not connected to NATS\n").into_response()
    } else {
        (StatusCode::OK, "ready\n").into_response()
    }
}

async fn metrics(State(state): State<Arc<Ops>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}

/// Counts a request in flight while it lives.
struct InFlight(Arc<Metrics>);

impl InFlight {
    fn new(metrics: &Arc<Metrics>) -> Self {
        metrics.in_flight.inc();
        Self(metrics.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.dec();
    }
}

async fn webhook(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    let _in_flight = InFlight::new(&state.metrics);
    let correlation_id = correlation::delivery_id(&headers).unwrap_or_else(correlation::generate);
    let answer = handle(&state, &id, &uri, &headers, body, &correlation_id).await;
    let status = answer.status().as_u16();
    let mapping = if state.config.mappings.contains_key(id.as_str()) {
        id.as_str()
    } else {
        "unknown"
    };
    state
        .metrics
        .response(mapping, status, started.elapsed().as_secs_f64());
    tracing::info!(
        mapping,
        status,
        correlation_id = correlation_id.as_str(),
        micros = started.elapsed().as_micros() as u64,
        "webhook"
    );
    let mut answer = answer;
    if let Ok(value) = HeaderValue::from_str(&correlation_id) {
        answer.headers_mut().insert("x-correlation-id", value);
    }
    answer
}

/// A JSON error answer.
fn refuse(error: ServeError, message: String, correlation_id: &str) -> Response {
    let body = serde_json::json!({
        "code": error.code(),
        "message": message,
        "correlation_id": correlation_id,
    });
    json_response(error.status(), &body)
}

fn json_response(status: StatusCode, body: &serde_json::Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        format!("{body}\n"),
    )
        .into_response()
}

async fn handle(
    state: &AppState,
    id: &str,
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
    correlation_id: &str,
) -> Response {
    let config = &state.config;
    let Some(served) = config.mappings.get(id) else {
        let known: Vec<&str> = config.mappings.keys().copied().collect();
        return refuse(
            ServeError::UnknownMapping,
            format!(
                "no mapping `{id}` is served here (served: {})",
                known.join(", ")
            ),
            correlation_id,
        );
    };
    let body = match receive(body, headers, &config.limits).await {
        Ok(body) => body,
        Err((error, message)) => return refuse(error, message, correlation_id),
    };
    if let Some((scheme, secret)) = &served.signature {
        let url = format!(
            "{}{}",
            config.public_url.as_deref().unwrap_or(""),
            uri.path_and_query().map_or(uri.path(), |p| p.as_str())
        );
        let sent = headers.get(scheme.header()).map(HeaderValue::as_bytes);
        if let Err(refusal) = scheme.verify(secret, &url, &body, sent) {
            let channel = channel_of(id);
            state.metrics.signature_failure(channel, refusal.as_str());
            tracing::warn!(
                mapping = id,
                correlation_id,
                reason = refusal.as_str(),
                "signature refused"
            );
            return refuse(
                ServeError::Signature,
                format!(
                    "{refusal} (`{}`, HMAC-SHA256 with the {channel} webhook secret)",
                    scheme.header()
                ),
                correlation_id,
            );
        }
    }
    let json = matches!(
        served.mapping.format,
        SourceFormat::Json(_) | SourceFormat::XmlJson
    );
    if json && json_depth_exceeds(&body, config.limits.max_depth) {
        return refuse(
            ServeError::TooDeep,
            format!(
                "the JSON nests deeper than {} levels",
                config.limits.max_depth
            ),
            correlation_id,
        );
    }
    if let Some(to) = &config.forward {
        return forward(state, to, id, body, headers, correlation_id).await;
    }
    let processed = match process_delivery(
        served.mapping,
        config.limits.record(),
        body,
        correlation_id,
    )
    .await
    {
        Ok(processed) => processed,
        Err(message) => return internal(message),
    };
    state.metrics.processed(id, &processed);
    if let Err(error) = deliver(state, &processed, correlation_id).await {
        tracing::error!(mapping = id, correlation_id, %error, "sink refused the records");
        return refuse(
            ServeError::SinkUnavailable,
            error.to_string(),
            correlation_id,
        );
    }
    answer(processed, correlation_id)
}

fn internal(message: String) -> Response {
    tracing::error!(message, "internal error");
    (StatusCode::INTERNAL_SERVER_ERROR, message).into_response()
}

/// The channel of a mapping id (`shopify` of `shopify.order`).
pub fn channel_of(id: &str) -> &str {
    id.split_once('.').map_or(id, |(channel, _)| channel)
}

/// The body, whole, within the size limit (refused at once by its
/// `Content-Length`, or as soon as it grows past it) and the time limit.
async fn receive(
    body: Body,
    headers: &HeaderMap,
    limits: &Limits,
) -> Result<Bytes, (ServeError, String)> {
    let too_large = || {
        (
            ServeError::BodyTooLarge,
            format!("the body is larger than {} bytes", limits.max_body),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.max_body as u64) {
        return Err(too_large());
    }
    let read = async {
        let mut stream = body.into_data_stream();
        // Reserved from the declared length only up to 64 KiB: a client
        // cannot make the server allocate before it sends the bytes.
        let reserve = declared.map_or(8192, |n| n.min(64 * 1024) as usize);
        let mut bytes = Vec::with_capacity(reserve);
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| {
                (
                    ServeError::BodyUnreadable,
                    format!("the body could not be received: {e}"),
                )
            })?;
            if bytes.len() + chunk.len() > limits.max_body {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Bytes::from(bytes))
    };
    match tokio::time::timeout(limits.timeout, read).await {
        Ok(result) => result,
        Err(_) => Err((
            ServeError::Timeout,
            format!(
                "the body did not arrive within {} s",
                limits.timeout.as_secs_f64()
            ),
        )),
    }
}

/// Records and dead letters to their sinks.
async fn deliver(
    state: &AppState,
    processed: &Processed,
    correlation_id: &str,
) -> Result<(), SinkError> {
    let config = &state.config;
    if let Some(sink) = &config.dead_letters {
        let letters = processed.letter_items(Some(correlation_id), correlation_id);
        sink.send(&letters, "dead_letter", &state.metrics).await?;
    }
    if let Some(sink) = &config.output {
        let records = processed.record_items(correlation_id);
        sink.send(&records, "record", &state.metrics).await?;
    }
    Ok(())
}

/// The answer to a transformed payload.
fn answer(processed: Processed, correlation_id: &str) -> Response {
    if processed.letters.is_empty() {
        return (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/x-ndjson")],
            processed.records,
        )
            .into_response();
    }
    let status = if processed.malformed() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    // The letters without the input the sender already has.
    let failures: Vec<serde_json::Value> = processed
        .letters
        .into_iter()
        .map(|mut letter| {
            if let Some(fields) = letter.as_object_mut() {
                fields.remove("input");
                fields.remove("input_base64");
                fields.remove("correlation_id");
            }
            letter
        })
        .collect();
    let first = failures.first().cloned().unwrap_or_default();
    let body = serde_json::json!({
        "code": first.get("code"),
        "message": first.get("message"),
        "correlation_id": correlation_id,
        "records_ok": processed.tally.transformed,
        "failures": failures,
    });
    json_response(status, &body)
}

/// Publish the payload untransformed for the workers, keyed by the
/// channel's delivery id when it gives one.
async fn forward(
    state: &AppState,
    to: &Forward,
    id: &str,
    body: Bytes,
    headers: &HeaderMap,
    correlation_id: &str,
) -> Response {
    let item = Item {
        line: body,
        key: correlation::delivery_id(headers).map(|delivery| format!("{id}:{delivery}")),
        correlation_id: Some(correlation_id.to_owned()),
    };
    let sink = Sink::Nats {
        jetstream: to.jetstream.clone(),
        subject: format!("{}.{id}", to.prefix),
    };
    match sink
        .send(std::slice::from_ref(&item), "payload", &state.metrics)
        .await
    {
        Ok(()) => json_response(
            StatusCode::ACCEPTED,
            &serde_json::json!({"accepted": true, "correlation_id": correlation_id}),
        ),
        Err(error) => refuse(
            ServeError::SinkUnavailable,
            error.to_string(),
            correlation_id,
        ),
    }
}
