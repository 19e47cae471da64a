//! The long-running runtime of compiled mappings, on tokio: the webhook
//! server and the NATS JetStream worker. Both take one delivered payload
//! at a time through the same host run as `maprt batch`, so a record's
//! output and dead letter are the same bytes whichever way it came.
//!
//! - [`serve`]: `POST /v1/<mapping>` (axum), health, readiness, metrics;
//! - [`worker`]: a durable pull consumer, outputs published before acks;
//! - [`process`]: one payload through a mapping, records and letters;
//! - [`sink`]: where records and dead letters go (stdout, file, JetStream);
//! - [`signature`]: the channels' webhook HMACs, checked in constant time;
//! - [`http`]: the accept loop, with a deadline for request headers;
//! - [`limits`]: body size, JSON nesting and receive time;
//! - [`correlation`]: a delivery's id, the channel's or made up;
//! - [`metrics`]: counters and histograms in the OpenMetrics text format Prometheus scrapes;
//! - [`shutdown`]: SIGTERM and SIGINT.
#![warn(missing_docs)]

pub mod correlation;
pub mod http;
pub mod limits;
pub mod metrics;
pub mod process;
pub mod serve;
pub mod shutdown;
pub mod signature;
pub mod sink;
pub mod worker;
