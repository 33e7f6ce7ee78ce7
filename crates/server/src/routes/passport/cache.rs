//! Passports as served, kept until the store changes.
//!
//! A passport is the page behind a QR code: many people scan the same few products, and each
//! page costs a walk of the product's history, the credentials upstream checked again, and a
//! map drawn. So each answer (status, headers, body) is kept under everything it varies by
//! (subject, representation, language, base URL), together with the store's
//! [`store::Revision`] read *before* it was built. A request reads the revision (one cheap
//! query) and serves the kept answer while nothing but events changed and no event since
//! names what the answer depends on (the product, the lots and events on its path: see
//! [`super::journal`]). So a revoked credential, a consent, or an event on the product's
//! path shows on the very next request, from any process on the store, while the captures of
//! a busy season elsewhere do not throw the pages away. What depends on the clock alone (an
//! expiry) is refreshed after `Config::page_cache_ttl`, on the app's clock.
//!
//! The answer carries a strong `ETag` (a digest of the bytes; the gzip form has its own) and
//! `Cache-Control: no-cache`, so a phone on a slow link revalidates with `If-None-Match` and
//! gets a 304 instead of the page again. The gzip form is made once per kept answer, not per
//! request. Concurrent requests for an answer not yet kept wait for the one that builds it.
//! `X-Cache: hit` or `miss` tells an operator (and the tests) which it was.

use std::future::Future;
use std::io::{Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use sha2::{Digest, Sha256};
use store::{Revision, Store};

use super::journal::Journal;

use crate::problem::ApiError;

/// One answer as built, kept gzipped when that is smaller (pages shrink to about a fifth, so
/// the cache holds five times more of them; the rare client without gzip gets it inflated).
pub struct Kept {
    status: StatusCode,
    headers: HeaderMap,
    /// The body, gzipped when `gzip_etag` is set.
    body: Bytes,
    /// The tag of the plain body, and of the gzip form when kept gzipped.
    etag: HeaderValue,
    gzip_etag: Option<HeaderValue>,
    revision: Revision,
    /// When it was built, µs on the app's clock.
    made_at: i64,
    /// What an event must name to change it, as sorted hashes (see [`super::journal`]).
    depends_on: Vec<u64>,
    /// The event seq up to which it is known current.
    checked: AtomicI64,
}

impl Kept {
    /// Current but for events: nothing else changed, and not past its time. Revisions only
    /// grow, so an answer built on a later revision than this request read is newer still.
    fn fresh_but_for_events(&self, now: Revision, at: i64, ttl: i64) -> bool {
        self.revision.other >= now.other && at >= self.made_at && at - self.made_at < ttl
    }

    fn plain(&self) -> Result<Bytes, std::io::Error> {
        if self.gzip_etag.is_none() {
            return Ok(self.body.clone());
        }
        let mut out = Vec::with_capacity(self.body.len() * 5);
        flate2::read::GzDecoder::new(&self.body[..]).read_to_end(&mut out)?;
        Ok(Bytes::from(out))
    }
}

fn tag(body: &[u8], suffix: &str) -> HeaderValue {
    let d = Sha256::digest(body);
    let hex: String = d[..12].iter().map(|b| format!("{b:02x}")).collect();
    HeaderValue::from_str(&format!("\"{hex}{suffix}\"")).unwrap_or(HeaderValue::from_static("\"\""))
}

#[derive(Clone)]
struct ByBytes;

impl Weighter<String, Arc<Kept>> for ByBytes {
    fn weight(&self, key: &String, v: &Arc<Kept>) -> u64 {
        (key.len() + v.body.len() + v.depends_on.len() * 8 + 512) as u64
    }
}

/// The kept answers of one server.
pub struct PageCache {
    cache: Option<Cache<String, Arc<Kept>, ByBytes>>,
    ttl_micros: i64,
    journal: tokio::sync::Mutex<Journal>,
    /// Pages built at once. Building is CPU work, so more builds than cores finish no sooner,
    /// but each holds its whole graph and page in memory: a cold burst of 16 connections had
    /// lifted the server's peak RSS by 125 MB (BENCHMARKS.md, "Server memory").
    builds: tokio::sync::Semaphore,
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageCache")
            .field("entries", &self.cache.as_ref().map_or(0, Cache::len))
            .field("ttl_micros", &self.ttl_micros)
            .finish()
    }
}

impl PageCache {
    pub fn new(config: &app::Config) -> PageCache {
        let bytes = config.page_cache_bytes;
        PageCache {
            // A page is about 10 KB kept: the estimate only sizes the table.
            cache: (bytes > 0)
                .then(|| Cache::with_weighter((bytes / 10_000).max(16) as usize, bytes, ByBytes)),
            ttl_micros: i64::try_from(config.page_cache_ttl.as_micros()).unwrap_or(i64::MAX),
            journal: Default::default(),
            builds: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get),
            ),
        }
    }

    /// Builds an answer under a permit of `builds`, ready to keep.
    async fn built<F, Fut>(&self, build: F, revision: Revision, now: i64) -> Result<Kept, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(Response, Vec<String>), ApiError>>,
    {
        // Never closed, so acquiring only fails if it were; building unbounded then is still
        // correct.
        let _permit = self.builds.acquire().await.ok();
        keep(build().await?, revision, now).await
    }

    /// Whether `kept` may answer a request that read `now` at `at`: nothing but events
    /// changed, and no event since names what it depends on.
    async fn current(&self, store: &dyn Store, kept: &Kept, now: Revision, at: i64) -> bool {
        if !kept.fresh_but_for_events(now, at, self.ttl_micros) {
            return false;
        }
        let checked = kept.checked.load(Ordering::Relaxed);
        if checked >= now.events {
            return true;
        }
        let mut journal = self.journal.lock().await;
        if let Err(e) = journal.catch_up(store, now.events).await {
            tracing::warn!("cannot read the events a kept passport may depend on: {e}");
            return false;
        }
        if journal.touches(checked, now.events, &kept.depends_on) {
            return false;
        }
        kept.checked.fetch_max(now.events, Ordering::Relaxed);
        true
    }

    /// The answer kept under `key` if the store is still at it, else the one `build` makes
    /// (kept for the next request). `revision` must be read before `build` reads anything.
    pub async fn get_or_build<F, Fut>(
        &self,
        store: &dyn Store,
        key: String,
        revision: Revision,
        now: i64,
        build: F,
    ) -> Result<(Arc<Kept>, bool), ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(Response, Vec<String>), ApiError>>,
    {
        let Some(cache) = &self.cache else {
            return Ok((Arc::new(self.built(build, revision, now).await?), false));
        };
        // Twice at most: a stale answer is dropped once, then this request builds.
        for _ in 0..2 {
            match cache.get_value_or_guard_async(&key).await {
                Ok(kept) => {
                    if self.current(store, &kept, revision, now).await {
                        return Ok((kept, true));
                    }
                    cache.remove_if(&key, |v| Arc::ptr_eq(v, &kept));
                }
                Err(guard) => {
                    self.journal.lock().await.start(revision.events);
                    // An error leaves nothing kept; the guard's drop lets a waiter try.
                    let kept = Arc::new(self.built(build, revision, now).await?);
                    let _ = guard.insert(kept.clone());
                    return Ok((kept, false));
                }
            }
        }
        let kept = Arc::new(self.built(build, revision, now).await?);
        cache.insert(key, kept.clone());
        Ok((kept, false))
    }
}

async fn keep(
    (resp, depends_on): (Response, Vec<String>),
    revision: Revision,
    made_at: i64,
) -> Result<Kept, ApiError> {
    let (parts, body) = resp.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .map_err(|e| ApiError(app::AppError::Internal(format!("a passport's body: {e}"))))?;
    let etag = tag(&body, "");
    let gz = (|| {
        let mut enc = flate2::write::GzEncoder::new(
            Vec::with_capacity(body.len() / 4),
            flate2::Compression::default(),
        );
        enc.write_all(&body).ok()?;
        enc.finish().ok()
    })()
    .filter(|gz| gz.len() < body.len());
    let (body, gzip_etag) = match gz {
        Some(gz) => {
            let t = tag(&gz, "-gz");
            (Bytes::from(gz), Some(t))
        }
        None => (body, None),
    };
    Ok(Kept {
        status: parts.status,
        headers: parts.headers,
        body,
        etag,
        gzip_etag,
        revision,
        made_at,
        depends_on: super::journal::name_hashes(&depends_on),
        checked: AtomicI64::new(revision.events),
    })
}

/// Whether the request takes gzip (`Accept-Encoding`, with q-values).
fn takes_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(crate::negotiate::weighted)
        .any(|(coding, q)| q > 0.0 && (coding.eq_ignore_ascii_case("gzip") || coding == "*"))
}

/// Whether `If-None-Match` names `etag` (or `*`), compared weakly as RFC 9110 asks for GET.
fn matches(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    let want = etag.as_bytes();
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim())
        .any(|t| t == "*" || t.trim_start_matches("W/").as_bytes() == want)
}

/// The kept answer for this request: gzip when taken and smaller, 304 when the client holds
/// it; `X-Cache` says whether it was kept (`hit`) or built for this request (`miss`).
pub fn respond(kept: &Kept, hit: bool, req: &HeaderMap) -> Response {
    // Pages only, as the server's compression layer does: JSON clients read their answers raw.
    let is_page = kept
        .headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"text/html"));
    let gz = kept
        .gzip_etag
        .as_ref()
        .filter(|_| kept.status == StatusCode::OK && is_page && takes_gzip(req));
    let etag = gz.unwrap_or(&kept.etag);
    let not_modified = kept.status == StatusCode::OK && matches(req, etag);
    let mut resp = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let body = if gz.is_some() {
            Ok(kept.body.clone())
        } else {
            kept.plain()
        };
        match body {
            Ok(body) => {
                let mut r = Response::new(Body::from(body));
                *r.status_mut() = kept.status;
                r
            }
            // Cannot happen for bytes this module compressed; said rather than hidden.
            Err(e) => {
                return ApiError(app::AppError::Internal(format!("a kept passport: {e}")))
                    .into_response();
            }
        }
    };
    let h = resp.headers_mut();
    for (name, value) in &kept.headers {
        // A 304 carries no body, so none of the headers that describe one (RFC 9110 §15.4.5).
        if !(not_modified && (name == header::CONTENT_TYPE || name == header::CONTENT_LENGTH)) {
            h.append(name.clone(), value.clone());
        }
    }
    h.insert(
        "x-cache",
        HeaderValue::from_static(if hit { "hit" } else { "miss" }),
    );
    if kept.status == StatusCode::OK {
        h.insert(header::ETAG, etag.clone());
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, no-cache"),
        );
        if gz.is_some() && !h.contains_key(header::CONTENT_ENCODING) {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn gzip_is_taken_by_q_value() {
        assert!(takes_gzip(&req(&[(
            "accept-encoding",
            "gzip, deflate, br"
        )])));
        assert!(takes_gzip(&req(&[(
            "accept-encoding",
            "br;q=1, GZIP;q=0.5"
        )])));
        assert!(!takes_gzip(&req(&[("accept-encoding", "gzip;q=0, br")])));
        assert!(!takes_gzip(&req(&[("accept-encoding", "identity")])));
        assert!(!takes_gzip(&HeaderMap::new()));
    }

    #[test]
    fn if_none_match_compares_weakly() {
        let etag = HeaderValue::from_static("\"abc\"");
        assert!(matches(&req(&[("if-none-match", "\"x\", \"abc\"")]), &etag));
        assert!(matches(&req(&[("if-none-match", "W/\"abc\"")]), &etag));
        assert!(matches(&req(&[("if-none-match", "*")]), &etag));
        assert!(!matches(&req(&[("if-none-match", "\"abcd\"")]), &etag));
        assert!(!matches(&HeaderMap::new(), &etag));
    }

    #[test]
    fn freshness_follows_revision_and_clock() {
        let kept = Kept {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: Bytes::from_static(b"page"),
            etag: tag(b"page", ""),
            gzip_etag: None,
            revision: Revision {
                events: 10,
                other: 3,
            },
            made_at: 1_000,
            depends_on: Vec::new(),
            checked: AtomicI64::new(10),
        };
        let at = |events, other| Revision { events, other };
        let fresh = |r, t| kept.fresh_but_for_events(r, t, 60);
        assert!(fresh(at(10, 3), 1_000));
        assert!(fresh(at(9, 2), 1_059), "an older reading is not newer data");
        assert!(fresh(at(11, 3), 1_000), "events are the journal's to judge");
        assert!(!fresh(at(10, 4), 1_000), "a revocation or a consent");
        assert!(!fresh(at(10, 3), 1_060), "past its time");
        assert!(!fresh(at(10, 3), 999), "a clock set back");
    }
}

#[cfg(test)]
mod build_tests {
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    use super::*;

    /// Sixteen cold pages at once are built no more than a core's worth at a time.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn builds_wait_for_a_permit() {
        let pages = Arc::new(PageCache::new(&app::Config::default()));
        let permits = pages.builds.available_permits();
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..16 {
            let (pages, running, most) = (pages.clone(), running.clone(), most.clone());
            tasks.push(tokio::spawn(async move {
                let revision = Revision::default();
                pages
                    .built(
                        || async {
                            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(20)).await;
                            running.fetch_sub(1, Ordering::SeqCst);
                            Ok((StatusCode::OK.into_response(), Vec::new()))
                        },
                        revision,
                        0,
                    )
                    .await
                    .map(|_| ())
            }));
        }
        for t in tasks {
            assert!(t.await.expect("the task runs").is_ok());
        }
        let most = most.load(Ordering::SeqCst);
        assert!(
            most >= 1 && most <= permits,
            "{most} builds at once, {permits} permits"
        );
        assert_eq!(
            pages.builds.available_permits(),
            permits,
            "every permit is returned"
        );
    }
}
