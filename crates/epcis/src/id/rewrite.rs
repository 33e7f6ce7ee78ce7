//! Every place an event carries a GS1-keyable identifier, for rewriting them all in one form
//! (`GS1-EPC-Format`, the transparency log's entries).

use crate::Event;

/// The identifier fields an event may carry a GS1 key in, visited in one order: written once
/// for both the reading and the rewriting walk, so that the two can never disagree.
macro_rules! visit_identifiers {
    ($event:ident, $f:ident, $iter:ident, $($borrow:tt)+) => {{
        if let Some(p) = $($borrow)+ $event.parent_id {
            $f(p);
        }
        for list in [
            $($borrow)+ $event.epc_list,
            $($borrow)+ $event.child_epcs,
            $($borrow)+ $event.input_epc_list,
            $($borrow)+ $event.output_epc_list,
        ] {
            list.$iter().flatten().for_each(&mut $f);
        }
        for list in [
            $($borrow)+ $event.quantity_list,
            $($borrow)+ $event.child_quantity_list,
            $($borrow)+ $event.input_quantity_list,
            $($borrow)+ $event.output_quantity_list,
        ] {
            list.$iter().flatten().for_each(|q| $f($($borrow)+ q.epc_class));
        }
        for loc in [$($borrow)+ $event.read_point, $($borrow)+ $event.biz_location]
            .into_iter()
            .flatten()
        {
            $f($($borrow)+ loc.id);
        }
        for s in $event.source_list.$iter().flatten() {
            $f($($borrow)+ s.source);
        }
        for d in $event.destination_list.$iter().flatten() {
            $f($($borrow)+ d.destination);
        }
        for b in $event.biz_transaction_list.$iter().flatten() {
            $f($($borrow)+ b.biz_transaction);
        }
    }};
}

/// Calls `f` on each identifier of `event` that may be a GS1 key: EPC lists, parentID,
/// quantity classes, readPoint, bizLocation, sources, destinations and business transactions.
pub fn rewrite_identifiers(event: &mut Event, mut f: impl FnMut(&mut String)) {
    visit_identifiers!(event, f, iter_mut, &mut);
}

/// [`rewrite_identifiers`] for reading.
pub fn for_each_identifier(event: &Event, mut f: impl FnMut(&String)) {
    visit_identifiers!(event, f, iter, &);
}

/// Rewrites every GS1 key of `event` as its canonical GS1 Digital Link (the REST binding's
/// default output form); other identifiers stay as they are.
pub fn to_digital_links(event: &mut Event) {
    rewrite_identifiers(event, |s| {
        if let Some(dl) = super::to_digital_link(s) {
            *s = dl;
        }
    });
}

/// `event` with its GS1 keys as canonical Digital Links, as [`to_digital_links`] writes it, or
/// `None` when that changes nothing. Callers that need the rewritten form only for a moment
/// (the transparency log's entry) then copy only the events that change, and each Digital
/// Link is computed once: the reading walk keeps what it found, and the rewriting walk (the
/// same fields in the same order, see `visit_identifiers`) puts it in place.
pub fn with_digital_links(event: &Event) -> Option<Event> {
    let mut found: Vec<Option<String>> = Vec::new();
    let mut changed = false;
    for_each_identifier(event, |s| {
        let dl = super::to_digital_link(s).filter(|dl| dl != s);
        changed |= dl.is_some();
        found.push(dl);
    });
    if !changed {
        return None;
    }
    let mut copy = event.clone();
    let mut found = found.into_iter();
    rewrite_identifiers(&mut copy, |s| {
        if let Some(Some(dl)) = found.next() {
            *s = dl;
        }
    });
    Some(copy)
}
