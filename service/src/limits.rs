//! What one delivery may cost, checked before a mapping sees it: body
//! size (413), JSON nesting (400), the time to receive it (408) and the
//! time to receive its headers (the connection is closed).

use std::time::Duration;

/// The limits of one request or message.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest body accepted, in bytes.
    pub max_body: usize,
    /// Deepest nesting of JSON arrays and objects accepted.
    pub max_depth: usize,
    /// Longest time to receive a request's body.
    pub timeout: Duration,
    /// Longest time from a connection's opening (or its last response) to
    /// the end of its next request's headers.
    pub header_timeout: Duration,
}

impl Limits {
    /// 10 MiB bodies (Shopify's largest order webhooks are well under
    /// 1 MiB), nesting 64 deep (channel payloads nest under 12), 30 s for
    /// a body, 10 s for headers (senders write them in one packet).
    pub const DEFAULT: Limits = Limits {
        max_body: 10 * 1024 * 1024,
        max_depth: 64,
        timeout: Duration::from_secs(30),
        header_timeout: Duration::from_secs(10),
    };

    /// The limits a delivery's records are read under: its body size as
    /// here, arrays as the host's default (R120); nesting is checked here
    /// already (S103), not scanned again.
    pub fn record(&self) -> host::Limits {
        host::Limits {
            max_record_bytes: self.max_body,
            ..host::Limits::DEFAULT
        }
    }
}

/// The nesting depth of JSON text, counting `[` and `{` outside strings,
/// stopping as soon as it passes `max` (so a hostile body costs one scan
/// at most). Whether the text is valid JSON is the reader's concern.
pub fn json_depth_exceeds(text: &[u8], max: usize) -> bool {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &byte in text {
        if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::json_depth_exceeds;

    #[test]
    fn depth_counts_brackets_outside_strings() {
        assert!(!json_depth_exceeds(br#"{"a":[{"b":"[[[[["}]}"#, 3));
        assert!(json_depth_exceeds(br#"{"a":[{"b":[1]}]}"#, 3));
        assert!(!json_depth_exceeds(br#"{"a":"\"[[[["}"#, 1));
        assert!(json_depth_exceeds(&vec![b'['; 100_000], 64));
    }
}
