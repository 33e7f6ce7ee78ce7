//! Many documents through the capture pipeline: prepared ahead of the store on the blocking
//! pool, and the small ones stored several to a transaction.

use std::sync::Arc;

use store::CaptureMode;

use super::{
    CaptureReport, Prepared, context, prepare_blocking, store_prepared, store_prepared_together,
};
use crate::auth::{Permission, Principal};
use crate::{App, AppError, Result};

/// Documents stored in one transaction while their events add up to fewer than this: a
/// document's fixed cost (the commit, the checkpoint) is then paid once per group.
const GROUP_EVENTS: usize = 5_000;
/// Input bytes of small documents prepared ahead of the store, and how many at most.
const AHEAD_BYTES: usize = 8 << 20;
const AHEAD_DOCUMENTS: usize = 256;

/// Captures many documents, each on its own terms (`mode`: all of a document or nothing, or
/// each event on its own), in order. At least `parallel` documents (more while they are small)
/// are decoded, validated, hashed and turned into rows on the blocking pool while the store
/// writes the ones before: a bulk load keeps every core busy, and the single SQLite writer
/// does nothing but write. Small documents already prepared are stored together in one
/// transaction ([`store_prepared_together`]); when any of them would fail, the group is stored
/// one document at a time instead, so each outcome is exactly what it would be alone.
/// `on_done(index, outcome)` hears about each document in order; returning `false` stops
/// after that document's group (documents still being prepared are dropped, never stored).
pub async fn capture_many<I>(
    app: &App,
    principal: &Principal,
    documents: I,
    mode: CaptureMode,
    parallel: usize,
    mut on_done: impl FnMut(usize, Result<CaptureReport>) -> bool,
) -> Result<()>
where
    I: IntoIterator<Item = Vec<u8>>,
{
    principal.require(Permission::Capture)?;
    let mut documents = documents.into_iter().enumerate();
    let mut ahead = Ahead::new(parallel);
    loop {
        ahead.fill(app, principal, mode, &mut documents);
        let Some(first) = ahead.next().await else {
            return Ok(());
        };
        let mut group = vec![first];
        let mut events = 0;
        // The documents that follow join while they are ready, small and fine so far.
        while let Some((_, Ok(p))) = group.last() {
            events += p.total;
            if events >= GROUP_EVENTS || !ahead.next_is_ready() {
                break;
            }
            match ahead.next().await {
                Some(next) => group.push(next),
                None => break,
            }
        }
        // The next documents are prepared while this group is stored.
        ahead.fill(app, principal, mode, &mut documents);
        if !store_group(app, mode, group, &mut on_done).await {
            ahead.abort();
            return Ok(());
        }
    }
}

/// Time spent in each stage of [`capture_staged`], over all its documents.
#[derive(Debug, Clone, Copy, Default)]
pub struct StageTimes {
    /// Events stored.
    pub events: usize,
    /// Decoding, validating, hashing and turning events into rows (one thread).
    pub prepare: std::time::Duration,
    /// Writing the prepared rows, the log append and the checkpoint (the store's writer).
    pub store: std::time::Duration,
}

/// Captures documents one after the other, each prepared and then stored with nothing else
/// running, and times the two stages apart. [`capture_many`] overlaps them on all cores; here
/// each stage's cost per event is measured without the other competing for the CPU, which is
/// what a budget per stage needs (`nooluur bench capture --stages`). Stops at the first
/// document that fails.
pub async fn capture_staged<I>(
    app: &App,
    principal: &Principal,
    documents: I,
    mode: CaptureMode,
) -> Result<StageTimes>
where
    I: IntoIterator<Item = Vec<u8>>,
{
    principal.require(Permission::Capture)?;
    let mut times = StageTimes::default();
    for bytes in documents {
        let ctx = context(app, principal, None, mode, None);
        let started = std::time::Instant::now();
        let (_, prepared) = prepare_blocking(bytes, ctx).await;
        let prepared = prepared?;
        let ready = std::time::Instant::now();
        let report = store_prepared(app, prepared, mode).await?;
        times.store += ready.elapsed();
        times.prepare += ready - started;
        times.events += report.seqs.len();
    }
    Ok(times)
}

/// The documents being prepared ahead of the store, in order.
struct Ahead {
    parallel: usize,
    /// Documents are prepared `parallel` at a time, in order: a hundred small ones started at
    /// once would all finish late, and none would be ready to join a group.
    preparers: Arc<tokio::sync::Semaphore>,
    inflight: std::collections::VecDeque<Preparing>,
    bytes: usize,
}

/// (index, input bytes, the task preparing it).
type Preparing = (
    usize,
    usize,
    tokio::task::JoinHandle<(Vec<u8>, Result<Prepared>)>,
);

impl Ahead {
    fn new(parallel: usize) -> Ahead {
        Ahead {
            parallel: parallel.max(1),
            preparers: Arc::new(tokio::sync::Semaphore::new(parallel.max(1))),
            inflight: std::collections::VecDeque::new(),
            bytes: 0,
        }
    }

    /// Starts preparing documents until `parallel` are in flight, or more while they are small.
    fn fill(
        &mut self,
        app: &App,
        principal: &Principal,
        mode: CaptureMode,
        documents: &mut impl Iterator<Item = (usize, Vec<u8>)>,
    ) {
        while self.inflight.len() < self.parallel
            || (self.bytes < AHEAD_BYTES && self.inflight.len() < AHEAD_DOCUMENTS)
        {
            let Some((index, bytes)) = documents.next() else {
                break;
            };
            self.bytes += bytes.len();
            let len = bytes.len();
            let ctx = context(app, principal, None, mode, None);
            let turn = self.preparers.clone().acquire_owned();
            let task = tokio::spawn(async move {
                let _turn = turn.await;
                prepare_blocking(bytes, ctx).await
            });
            self.inflight.push_back((index, len, task));
        }
    }

    fn next_is_ready(&self) -> bool {
        self.inflight
            .front()
            .is_some_and(|(_, _, task)| task.is_finished())
    }

    /// The next document in order, once prepared.
    async fn next(&mut self) -> Option<(usize, Result<Prepared>)> {
        let (index, len, task) = self.inflight.pop_front()?;
        self.bytes -= len;
        let prepared = match task.await {
            Ok((_, prepared)) => prepared,
            Err(e) => Err(AppError::Internal(format!(
                "preparing the document failed: {e}"
            ))),
        };
        Some((index, prepared))
    }

    /// Drops the documents still being prepared: they are never stored.
    fn abort(self) {
        for (_, _, task) in self.inflight {
            task.abort();
        }
    }
}

/// Stores a group of documents, some of which may have failed to prepare, in order: each run
/// of prepared ones together, and tells `on_done` about each; `false` when it said stop.
pub(crate) async fn store_group(
    app: &App,
    mode: CaptureMode,
    group: Vec<(usize, Result<Prepared>)>,
    on_done: &mut impl FnMut(usize, Result<CaptureReport>) -> bool,
) -> bool {
    let mut run = Vec::new();
    for (index, p) in group {
        match p {
            Ok(p) => run.push((index, p)),
            Err(e) => {
                if !store_run(app, mode, std::mem::take(&mut run), on_done).await
                    || !on_done(index, Err(e))
                {
                    return false;
                }
            }
        }
    }
    store_run(app, mode, run, on_done).await
}

/// Stores prepared documents together, or one at a time when any would fail.
async fn store_run(
    app: &App,
    mode: CaptureMode,
    mut run: Vec<(usize, Prepared)>,
    on_done: &mut impl FnMut(usize, Result<CaptureReport>) -> bool,
) -> bool {
    if run.len() > 1 {
        let indexes: Vec<usize> = run.iter().map(|(i, _)| *i).collect();
        let docs = run.into_iter().map(|(_, p)| p).collect();
        match store_prepared_together(app, docs, mode).await {
            Ok(reports) => {
                return indexes
                    .into_iter()
                    .zip(reports)
                    .all(|(index, report)| on_done(index, Ok(report)));
            }
            Err(docs) => run = indexes.into_iter().zip(docs).collect(),
        }
    }
    for (index, p) in run {
        if !on_done(index, store_prepared(app, p, mode).await) {
            return false;
        }
    }
    true
}
