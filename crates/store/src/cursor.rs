//! Page tokens: opaque to clients, base64url of a small JSON object holding the sort key of the
//! last item returned and its sequence number (keyset pagination: stable under concurrent
//! inserts, no offsets).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::{DEFAULT_PER_PAGE, MAX_PER_PAGE, PageRequest, Result, StoreError};

/// Where an event listing stopped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub(crate) struct EventCursor {
    /// The order the token belongs to (`crate::sql::OrderTag`), checked on reuse.
    pub o: String,
    /// Sort key parts of the last event: number, time, text (whichever the order uses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub t: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    /// Sequence number of the last event (the tie-break).
    pub s: i64,
    /// Events returned so far (for `eventCountLimit` across pages).
    pub c: u64,
}

/// Where a listing by a text key (names, ids, distinct values) stopped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct KeyCursor {
    pub k: String,
}

pub(crate) fn encode<T: Serialize>(c: &T) -> String {
    // Serialising these plain structs cannot fail; an empty token would only end paging.
    let json = serde_json::to_vec(c).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

pub(crate) fn decode<T: DeserializeOwned>(token: &str) -> Result<T> {
    let bytes = URL_SAFE_NO_PAD
        .decode(token.trim())
        .map_err(|_| StoreError::BadPageToken)?;
    serde_json::from_slice(&bytes).map_err(|_| StoreError::BadPageToken)
}

pub(crate) fn decode_opt<T: DeserializeOwned>(page: &PageRequest) -> Result<Option<T>> {
    page.token.as_deref().map(decode).transpose()
}

/// The page size a request gets: default 100, at least 1, at most [`MAX_PER_PAGE`].
pub(crate) fn per_page(page: &PageRequest) -> u32 {
    page.per_page
        .unwrap_or(DEFAULT_PER_PAGE)
        .clamp(1, MAX_PER_PAGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_reject_garbage() {
        let c = EventCursor {
            o: "eventTime:DESC".into(),
            n: Some(1.5),
            t: Some(-3),
            x: Some("ä".into()),
            s: 42,
            c: 7,
        };
        let tok = encode(&c);
        assert!(
            tok.chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
        );
        assert_eq!(decode::<EventCursor>(&tok).unwrap(), c);
        for bad in ["", "!!!", "e30", &encode(&KeyCursor { k: "x".into() })] {
            assert!(matches!(
                decode::<EventCursor>(bad),
                Err(StoreError::BadPageToken)
            ));
        }
        let page = |n| PageRequest {
            per_page: n,
            token: None,
        };
        assert_eq!(per_page(&page(None)), 100);
        assert_eq!(per_page(&page(Some(0))), 1);
        assert_eq!(per_page(&page(Some(1_000_000))), MAX_PER_PAGE);
    }
}
