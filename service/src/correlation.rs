//! Correlation ids: the channel's own delivery id when the request
//! carries one, so a channel's retry of a delivery keeps its id, else one
//! made up here. The id is answered in `X-Correlation-Id`, logged with
//! every line about the delivery, and written into its dead letters.

use axum::http::HeaderMap;

/// Headers channels name a delivery in, most specific first.
const DELIVERY_HEADERS: &[&str] = &[
    "x-shopify-webhook-id",
    "x-wc-webhook-delivery-id",
    "x-bc-webhook-id",
    "square-delivery-id",
    "x-correlation-id",
    "x-request-id",
];

/// Longest delivery id taken from a request; a longer one is replaced.
const MAX_LENGTH: usize = 128;

/// The delivery id `headers` carry, if any (printable ASCII only).
pub fn delivery_id(headers: &HeaderMap) -> Option<String> {
    DELIVERY_HEADERS.iter().find_map(|name| {
        let value = headers.get(*name)?.to_str().ok()?.trim();
        let printable = value.bytes().all(|b| b.is_ascii_graphic());
        (!value.is_empty() && value.len() <= MAX_LENGTH && printable).then(|| value.to_owned())
    })
}

/// A new correlation id: 128 random bits in hex.
pub fn generate() -> String {
    format!("{:032x}", fastrand::u128(..))
}
