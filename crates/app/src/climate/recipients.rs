//! Who gets an alert for a soum, and why: cooperatives with member households there (the
//! registry), organisations subscribed to it, and brands and processors holding fibre from it
//! (the provenance ledger: the composition of every garment and lot in the events they
//! captured or were named in).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use epcis::query::EventQuery;
use store::{PageRequest, RecordFilter, Role, Viewer};

use super::alerts::AlertSubscription;
use crate::market::list;
use crate::market::registry::{Household, Membership};
use crate::{App, AppError, Result};

/// Events read per organisation at most (pages of [`PAGE`]): a bound on one run's work.
const MAX_EVENTS_PER_ORG: usize = 200_000;
const PAGE: u32 = 1_000;

/// The fibre of one soum an organisation holds: its largest share in one garment (or, when it
/// holds no garment with that soum's fibre, in one lot).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Holding {
    pub share: f64,
    /// The garment or lot (as an event wrote it) with that share.
    pub subject: String,
    /// `garment` or `lot`.
    pub kind: &'static str,
}

/// Everything a run needs to find recipients, loaded once per run.
#[derive(Debug, Default)]
pub(super) struct Index {
    /// Soum → registered households.
    pub households: BTreeMap<String, Vec<Household>>,
    /// Soum → cooperative → its member households there.
    pub members: BTreeMap<String, BTreeMap<i64, Vec<String>>>,
    pub subscriptions: Vec<AlertSubscription>,
    /// Soum → organisation → its holding.
    pub holdings: BTreeMap<String, BTreeMap<i64, Holding>>,
}

impl Index {
    pub async fn load(app: &App, subscriptions: Vec<AlertSubscription>) -> Result<Index> {
        let mut idx = Index {
            subscriptions,
            ..Index::default()
        };
        let mut soum_of: HashMap<String, String> = HashMap::new();
        for h in list::<Household>(app, &RecordFilter::default()).await? {
            soum_of.insert(h.value.id.clone(), h.value.soum.clone());
            idx.households
                .entry(h.value.soum.clone())
                .or_default()
                .push(h.value);
        }
        for m in list::<Membership>(app, &RecordFilter::default()).await? {
            let m = m.value;
            if let Some(soum) = soum_of.get(&m.household) {
                idx.members
                    .entry(soum.clone())
                    .or_default()
                    .entry(m.cooperative)
                    .or_default()
                    .push(m.household);
            }
        }
        idx.holdings = holdings(app).await?;
        Ok(idx)
    }

    /// The soums of `aimags` anyone could be alerted for: those with households, members,
    /// holdings or a subscription naming them; every soum of the aimags when a subscription
    /// covers all soums.
    pub fn candidate_soums(&self, aimags: &BTreeSet<u8>) -> BTreeSet<String> {
        let in_aimags = |code: &str| {
            code.parse::<u32>()
                .ok()
                .and_then(mongolia::soum)
                .is_some_and(|s| aimags.contains(&s.aimag_code))
        };
        if self.subscriptions.iter().any(|s| s.soums.is_none()) {
            return mongolia::soums()
                .iter()
                .filter(|s| aimags.contains(&s.aimag_code))
                .map(|s| s.code_str())
                .collect();
        }
        self.households
            .keys()
            .chain(self.members.keys())
            .chain(self.holdings.keys())
            .cloned()
            .chain(
                self.subscriptions
                    .iter()
                    .flat_map(|s| s.soums.iter().flatten().cloned()),
            )
            .filter(|c| in_aimags(c))
            .collect()
    }
}

/// Soum shares of one composition, cached by its reference (many garments share one).
type Shares = Arc<Vec<(String, f64)>>;

/// For every brand and processor, its largest share of each soum in the garments and lots of
/// the events it may see (captured, or named as source or destination).
async fn holdings(app: &App) -> Result<BTreeMap<String, BTreeMap<i64, Holding>>> {
    let mut out: BTreeMap<String, BTreeMap<i64, Holding>> = BTreeMap::new();
    let mut cache: HashMap<String, Shares> = HashMap::new();
    for org in app.store.list_orgs().await? {
        if !matches!(org.role, Role::Brand | Role::Processor) {
            continue;
        }
        let viewer = Viewer::of(&org);
        let subjects = subjects(app, &viewer).await?;
        for (subject, written) in subjects {
            let Some((kind, reference)) = resolve(app, &subject).await? else {
                continue;
            };
            let shares = match cache.get(&reference) {
                Some(s) => s.clone(),
                None => {
                    let s = soum_shares(app, &reference).await?;
                    cache.insert(reference, s.clone());
                    s
                }
            };
            for (soum, share) in shares.iter() {
                let by_org = out.entry(soum.clone()).or_default();
                // A garment is the stronger link (the brand sells it), so it wins over a lot;
                // between two of a kind, the larger share.
                let better = by_org.get(&org.id.0).is_none_or(|h| {
                    (kind == "garment" && h.kind == "lot") || (kind == h.kind && *share > h.share)
                });
                if *share > 0.0 && better {
                    by_org.insert(
                        org.id.0,
                        Holding {
                            share: *share,
                            subject: written.clone(),
                            kind,
                        },
                    );
                }
            }
        }
    }
    Ok(out)
}

/// Ledger keys (with the identifier as written) of the garments and lots the viewer's events
/// name: knitting outputs, shipped or packed garments, lots in any quantity list.
async fn subjects(app: &App, viewer: &Viewer) -> Result<BTreeMap<String, String>> {
    let query = EventQuery::default();
    let mut found = BTreeMap::new();
    let mut token = None;
    let mut read = 0usize;
    loop {
        let page = app
            .store
            .query_events(
                &query,
                viewer,
                &PageRequest {
                    per_page: Some(PAGE),
                    token: token.take(),
                },
            )
            .await?;
        read += page.items.len();
        for s in &page.items {
            let e = &s.event;
            if e.error_declaration.is_some() {
                continue;
            }
            let epcs = [&e.output_epc_list, &e.epc_list, &e.child_epcs];
            for id in epcs.into_iter().flatten().flatten() {
                found.insert(::provenance::identity(id), id.clone());
            }
            let lots = [
                &e.quantity_list,
                &e.input_quantity_list,
                &e.output_quantity_list,
            ];
            for q in lots.into_iter().flatten().flatten() {
                found.insert(::provenance::identity(&q.epc_class), q.epc_class.clone());
            }
        }
        match page.next_token {
            Some(t) if read < MAX_EVENTS_PER_ORG => token = Some(t),
            _ => break,
        }
    }
    Ok(found)
}

/// A subject's kind and composition reference, when the ledger knows it.
async fn resolve(app: &App, key: &str) -> Result<Option<(&'static str, String)>> {
    if let Some(g) = app.store.garment(key).await? {
        return Ok(Some(("garment", g.composition_ref)));
    }
    Ok(app
        .store
        .lot(key)
        .await?
        .map(|l| ("lot", l.composition_ref)))
}

async fn soum_shares(app: &App, reference: &str) -> Result<Shares> {
    let c = app.store.composition(reference).await?.ok_or_else(|| {
        AppError::Store(store::StoreError::Corrupt(format!(
            "composition {reference} is missing"
        )))
    })?;
    Ok(Arc::new(
        c.tally(|s| s.soum.clone())
            .into_iter()
            .filter_map(|(soum, w)| soum.map(|s| (s, ::provenance::shares::share(w))))
            .collect(),
    ))
}
