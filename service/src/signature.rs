//! Channel webhook signatures: which channels sign their deliveries, where
//! the signature travels, what it is computed over, and its check in
//! constant time. Every scheme here is an HMAC-SHA256 sent as base64:
//!
//! - Shopify: `X-Shopify-Hmac-Sha256`, over the raw body;
//! - WooCommerce: `X-WC-Webhook-Signature`, over the raw body;
//! - Square: `x-square-hmacsha256-signature`, over the notification URL
//!   (as Square posts to it) followed by the raw body.

use base64::prelude::{Engine as _, BASE64_STANDARD};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;

/// How one channel signs its webhooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// HMAC-SHA256 of the body, base64, in `X-Shopify-Hmac-Sha256`.
    Shopify,
    /// HMAC-SHA256 of the body, base64, in `X-WC-Webhook-Signature`.
    WooCommerce,
    /// HMAC-SHA256 of the notification URL and the body, base64, in
    /// `x-square-hmacsha256-signature`.
    Square,
}

impl Scheme {
    /// The scheme of a channel (`shopify`), if it signs its webhooks.
    pub fn of_channel(channel: &str) -> Option<Scheme> {
        match channel {
            "shopify" => Some(Scheme::Shopify),
            "woocommerce" => Some(Scheme::WooCommerce),
            "square" => Some(Scheme::Square),
            _ => None,
        }
    }

    /// The header the signature arrives in.
    pub fn header(self) -> &'static str {
        match self {
            Scheme::Shopify => "x-shopify-hmac-sha256",
            Scheme::WooCommerce => "x-wc-webhook-signature",
            Scheme::Square => "x-square-hmacsha256-signature",
        }
    }

    /// Whether the signed text starts with the URL the channel posted to.
    pub fn signs_url(self) -> bool {
        self == Scheme::Square
    }

    /// The signature of `body` (posted to `url`) under `secret`, as the
    /// channel sends it (base64).
    pub fn sign(self, secret: &[u8], url: &str, body: &[u8]) -> String {
        let digest = self
            .mac(secret, url, body)
            .map(|mac| mac.finalize().into_bytes());
        digest
            .map(|d| BASE64_STANDARD.encode(d))
            .unwrap_or_default()
    }

    /// Check the signature a request carries (`sent`: the header's value,
    /// if any) against `body` posted to `url`.
    pub fn verify(
        self,
        secret: &[u8],
        url: &str,
        body: &[u8],
        sent: Option<&[u8]>,
    ) -> Result<(), Refusal> {
        let sent = sent.ok_or(Refusal::Missing)?;
        let sent = BASE64_STANDARD
            .decode(sent.trim_ascii())
            .map_err(|_| Refusal::Malformed)?;
        // `verify_slice` compares in constant time.
        self.mac(secret, url, body)
            .ok_or(Refusal::Mismatch)?
            .verify_slice(&sent)
            .map_err(|_| Refusal::Mismatch)
    }

    /// The MAC over what the channel signs (HMAC takes a key of any
    /// length, so there is always one).
    fn mac(self, secret: &[u8], url: &str, body: &[u8]) -> Option<Hmac<Sha256>> {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).ok()?;
        if self.signs_url() {
            mac.update(url.as_bytes());
        }
        mac.update(body);
        Some(mac)
    }
}

/// Why a request's signature was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The request carries no signature header.
    Missing,
    /// The header is not base64.
    Malformed,
    /// The signature is not the one the secret gives.
    Mismatch,
}

impl Refusal {
    /// A label for metrics and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::Missing => "missing",
            Refusal::Malformed => "malformed",
            Refusal::Mismatch => "mismatch",
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Refusal::Missing => "the request carries no signature",
            Refusal::Malformed => "the signature is not base64",
            Refusal::Mismatch => "the signature does not match the body",
        })
    }
}

/// A webhook secret, read from where the operator keeps it:
/// `env:NAME` (an environment variable) or `file:PATH` (the file's
/// contents, a trailing newline removed).
pub fn read_secret(source: &str) -> Result<Vec<u8>, String> {
    let secret = if let Some(name) = source.strip_prefix("env:") {
        std::env::var(name)
            .map_err(|_| format!("environment variable `{name}` is not set (or not UTF-8)"))?
            .into_bytes()
    } else if let Some(path) = source.strip_prefix("file:") {
        let mut bytes = std::fs::read(path).map_err(|e| format!("cannot read `{path}`: {e}"))?;
        while bytes.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            bytes.pop();
        }
        bytes
    } else {
        return Err(format!(
            "a secret is read from `env:NAME` or `file:PATH`, not `{source}`"
        ));
    };
    if secret.is_empty() {
        return Err(format!("the secret from `{source}` is empty"));
    }
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shopify_signature_of_the_documented_example() {
        // RFC 4231 test case 2 ("Jefe"), base64 of the digest.
        let sent = Scheme::Shopify.sign(b"Jefe", "", b"what do ya want for nothing?");
        assert_eq!(sent, "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
        assert_eq!(
            Scheme::Shopify.verify(
                b"Jefe",
                "",
                b"what do ya want for nothing?",
                Some(sent.as_bytes())
            ),
            Ok(())
        );
    }

    #[test]
    fn refusals_say_why() {
        let body = b"{}";
        let good = Scheme::WooCommerce.sign(b"k", "", body);
        assert_eq!(
            Scheme::WooCommerce.verify(b"k", "", body, None),
            Err(Refusal::Missing)
        );
        assert_eq!(
            Scheme::WooCommerce.verify(b"k", "", body, Some(b"%%%")),
            Err(Refusal::Malformed)
        );
        assert_eq!(
            Scheme::WooCommerce.verify(b"other", "", body, Some(good.as_bytes())),
            Err(Refusal::Mismatch)
        );
    }

    #[test]
    fn square_signs_the_url_too() {
        let url = "https://hooks.example.com/v1/square.order";
        let sent = Scheme::Square.sign(b"k", url, b"{}");
        assert_eq!(
            Scheme::Square.verify(b"k", url, b"{}", Some(sent.as_bytes())),
            Ok(())
        );
        assert_eq!(
            Scheme::Square.verify(
                b"k",
                "https://elsewhere/v1/square.order",
                b"{}",
                Some(sent.as_bytes())
            ),
            Err(Refusal::Mismatch)
        );
    }
}
