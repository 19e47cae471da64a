//! The counters `serve` and `worker` expose on `GET /metrics`, in the
//! OpenMetrics text format Prometheus scrapes: records in, ok, filtered and
//! dead-lettered per mapping, failures per mapping and reason code,
//! responses per status, signature refusals, latency, requests in flight
//! and the consumer's lag.

use crate::process::Processed;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

/// A metric's labels, as name/value pairs.
type Labels = Vec<(&'static str, String)>;

/// Latency buckets: 100 µs to about 3.3 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.0001, 2.0, 16))
}

/// Every metric of a process, registered once.
pub struct Metrics {
    registry: Registry,
    records: Family<Labels, Counter>,
    failures: Family<Labels, Counter>,
    responses: Family<Labels, Counter>,
    signature_failures: Family<Labels, Counter>,
    published: Family<Labels, Counter>,
    latency: Family<Labels, Histogram, fn() -> Histogram>,
    /// Requests or messages being handled now.
    pub in_flight: Gauge,
    /// Messages the worker's consumer has yet to deliver.
    pub consumer_pending: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// A fresh set of metrics, all at zero.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("maprt");
        let records = Family::<Labels, Counter>::default();
        let failures = Family::<Labels, Counter>::default();
        let responses = Family::<Labels, Counter>::default();
        let signature_failures = Family::<Labels, Counter>::default();
        let published = Family::<Labels, Counter>::default();
        let latency =
            Family::<Labels, Histogram, fn() -> Histogram>::new_with_constructor(latency_histogram);
        let in_flight = Gauge::default();
        let consumer_pending = Gauge::default();
        registry.register(
            "records",
            "Records read from payloads, by mapping and outcome (in, ok, filtered, dead_lettered)",
            records.clone(),
        );
        registry.register(
            "failures",
            "Failed records, by mapping and error code (with the mapping's reason code for a rejection)",
            failures.clone(),
        );
        registry.register(
            "responses",
            "HTTP responses, by mapping and status",
            responses.clone(),
        );
        registry.register(
            "signature_failures",
            "Webhooks refused for their signature, by channel and reason (missing, malformed, mismatch)",
            signature_failures.clone(),
        );
        registry.register(
            "published",
            "Messages published to NATS JetStream, by kind (record, dead_letter, payload) and whether JetStream found a duplicate",
            published.clone(),
        );
        registry.register(
            "handling_seconds",
            "Time from a request's or message's arrival to its answer or ack, by mapping",
            latency.clone(),
        );
        registry.register(
            "in_flight",
            "Requests or messages being handled",
            in_flight.clone(),
        );
        registry.register(
            "consumer_pending",
            "Messages the JetStream consumer has not delivered yet (the worker's lag)",
            consumer_pending.clone(),
        );
        Self {
            registry,
            records,
            failures,
            responses,
            signature_failures,
            published,
            latency,
            in_flight,
            consumer_pending,
        }
    }

    /// Count what became of one payload's records.
    pub fn processed(&self, mapping: &str, processed: &Processed) {
        let tally = &processed.tally;
        let failed = processed.letters.len() as u64;
        for (outcome, n) in [
            ("in", tally.records),
            ("ok", tally.transformed),
            ("filtered", tally.filtered),
            ("dead_lettered", failed),
        ] {
            self.records
                .get_or_create(&vec![
                    ("mapping", mapping.to_owned()),
                    ("outcome", outcome.to_owned()),
                ])
                .inc_by(n);
        }
        for (code, n) in &processed.failures {
            self.failures
                .get_or_create(&vec![
                    ("mapping", mapping.to_owned()),
                    ("code", code.clone()),
                ])
                .inc_by(*n);
        }
    }

    /// Count one response.
    pub fn response(&self, mapping: &str, status: u16, seconds: f64) {
        self.responses
            .get_or_create(&vec![
                ("mapping", mapping.to_owned()),
                ("status", status.to_string()),
            ])
            .inc();
        self.handled(mapping, seconds);
    }

    /// Record how long one request or message took.
    pub fn handled(&self, mapping: &str, seconds: f64) {
        self.latency
            .get_or_create(&vec![("mapping", mapping.to_owned())])
            .observe(seconds);
    }

    /// Count one refused signature.
    pub fn signature_failure(&self, channel: &str, reason: &str) {
        self.signature_failures
            .get_or_create(&vec![
                ("channel", channel.to_owned()),
                ("reason", reason.to_owned()),
            ])
            .inc();
    }

    /// Count one message published to JetStream.
    pub fn publish(&self, kind: &'static str, duplicate: bool) {
        self.published
            .get_or_create(&vec![
                ("kind", kind.to_owned()),
                ("duplicate", duplicate.to_string()),
            ])
            .inc();
    }

    /// Every metric in the OpenMetrics text format Prometheus scrapes.
    pub fn render(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut text, &self.registry);
        text
    }
}
