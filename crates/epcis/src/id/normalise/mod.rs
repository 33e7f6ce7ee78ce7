//! An exact port of the reference hash generator's Digital Link normaliser
//! (`epcis_event_hash_generator/dl_normaliser.py`, PyPI 1.9.3): the event hash depends on every
//! one of its quirks, so this follows the Python, not the GS1 standards. The structured, standard
//! conversions are in [`super::Gs1Key`].

mod dl;
mod urn;

/// The reference's `normaliser(uri)`: the canonical GS1 Digital Link of an EPC URN (pure
/// identity, LGTIN class or pattern) or of a Digital Link URI, `None` where it returns `None`.
///
/// Where the reference raises instead (an SSCC, GSRN, GSRN-P or GSIN URN followed by a newline,
/// whose check digit `int()` cannot compute) this returns `None` too; the hash strips whitespace
/// before it normalises, so that never arises there.
pub fn normalise(uri: &str) -> Option<String> {
    // Every pattern of the reference starts with one of these, and it gives up on anything
    // without a dot before trying any.
    let urn = uri.starts_with("urn:epc:");
    if !(urn || uri.starts_with("http")) || !uri.contains('.') {
        return None;
    }
    if urn {
        urn::normalise_urn(uri)
    } else {
        dl::normalise_dl(uri)
    }
}
