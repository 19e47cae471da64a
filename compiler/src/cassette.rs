//! Recorded HTTP cassettes (VCR's YAML: `http_interactions[].response.body
//! .string`) read as samples: each response body is one payload, taken
//! mechanically as recorded, so a channel's recorded traffic is a sample
//! without any file edited by hand.

use serde::Deserialize;

#[derive(Deserialize)]
struct Cassette {
    http_interactions: Vec<Interaction>,
}

#[derive(Deserialize)]
struct Interaction {
    response: Response,
}

#[derive(Deserialize)]
struct Response {
    body: Body,
}

#[derive(Deserialize)]
struct Body {
    string: String,
}

/// The response bodies of a cassette, one payload a line (NDJSON): a body
/// spanning several lines is written on one, its values and key order
/// untouched.
pub fn payloads(yaml: &str) -> Result<Vec<u8>, String> {
    let cassette: Cassette =
        serde_yaml::from_str(yaml).map_err(|e| format!("not a VCR cassette: {e}"))?;
    let mut out = Vec::new();
    for (i, interaction) in cassette.http_interactions.iter().enumerate() {
        let body = interaction.response.body.string.trim();
        if body.contains('\n') {
            let value: serde_json::Value = serde_json::from_str(body)
                .map_err(|e| format!("response {} is not JSON: {e}", i + 1))?;
            out.extend(value.to_string().into_bytes());
        } else {
            out.extend(body.as_bytes());
        }
        out.push(b'\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_response_body_is_a_payload_as_recorded() {
        let yaml = "http_interactions:\n- request: {method: get}\n  response:\n    status: {code: 200}\n    body: {encoding: UTF-8, string: '{\"a\":\"1.50\"}'}\n- response:\n    body:\n      string: |\n        {\n          \"b\": 2.000\n        }\n";
        let out = payloads(yaml).unwrap_or_default();
        assert_eq!(
            String::from_utf8_lossy(&out),
            "{\"a\":\"1.50\"}\n{\"b\":2.000}\n"
        );
        assert!(payloads("not: [a, cassette]").is_err());
    }
}
