//! Webhook delivery: the EPCISQueryDocument is POSTed to the subscription's `dest` as
//! `application/ld+json`.
//!
//! Signature: when the subscription has a `signatureToken`, the request carries
//! `GS1-Signature: sha256=<hex>`, where `<hex>` is the lowercase hex HMAC-SHA256 of the exact
//! request body bytes, keyed with the UTF-8 bytes of the `signatureToken`. A receiver recomputes
//! it over the raw body and compares in constant time.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The `GS1-Signature` header value for a body.
pub fn signature(signature_token: &str, body: &[u8]) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(signature_token.as_bytes()) {
        Ok(m) => m,
        // HMAC takes keys of any length; this arm is unreachable but must not panic.
        Err(_) => return String::new(),
    };
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Checks a `GS1-Signature` header against a body (what a receiver does).
pub fn verify(signature_token: &str, body: &[u8], header: &str) -> bool {
    let Some(hex_sig) = header.trim().strip_prefix("sha256=") else {
        return false;
    };
    let Ok(expected) = hex::decode(hex_sig) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(signature_token.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

/// POSTs a body; `Err` with why when the receiver did not answer 2xx.
pub(crate) async fn post(
    client: &reqwest::Client,
    dest: &str,
    body: Vec<u8>,
    signature_token: Option<&str>,
    subscription_id: &str,
) -> Result<(), String> {
    let mut req = client
        .post(dest)
        .header("Content-Type", "application/ld+json")
        .header("GS1-EPCIS-Version", "2.0.0")
        .header("GS1-CBV-Version", "2.0.0")
        .header("GS1-Subscription-ID", subscription_id);
    if let Some(token) = signature_token {
        req = req.header("GS1-Signature", signature(token, &body));
    }
    let resp = req.body(body).send().await.map_err(|e| e.to_string())?;
    if resp.status().is_success() {
        Ok(())
    } else {
        Err(format!("{dest} answered {}", resp.status()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hmac_sha256_hex() {
        // RFC 4231 test case 2.
        let s = signature("Jefe", b"what do ya want for nothing?");
        assert_eq!(
            s,
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert!(verify("Jefe", b"what do ya want for nothing?", &s));
        assert!(!verify("Jefe", b"what do ya want for nothing!", &s));
        assert!(!verify("jefe", b"what do ya want for nothing?", &s));
        assert!(!verify("Jefe", b"x", "sha256=zz"));
    }
}
