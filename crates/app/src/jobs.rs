//! Asynchronous capture (`POST /capture`): the request is checked and prepared at once (so bad
//! input is answered with 400/413 straight away), the document is stored with a pending job
//! before `202 Accepted` is answered, and a worker claims and processes jobs. Nothing accepted
//! is lost: a job another process (or a crash) left pending is found in the store and prepared
//! again from its stored document.

use serde_json::{Value, json};
use store::{CaptureJob, CaptureMode, CaptureOutcome, JobState, NewCaptureJob, Page, PageRequest};

use crate::auth::{Permission, Principal};
use crate::capture::{self, Prepared};
use crate::clock::format_time;
use crate::{App, AppError, ErrorItem, Result};

/// Accepts a document for capture and queues it; answers the job (its id goes in `Location`).
pub async fn submit(
    app: &App,
    principal: &Principal,
    document: Vec<u8>,
    content_type: &str,
    mode: CaptureMode,
) -> Result<CaptureJob> {
    principal.require(Permission::Capture)?;
    check_size(app, document.len())?;
    let limit = Some(app.config.capture_limit);
    let ctx = capture::context(app, principal, None, mode, limit);
    let (document, prepared) = capture::prepare_blocking(document, ctx).await;
    let mut prepared = prepared?;
    let job = app
        .store
        .create_capture_job(NewCaptureJob {
            org: principal.id(),
            mode,
            document,
            content_type: content_type.to_owned(),
        })
        .await?;
    prepared.set_capture_id(&job.id);
    {
        let mut cache = app
            .signals
            .prepared
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let now = std::time::Instant::now();
        // Jobs another process claimed never come back for their entry.
        cache.retain(|_, (at, _)| now.duration_since(*at) < crate::PREPARED_TTL);
        cache.insert(job.id.clone(), (now, prepared));
    }
    app.signals.jobs.notify_one();
    Ok(job)
}

/// 413 when a body is over the configured size.
pub fn check_size(app: &App, len: usize) -> Result<()> {
    let max = app.config.capture_file_size_limit;
    if len > max {
        return Err(AppError::CaptureLimitExceeded(format!(
            "the document has {len} bytes; this repository accepts at most {max} bytes per request"
        )));
    }
    Ok(())
}

pub async fn get(app: &App, principal: &Principal, id: &str) -> Result<CaptureJob> {
    principal.require(Permission::Read)?;
    app.store
        .get_capture_job(id, principal.id())
        .await?
        .ok_or_else(|| AppError::not_found("capture job", id))
}

pub async fn list(
    app: &App,
    principal: &Principal,
    page: &PageRequest,
) -> Result<Page<CaptureJob>> {
    principal.require(Permission::Read)?;
    Ok(app.store.list_capture_jobs(principal.id(), page).await?)
}

/// A job in the GS1 `CaptureJob` shape of the REST binding.
pub fn to_json(job: &CaptureJob) -> Value {
    let mut v = json!({
        "captureID": job.id,
        "createdAt": format_time(job.created_at),
        "running": job.state != JobState::Finished,
        "success": job.success.unwrap_or(true),
        "captureErrorBehaviour": match job.mode {
            CaptureMode::Atomic => "rollback",
            CaptureMode::Proceed => "proceed",
        },
        "errors": job.errors,
    });
    if let Some(f) = job.finished_at {
        v["finishedAt"] = format_time(f).into();
    }
    v["capturedEvents"] = job.captured.into();
    v
}

/// Claims and processes pending jobs until told to stop; wakes on new jobs of this process and
/// polls the store for those of others.
pub async fn run_worker(app: App, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        loop {
            if *stop.borrow() {
                return;
            }
            match claim_group(&app).await {
                Ok(jobs) if !jobs.is_empty() => process_group(&app, jobs).await,
                Ok(_) => break,
                Err(e) => {
                    tracing::warn!("claiming a capture job failed: {e}");
                    break;
                }
            }
        }
        tokio::select! {
            _ = app.signals.jobs.notified() => {}
            stopping = crate::sleep_or_stop(&mut stop, app.config.poll_interval) => {
                if stopping { return; }
            }
        }
    }
}

/// Runs every pending job now (tests and the CLI use this instead of the worker).
pub async fn run_pending(app: &App) -> Result<usize> {
    let mut n = 0;
    loop {
        let jobs = claim_group(app).await?;
        if jobs.is_empty() {
            return Ok(n);
        }
        n += jobs.len();
        process_group(app, jobs).await;
    }
}

/// Claimed jobs are processed together while their documents add up to fewer bytes than this
/// (about a thousand events): small documents then share one store transaction.
const GROUP_BYTES: usize = 1 << 20;
const GROUP_JOBS: usize = 64;

/// Claims the oldest pending job (or one a dead worker left running past its lease), and the
/// ones after it while the documents are small.
async fn claim_group(app: &App) -> store::Result<Vec<(CaptureJob, Vec<u8>)>> {
    app.store
        .claim_capture_jobs_at(
            app.clock.now(),
            store::DEFAULT_JOB_LEASE,
            GROUP_JOBS,
            GROUP_BYTES,
        )
        .await
}

/// Prepares the jobs' documents (the ones `submit` prepared are taken as they are), stores
/// them, jobs of one mode together, and records each job's outcome.
async fn process_group(app: &App, jobs: Vec<(CaptureJob, Vec<u8>)>) {
    let mut preparing = Vec::with_capacity(jobs.len());
    for (job, bytes) in jobs {
        let cached = app
            .signals
            .prepared
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&job.id)
            .map(|(_, p)| p);
        let task = match cached {
            Some(p) => Err(p),
            None => {
                let ctx = capture::CaptureContext {
                    org: job.org,
                    capture_id: Some(job.id.clone()),
                    record_time: app.clock.now(),
                    mode: job.mode,
                    event_limit: None,
                    random: app.random.clone(),
                };
                Ok(tokio::spawn(capture::prepare_blocking(bytes, ctx)))
            }
        };
        preparing.push((job, task));
    }
    let mut prepared: Vec<(CaptureJob, Result<Prepared>)> = Vec::with_capacity(preparing.len());
    for (job, task) in preparing {
        let p = match task {
            Err(p) => Ok(p),
            Ok(task) => match task.await {
                Ok((_, p)) => p,
                Err(e) => Err(AppError::Internal(format!(
                    "preparing the document failed: {e}"
                ))),
            },
        };
        prepared.push((job, p));
    }
    let mut outcomes: Vec<(String, CaptureOutcome)> = Vec::with_capacity(prepared.len());
    let mut rest = prepared.into_iter().peekable();
    while let Some((job, p)) = rest.next() {
        let mode = job.mode;
        let mut jobs = vec![job];
        let mut group = vec![(0, p)];
        while let Some((job, p)) = rest.next_if(|(j, _)| j.mode == mode) {
            group.push((jobs.len(), p));
            jobs.push(job);
        }
        let mut results = Vec::with_capacity(jobs.len());
        capture::store_group(app, mode, group, &mut |i, r| {
            results.push((i, r));
            true
        })
        .await;
        let mut jobs: Vec<Option<CaptureJob>> = jobs.into_iter().map(Some).collect();
        for (i, r) in results {
            if let Some(job) = jobs.get_mut(i).and_then(Option::take) {
                let instance = format!("/capture/{}", job.id);
                outcomes.push((job.id, outcome(r, &instance)));
            }
        }
    }
    if let Err(e) = app.store.finish_capture_jobs(&outcomes).await {
        // One at a time, so that one job the store cannot finish does not hold up the others.
        tracing::warn!("capture jobs could not be finished together: {e}");
        for (id, outcome) in outcomes {
            if let Err(e) = app.store.finish_capture_job(&id, outcome).await {
                tracing::error!("capture job {id} could not be finished: {e}");
            }
        }
    }
}

/// A job's outcome from what storing its document gave.
fn outcome(r: Result<capture::CaptureReport>, instance: &str) -> CaptureOutcome {
    match r {
        Ok(report) => CaptureOutcome {
            success: report.errors.is_empty(),
            captured: report.seqs.len() as i64,
            errors: if report.errors.is_empty() {
                Vec::new()
            } else {
                vec![partial(&report.errors, instance)]
            },
        },
        Err(e) => failed(&e, instance),
    }
}

fn failed(e: &AppError, instance: &str) -> CaptureOutcome {
    if let AppError::Store(s) = e {
        tracing::error!("capture job {instance} failed in the store: {s}");
    }
    CaptureOutcome {
        success: false,
        captured: 0,
        errors: vec![e.problem(Some(instance))],
    }
}

fn partial(items: &[ErrorItem], instance: &str) -> Value {
    AppError::validation(
        format!(
            "{} event(s) of the document were not captured; the others were",
            items.len()
        ),
        items.to_vec(),
    )
    .problem(Some(instance))
}

/// A job as the XML binding's `EPCISCaptureJob`.
pub fn to_xml(job: &CaptureJob) -> String {
    let v = to_json(job);
    let text = |k: &str| v[k].as_str().map(escape).unwrap_or_default();
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<epcis:EPCISCaptureJob xmlns:epcis=\"urn:epcglobal:epcis:xsd:2\" running=\"{}\" success=\"{}\" captureID=\"{}\">\n  <captureErrorBehaviour>{}</captureErrorBehaviour>\n  <createdAt>{}</createdAt>\n",
        v["running"],
        v["success"],
        text("captureID"),
        text("captureErrorBehaviour"),
        text("createdAt"),
    );
    if v["finishedAt"].is_string() {
        out.push_str(&format!(
            "  <finishedAt>{}</finishedAt>\n",
            text("finishedAt")
        ));
    }
    out.push_str("  <errors>\n");
    for e in &job.errors {
        out.push_str("    <error>\n");
        for k in ["type", "title", "status", "detail", "instance"] {
            let val = match &e[k] {
                Value::String(s) => escape(s),
                Value::Null => continue,
                other => escape(&other.to_string()),
            };
            out.push_str(&format!("      <{k}>{val}</{k}>\n"));
        }
        out.push_str("    </error>\n");
    }
    out.push_str("  </errors>\n</epcis:EPCISCaptureJob>\n");
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
