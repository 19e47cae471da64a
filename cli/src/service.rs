//! `maprt serve` and `maprt worker`: their arguments, checked before
//! anything starts (a usage error exits 2), the logs and the tokio runtime
//! around the `service` crate.

use crate::job::usage;
use clap::{Args, ValueEnum};
use service::limits::Limits;
use service::metrics::Metrics;
use service::serve::{channel_of, Forward, ServeConfig, Served};
use service::signature::{read_secret, Scheme};
use service::sink::{connect, Sink, Target};
use service::worker::WorkerConfig;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// `--log-format`: how log lines are written on stderr.
#[derive(Clone, Copy, ValueEnum)]
pub enum LogFormat {
    /// One human-readable line per event
    Text,
    /// One JSON object per event
    Json,
}

/// What serve and worker share.
#[derive(Args)]
pub struct Common {
    /// NATS server URL, for `nats:` sinks, `--forward` and the worker
    #[arg(long, value_name = "URL")]
    nats: Option<String>,
    /// How log lines are written on stderr
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// Largest payload accepted, in bytes
    #[arg(long, default_value_t = Limits::DEFAULT.max_body)]
    max_body: usize,
    /// Deepest JSON nesting accepted
    #[arg(long, default_value_t = Limits::DEFAULT.max_depth)]
    max_depth: usize,
    /// A mapping parameter: MAPPING:NAME=VALUE (repeat per parameter)
    #[arg(long = "param", value_name = "MAPPING:NAME=VALUE")]
    params: Vec<String>,
}

/// One `maprt serve` invocation.
#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0: any free port, logged)
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// A mapping to serve at POST /v1/<id> (repeat per mapping)
    #[arg(long = "mapping", value_name = "ID", required = true)]
    mappings: Vec<String>,
    /// A channel's webhook secret: CHANNEL=env:NAME or CHANNEL=file:PATH (shopify, woocommerce, square)
    #[arg(long = "secret", value_name = "CHANNEL=SOURCE")]
    secrets: Vec<String>,
    /// Accept a signing channel's webhooks without checking signatures (behind a gateway that checks them)
    #[arg(long = "unsigned", value_name = "CHANNEL")]
    unsigned: Vec<String>,
    /// The URL this server is reached at from outside, e.g. https://hooks.example.com (Square signs it with the path)
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
    /// Where canonical records go besides the response: stdout, file:PATH or nats:SUBJECT
    #[arg(long, value_name = "SINK")]
    output: Option<String>,
    /// Where dead letters go: stdout, file:PATH or nats:SUBJECT
    #[arg(long, value_name = "SINK")]
    dead_letter: Option<String>,
    /// Do not transform: publish each verified payload to <PREFIX>.<mapping-id> on JetStream for `maprt worker` (202)
    #[arg(long, value_name = "PREFIX")]
    forward: Option<String>,
    /// Longest time to receive a request's body, in seconds
    #[arg(long, default_value_t = Limits::DEFAULT.timeout.as_secs())]
    request_timeout: u64,
    /// Longest time from a connection's opening (or its last response) to the end of the next request's headers, in seconds; then the connection is closed
    #[arg(long, default_value_t = Limits::DEFAULT.header_timeout.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..))]
    header_timeout: u64,
    #[command(flatten)]
    common: Common,
}

/// One `maprt worker` invocation.
#[derive(Args)]
pub struct WorkerArgs {
    /// The stream holding channel payloads
    #[arg(long)]
    stream: String,
    /// The durable pull consumer, shared by every worker (created when missing)
    #[arg(long)]
    consumer: String,
    /// Only payloads on this subject, when the consumer is created
    #[arg(long, value_name = "SUBJECT")]
    filter_subject: Option<String>,
    /// Mapping id every payload goes through, e.g. shopify.order
    #[arg(long)]
    mapping: String,
    /// Subject canonical records are published to (Nats-Msg-Id: the record's idempotency key)
    #[arg(long, value_name = "SUBJECT")]
    subject_out: String,
    /// Subject dead letters are published to (the error with the failed record or payload)
    #[arg(long, value_name = "SUBJECT")]
    dead_letter_subject: String,
    /// Messages handled at once by this worker
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..=4096))]
    concurrency: u16,
    /// Seconds JetStream waits for an ack before delivering a message again (when the consumer is created)
    #[arg(long, default_value_t = 30)]
    ack_wait: u64,
    /// Also serve GET /metrics, /healthz and /readyz here
    #[arg(long, value_name = "ADDR")]
    metrics_listen: Option<SocketAddr>,
    #[command(flatten)]
    common: Common,
}

fn init_logs(format: LogFormat) {
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}

/// Parameters of one mapping out of `MAPPING:NAME=VALUE` arguments.
fn params_of(id: &str, params: &[String]) -> Result<Vec<String>, String> {
    let mut mine = Vec::new();
    for param in params {
        let Some((mapping, rest)) = param.split_once(':') else {
            return Err(format!("--param `{param}`: expected MAPPING:NAME=VALUE"));
        };
        if mapping == id {
            mine.push(rest.to_owned());
        }
    }
    Ok(mine)
}

/// A served mapping, its parameters supplied.
fn mapping(id: &str, params: &[String]) -> Result<&'static runtime::CompiledMapping, String> {
    let mapping = crate::job::mapping(id, &params_of(id, params)?)?;
    if !mapping.inputs.is_empty() {
        return Err(format!(
            "`{id}` combines named inputs ({}) into a record: it is run with `maprt transform --input`, not on single deliveries",
            mapping.inputs.join(", ")
        ));
    }
    Ok(mapping)
}

/// Secrets by channel.
fn secrets(args: &[String]) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut secrets = BTreeMap::new();
    for arg in args {
        let Some((channel, source)) = arg.split_once('=') else {
            return Err(format!(
                "--secret `{arg}`: expected CHANNEL=env:NAME or CHANNEL=file:PATH"
            ));
        };
        if Scheme::of_channel(channel).is_none() {
            return Err(format!(
                "--secret {channel}: {channel} does not sign its webhooks (shopify, woocommerce and square do)"
            ));
        }
        let secret = read_secret(source).map_err(|e| format!("--secret {channel}: {e}"))?;
        if secrets.insert(channel.to_owned(), secret).is_some() {
            return Err(format!("--secret {channel}: given twice"));
        }
    }
    Ok(secrets)
}

fn limits(common: &Common, timeout: Duration, header_timeout: Duration) -> Limits {
    Limits {
        max_body: common.max_body,
        max_depth: common.max_depth,
        timeout,
        header_timeout,
    }
}

/// `maprt serve`.
pub fn serve(args: ServeArgs) -> Result<ExitCode, String> {
    init_logs(args.common.log_format);
    let mut secrets = match secrets(&args.secrets) {
        Ok(secrets) => secrets,
        Err(message) => return Ok(usage(message)),
    };
    let mut served = BTreeMap::new();
    for id in &args.mappings {
        let mapping = match mapping(id, &args.common.params) {
            Ok(mapping) => mapping,
            Err(message) => return Ok(usage(message)),
        };
        let channel = channel_of(mapping.id);
        let signature = match Scheme::of_channel(channel) {
            None => None,
            Some(scheme) => match secrets.get(channel) {
                Some(secret) => Some((scheme, secret.clone())),
                None if args.unsigned.iter().any(|c| c == channel) => None,
                None => {
                    return Ok(usage(format!(
                        "{} signs its webhooks: give --secret {channel}=env:NAME (or file:PATH), or --unsigned {channel} when a gateway checks them",
                        mapping.id
                    )))
                }
            },
        };
        if signature.as_ref().is_some_and(|(s, _)| s.signs_url()) && args.public_url.is_none() {
            return Ok(usage(format!(
                "{channel} signs the URL it posts to: give --public-url (e.g. https://hooks.example.com)"
            )));
        }
        served.insert(mapping.id, Served { mapping, signature });
    }
    secrets.clear();
    let targets = |arg: &Option<String>| arg.as_deref().map(Target::parse).transpose();
    let (output, dead_letter) = match (targets(&args.output), targets(&args.dead_letter)) {
        (Ok(output), Ok(dead)) => (output, dead),
        (Err(message), _) | (_, Err(message)) => return Ok(usage(message)),
    };
    if args.forward.is_some() && (output.is_some() || dead_letter.is_some()) {
        return Ok(usage(
            "--forward publishes payloads untransformed for the workers: --output and --dead-letter are the workers' (--subject-out, --dead-letter-subject)".to_owned(),
        ));
    }
    let needs_nats = args.forward.is_some()
        || [&output, &dead_letter]
            .iter()
            .any(|t| matches!(t, Some(Target::Nats(_))));
    if needs_nats && args.common.nats.is_none() {
        return Ok(usage(
            "nats: sinks and --forward need --nats <URL>".to_owned(),
        ));
    }
    let limits = limits(
        &args.common,
        Duration::from_secs(args.request_timeout),
        Duration::from_secs(args.header_timeout),
    );
    let public_url = args.public_url.map(|u| u.trim_end_matches('/').to_owned());
    runtime()?.block_on(async move {
        let nats = match &args.common.nats {
            Some(url) if needs_nats => Some(connect(url, "maprt serve").await?),
            _ => None,
        };
        let jetstream = nats.clone().map(async_nats::jetstream::new);
        let open = |target: Option<Target>| {
            let jetstream = jetstream.clone();
            async move {
                match target {
                    Some(target) => Sink::open(&target, jetstream.as_ref()).await.map(Some),
                    None => Ok(None),
                }
            }
        };
        let config = ServeConfig {
            mappings: served,
            public_url,
            limits,
            output: open(output).await?,
            dead_letters: open(dead_letter).await?,
            forward: match (args.forward, &jetstream) {
                (Some(prefix), Some(jetstream)) => Some(Forward {
                    jetstream: jetstream.clone(),
                    prefix,
                }),
                _ => None,
            },
            nats,
        };
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
        service::serve::serve(listener, config, Arc::new(Metrics::new()))
            .await
            .map_err(|e| format!("server: {e}"))?;
        Ok(ExitCode::SUCCESS)
    })
}

/// `maprt worker`.
pub fn worker(args: WorkerArgs) -> Result<ExitCode, String> {
    init_logs(args.common.log_format);
    let Some(url) = args.common.nats.clone() else {
        return Ok(usage("the worker needs --nats <URL>".to_owned()));
    };
    let mapping = match mapping(&args.mapping, &args.common.params) {
        Ok(mapping) => mapping,
        Err(message) => return Ok(usage(message)),
    };
    let limits = limits(
        &args.common,
        Limits::DEFAULT.timeout,
        Limits::DEFAULT.header_timeout,
    );
    runtime()?.block_on(async move {
        let client = connect(&url, "maprt worker").await?;
        let metrics = Arc::new(Metrics::new());
        if let Some(address) = args.metrics_listen {
            let listener = tokio::net::TcpListener::bind(address)
                .await
                .map_err(|e| format!("cannot listen on {address}: {e}"))?;
            tokio::spawn(service::serve::operator_endpoints(
                listener,
                metrics.clone(),
                Some(client.clone()),
            ));
        }
        let config = WorkerConfig {
            client,
            stream: args.stream,
            consumer: args.consumer,
            filter_subject: args.filter_subject,
            mapping,
            subject_out: args.subject_out,
            dead_letter_subject: args.dead_letter_subject,
            concurrency: usize::from(args.concurrency),
            limits,
            ack_wait: Duration::from_secs(args.ack_wait),
        };
        service::worker::work(config, metrics).await?;
        Ok(ExitCode::SUCCESS)
    })
}
