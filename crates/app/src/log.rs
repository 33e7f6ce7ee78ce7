//! The transparency log as the repository's users see it: signed checkpoints, the verifier
//! key, inclusion and consistency proofs, C2SP tlog-tiles, and `verify`, which re-derives the
//! whole log from the stored events.
//!
//! Appending happens in the store, in the transaction that stores the events (leaf `n` is the
//! event with sequence number `n + 1`); this module signs what the store appended. The log's
//! origin and signing key are configuration ([`crate::Config::log_origin`],
//! [`crate::Config::log_key`]); without a configured key the first process generates one and
//! keeps it in the store's settings, so every process on one database signs with the same key.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::Serialize;
use store::StoredEvent;
use tlog::{Checkpoint, FetchedHashes, Hash, Signer};

use crate::auth::{Permission, Principal};
use crate::{App, AppError, Result};

fn log_error(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("transparency log: {e}"))
}

/// The signer of this deployment's checkpoints (configured, or generated once per store).
pub async fn signer(app: &App) -> Result<&Signer> {
    app.signals
        .log_signer
        .get_or_try_init(|| async {
            let origin = &app.config.log_origin;
            let skey = match &app.config.log_key {
                Some(k) => k.0.clone(),
                None => {
                    let mut seed = [0u8; 32];
                    app.random.fill(&mut seed);
                    let (skey, _) = tlog::generate_key(origin, &seed).map_err(log_error)?;
                    app.store
                        .setting_or_insert(&format!("log.skey:{origin}"), &skey)
                        .await?
                }
            };
            let signer = Signer::from_skey(&skey)
                .map_err(|e| AppError::Internal(format!("the log signing key is unusable: {e}")))?;
            if signer.name() != origin {
                return Err(AppError::Internal(format!(
                    "the log signing key is named {:?}, not the log origin {origin:?}",
                    signer.name()
                )));
            }
            Ok(signer)
        })
        .await
}

/// The verifier key (C2SP signed-note `vkey`).
pub async fn vkey(app: &App) -> Result<String> {
    Ok(signer(app).await?.verifier().to_vkey())
}

/// Hashes the store holds at `indexes`, ready for the `tlog` functions.
async fn fetch(app: &App, indexes: &[u64]) -> Result<FetchedHashes> {
    let hashes = app.store.log_hashes(indexes).await?;
    FetchedHashes::new(indexes, &hashes).map_err(log_error)
}

/// The root of the tree of `size` leaves.
pub async fn root(app: &App, size: u64) -> Result<Hash> {
    let f = fetch(app, &tlog::tree_hash_indexes(size).map_err(log_error)?).await?;
    tlog::tree_hash(size, &f).map_err(log_error)
}

/// Signs and keeps a checkpoint of the current tree if the latest one is older; returns the
/// latest checkpoint (size, note).
pub async fn publish(app: &App) -> Result<(u64, String)> {
    let size = app.store.max_seq().await? as u64;
    if let Some((s, note)) = app.store.latest_checkpoint().await?
        && s >= size
    {
        return Ok((s, note));
    }
    let root = root(app, size).await?;
    let note = Checkpoint::new(&app.config.log_origin, size, root)
        .sign(signer(app).await?)
        .map_err(log_error)?;
    app.store.put_checkpoint(size, &note).await?;
    // Another process may have checkpointed the same size first; its note is as good.
    Ok(app.store.latest_checkpoint().await?.unwrap_or((size, note)))
}

/// The latest signed checkpoint, publishing one first if the tree has grown.
pub async fn checkpoint(app: &App) -> Result<String> {
    Ok(publish(app).await?.1)
}

/// `GET /log/proof/{eventID}`: where an event sits in the log and how to check it.
#[derive(Debug, Clone, Serialize)]
pub struct EventProof {
    pub event_id: String,
    /// The leaf is the event's error declaration, not the event.
    pub declared: bool,
    pub leaf_index: u64,
    pub tree_size: u64,
    /// Base64 of the leaf input: the RFC 8785 JSON of the event object.
    pub leaf: String,
    /// Base64 hashes from the leaf's sibling up to the root's child (RFC 9162).
    pub proof: Vec<String>,
    /// The signed checkpoint of `tree_size` the proof leads to.
    pub checkpoint: String,
}

/// Inclusion proof of an event the principal may read. An event and its error declaration
/// share an eventID and are two leaves: `declared` picks the declaration (404 when there is
/// none), otherwise the event itself.
pub async fn event_proof(
    app: &App,
    principal: &Principal,
    event_id: &str,
    declared: bool,
) -> Result<EventProof> {
    principal.require(Permission::Read)?;
    let stored = app
        .store
        .get_event(event_id, &principal.viewer())
        .await?
        .into_iter()
        .find(|e| e.event.error_declaration.is_some() == declared)
        .ok_or_else(|| AppError::NotFound {
            what: if declared {
                "error declaration"
            } else {
                "event"
            },
            name: event_id.to_owned(),
        })?;
    let (size, checkpoint) = publish(app).await?;
    let leaf_index = stored.seq as u64 - 1;
    let entry = store::log_entry(&stored.event, &stored.namespaces)?;
    let f = fetch(
        app,
        &tlog::record_proof_indexes(size, leaf_index).map_err(log_error)?,
    )
    .await?;
    let proof = tlog::prove_record(size, leaf_index, &f).map_err(log_error)?;
    Ok(EventProof {
        event_id: event_id.to_owned(),
        declared,
        leaf_index,
        tree_size: size,
        leaf: B64.encode(&entry),
        proof: proof.iter().map(|h| B64.encode(h)).collect(),
        checkpoint,
    })
}

/// Consistency proof between two tree sizes (`old` ≤ `new` ≤ the latest checkpoint).
pub async fn consistency_proof(app: &App, old: u64, new: u64) -> Result<tlog::ConsistencyProof> {
    let (size, _) = publish(app).await?;
    if old == 0 || old > new || new > size {
        return Err(AppError::QueryParameter(format!(
            "a consistency proof needs 1 ≤ from ≤ to ≤ {size} (the latest checkpoint); got from={old}, to={new}"
        )));
    }
    let f = fetch(app, &tlog::tree_proof_indexes(new, old).map_err(log_error)?).await?;
    let proof = tlog::prove_tree(new, old, &f).map_err(log_error)?;
    Ok(tlog::ConsistencyProof {
        old_size: old,
        new_size: new,
        proof,
    })
}

/// A C2SP tlog-tiles hash tile (`tile/<L>/<N>[.p/<W>]`) of the latest checkpoint's tree.
/// Entry bundles are not served: they would show every event to anyone, and events are
/// readable only by the parties entitled to them.
pub async fn tile(app: &App, path: &str) -> Result<Vec<u8>> {
    let not_found = || AppError::NotFound {
        what: "tile",
        name: path.to_owned(),
    };
    let tile = match tlog::parse_tile_path(path) {
        Ok(tlog::TilePath::Hashes(t)) => t,
        Ok(tlog::TilePath::Entries(_)) => {
            return Err(AppError::Forbidden(
                "entry bundles are not public: ask for an event's proof instead".into(),
            ));
        }
        Err(_) => return Err(not_found()),
    };
    let (size, _) = publish(app).await?;
    if !tile.is_within(size) {
        return Err(not_found());
    }
    let f = fetch(app, &tile.hash_indexes().map_err(log_error)?).await?;
    tlog::read_tile_data(&tile, &f).map_err(log_error)
}

/// What `verify` found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct VerifyReport {
    /// Tree size of the checkpoint checked against.
    pub checkpoint_size: u64,
    /// Events checked.
    pub events: u64,
    /// Events whose content no longer matches their leaf (eventID, seq).
    pub changed: Vec<(String, i64)>,
    /// Sequence numbers the log has a leaf for but no event is stored under.
    pub removed: Vec<i64>,
    /// Events stored without a leaf in the log (eventID, seq).
    pub inserted: Vec<(String, i64)>,
    /// Whether the root rebuilt from the events equals the checkpoint's, and the stored hashes
    /// agree with it.
    pub root_matches: bool,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.root_matches
            && self.changed.is_empty()
            && self.removed.is_empty()
            && self.inserted.is_empty()
    }
}

/// Re-derives every leaf from the stored events, rebuilds the tree, and checks it against the
/// latest signed checkpoint (whose signature is checked with this deployment's key) and
/// against the stored hashes. `progress(events checked)` is called as it goes.
pub async fn verify(app: &App, mut progress: impl FnMut(u64)) -> Result<VerifyReport> {
    let verifier = signer(app).await?.verifier();
    let (size, note) = match app.store.latest_checkpoint().await? {
        Some(c) => c,
        None => publish(app).await?,
    };
    let opened = tlog::open_checkpoint(note.as_bytes(), std::slice::from_ref(&verifier), &[], 0)
        .map_err(|e| AppError::Internal(format!("the latest checkpoint does not verify: {e}")))?;
    let checkpoint = opened.checkpoint;
    if checkpoint.origin != app.config.log_origin || checkpoint.size != size {
        return Err(AppError::Internal(format!(
            "the latest checkpoint is for {} size {}, not {} size {size}",
            checkpoint.origin, checkpoint.size, app.config.log_origin
        )));
    }
    let mut report = VerifyReport {
        checkpoint_size: size,
        ..VerifyReport::default()
    };
    let mut rebuilt = tlog::MemoryLog::new();
    let mut next_seq = 1i64;
    let mut after = 0i64;
    loop {
        let batch: Vec<StoredEvent> = app.store.events_after(after, 5_000).await?;
        let Some(last) = batch.last() else { break };
        after = last.seq;
        let seqs: Vec<u64> = batch
            .iter()
            .filter(|e| (e.seq as u64) <= size)
            .map(|e| tlog::stored_hash_index(0, e.seq as u64 - 1))
            .collect();
        let stored_leaves = app.store.log_hashes(&seqs).await.ok();
        for (k, e) in batch.iter().enumerate() {
            while next_seq < e.seq {
                report.removed.push(next_seq);
                // Keep leaf positions aligned so later events are still checked.
                rebuilt
                    .append_leaf_hashes(&[[0u8; 32]])
                    .map_err(log_error)?;
                next_seq += 1;
            }
            next_seq = e.seq + 1;
            report.events += 1;
            let leaf = tlog::leaf_hash(&store::log_entry(&e.event, &e.namespaces)?);
            let id = e.event.event_id.clone().unwrap_or_default();
            if e.seq as u64 > size {
                report.inserted.push((id, e.seq));
                continue;
            }
            rebuilt.append_leaf_hashes(&[leaf]).map_err(log_error)?;
            let stored = stored_leaves.as_ref().and_then(|v| v.get(k));
            if stored != Some(&leaf) {
                report.changed.push((id, e.seq));
            }
        }
        progress(report.events);
    }
    while (next_seq as u64) <= size {
        report.removed.push(next_seq);
        rebuilt
            .append_leaf_hashes(&[[0u8; 32]])
            .map_err(log_error)?;
        next_seq += 1;
    }
    let rebuilt_root = rebuilt.root_at(size).map_err(log_error)?;
    let stored_root = root(app, size).await.ok();
    report.root_matches = rebuilt_root == checkpoint.root && stored_root == Some(checkpoint.root);
    Ok(report)
}
