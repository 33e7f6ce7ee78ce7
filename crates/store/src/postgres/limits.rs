//! What PostgreSQL cannot index, told before it is written.
//!
//! A B-tree entry holds at most a third of an 8 kB page (2,704 bytes with its header, after
//! compression if the value compresses). A longer eventID, read point or extension text made
//! the whole capture fail with the server's "index row size exceeds maximum" and answer 500.
//! The store now refuses such an event itself, naming it and the field: with rollback the
//! document fails with a clear problem and nothing is stored, with proceed the event is left
//! out and the rest stored. SQLite's B-trees take keys of any length, so it has no such limit.

use crate::prepare::Prepared;

/// The most bytes a value may have where PostgreSQL indexes it. Counted without compression
/// and with room for the rest of the key (kind, field name or `seq`).
pub(super) const KEY_BYTES: usize = 2_600;

/// Why PostgreSQL cannot index `p`: its first value too long, by field. `None` when all fit.
pub(super) fn too_long(p: &Prepared) -> Option<String> {
    let columns = [
        ("eventID", Some(p.event_id.as_str())),
        ("type", Some(p.event_type.as_str())),
        ("bizStep", p.biz_step.as_deref()),
        ("disposition", p.disposition.as_deref()),
        ("readPoint", p.read_point.as_deref()),
        ("bizLocation", p.biz_location.as_deref()),
        ("transformationID", p.transformation_id.as_deref()),
    ];
    for (field, value) in columns {
        if let Some(v) = value.filter(|v| v.len() > KEY_BYTES) {
            return Some(format!(
                "its {field} is {} bytes long; PostgreSQL indexes values of at most {KEY_BYTES} bytes",
                v.len()
            ));
        }
    }
    for r in &p.rows {
        // The key of `event_index_text` is (k, text, name) for the kinds queries look up by
        // text; `event_index_num` and `_time` have (k, name, value).
        let text = r
            .text
            .as_deref()
            .filter(|_| crate::sql::rows::text_looked_up(r.kind))
            .map_or(0, str::len);
        if text + r.name.len() > KEY_BYTES {
            let name = prefix(&r.name, 80);
            let more = if name.len() < r.name.len() { "…" } else { "" };
            return Some(format!(
                "its {:?} value {name}{more} is {text} bytes long with a name of {} bytes; \
                 PostgreSQL indexes at most {KEY_BYTES} bytes of the two",
                r.kind,
                r.name.len()
            ));
        }
    }
    None
}

/// The first characters of `s`, at most `max` bytes.
fn prefix(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_end_on_a_character() {
        assert_eq!(prefix("ноолуур", 3), "н");
        assert_eq!(prefix("ab", 60), "ab");
    }
}
