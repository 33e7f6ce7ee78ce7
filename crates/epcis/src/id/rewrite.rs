//! Every place an event carries a GS1-keyable identifier, for rewriting them all in one form
//! (`GS1-EPC-Format`, the transparency log's entries).

use crate::Event;

/// Calls `f` on each identifier of `event` that may be a GS1 key: EPC lists, parentID,
/// quantity classes, readPoint, bizLocation, sources, destinations and business transactions.
pub fn rewrite_identifiers(event: &mut Event, mut f: impl FnMut(&mut String)) {
    if let Some(p) = &mut event.parent_id {
        f(p);
    }
    for list in [
        &mut event.epc_list,
        &mut event.child_epcs,
        &mut event.input_epc_list,
        &mut event.output_epc_list,
    ] {
        list.iter_mut().flatten().for_each(&mut f);
    }
    for list in [
        &mut event.quantity_list,
        &mut event.child_quantity_list,
        &mut event.input_quantity_list,
        &mut event.output_quantity_list,
    ] {
        list.iter_mut().flatten().for_each(|q| f(&mut q.epc_class));
    }
    for loc in [&mut event.read_point, &mut event.biz_location]
        .into_iter()
        .flatten()
    {
        f(&mut loc.id);
    }
    for s in event.source_list.iter_mut().flatten() {
        f(&mut s.source);
    }
    for d in event.destination_list.iter_mut().flatten() {
        f(&mut d.destination);
    }
    for b in event.biz_transaction_list.iter_mut().flatten() {
        f(&mut b.biz_transaction);
    }
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

/// Whether [`to_digital_links`] would change `event`: some identifier is a GS1 key not yet
/// written as its canonical Digital Link. Callers that only need the rewritten form for a
/// moment (the transparency log's entry) can then skip copying an event already in it.
pub fn has_digital_link_rewrites(event: &Event) -> bool {
    let changes = |s: &String| super::to_digital_link(s).is_some_and(|dl| dl != *s);
    event.parent_id.iter().any(changes)
        || [
            &event.epc_list,
            &event.child_epcs,
            &event.input_epc_list,
            &event.output_epc_list,
        ]
        .into_iter()
        .flatten()
        .flatten()
        .any(changes)
        || [
            &event.quantity_list,
            &event.child_quantity_list,
            &event.input_quantity_list,
            &event.output_quantity_list,
        ]
        .into_iter()
        .flatten()
        .flatten()
        .any(|q| changes(&q.epc_class))
        || [&event.read_point, &event.biz_location]
            .into_iter()
            .flatten()
            .any(|l| changes(&l.id))
        || event
            .source_list
            .iter()
            .flatten()
            .any(|s| changes(&s.source))
        || event
            .destination_list
            .iter()
            .flatten()
            .any(|d| changes(&d.destination))
        || event
            .biz_transaction_list
            .iter()
            .flatten()
            .any(|b| changes(&b.biz_transaction))
}
