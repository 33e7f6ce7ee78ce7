//! The SQLite term index: every text fact of an event as one token of a contentless FTS5
//! table, `event_terms (rowid = seq)`.
//!
//! A B-tree keyed by value takes each new fact at a random page, and once it outgrows the
//! cache each insert reads and dirties a page of its own: the text index was the largest
//! single cost of capture, and its cost grew with the store (`bench/index/terms.py`: 35,000
//! events/s into an empty index, 17,000 at 1 M events). FTS5 keeps posting lists in
//! segments that it writes whole and merges in the background, so capture appends instead
//! (125,000 events/s at 1 M events, an index 17× smaller) while a term still finds its events
//! in tens of microseconds, in seq order.
//!
//! A token is `t{kind}x{hex of the text's first 128 bytes}`: letters and digits only (the
//! `ascii` tokenizer keeps it whole), and byte order and prefixes survive hex, so a text
//! prefix shorter than the cut is a token prefix (an FTS5 prefix query). Texts longer than the
//! cut share their token with every text that starts the same way. The index only finds
//! candidate events: every query still tests the event's own rows in `event_index`, so a
//! shared token can never match an event that does not hold the value.
//!
//! Migration `0009_event_terms.sql` computes the same tokens in SQL for stores made before;
//! `tokens_agree_with_the_migration` keeps the two spellings equal.

use std::fmt::Write as _;

use epcis::query::IndexRow;

/// Bytes of a text that its token spells out.
pub(crate) const CUT: usize = 128;

/// The token of a text of index-row kind `kind`.
pub(crate) fn token(kind: i16, text: &str) -> String {
    let mut t = String::with_capacity(6 + 2 * text.len().min(CUT));
    push_token(&mut t, kind, text);
    t
}

/// Appends the token of `text` to `out`. Every captured event spells one per text row, so
/// the hex digits come from a table rather than the formatter (which cost 7 % of capture's
/// instructions).
fn push_token(out: &mut String, kind: i16, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let _ = write!(out, "t{kind}x");
    for &b in &text.as_bytes()[..text.len().min(CUT)] {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
}

/// The FTS5 document of an event: the tokens of its text rows, space-separated (`None` when
/// it has no text). Rows whose text no query looks up (units of quantities and sensor values,
/// [`crate::sql::rows::text_looked_up`]) have none: they were the most common tokens of all,
/// whose long posting lists FTS5 rewrote at every merge.
pub(crate) fn document(rows: &[IndexRow]) -> Option<String> {
    let mut doc = String::new();
    for r in rows {
        if let Some(text) = r
            .text
            .as_ref()
            .filter(|_| crate::sql::rows::text_looked_up(r.kind))
        {
            if !doc.is_empty() {
                doc.push(' ');
            }
            push_token(&mut doc, r.kind.code(), text);
        }
    }
    (!doc.is_empty()).then_some(doc)
}

/// An FTS5 query that finds the events holding, in a row of one of `kinds`, a text equal to
/// one of `equal` or starting with one of `prefixes` (a superset: see the module docs).
/// `None` when nothing can match.
pub(crate) fn match_expression(kinds: &[i16], equal: &[&str], prefixes: &[&str]) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    for &k in kinds {
        for v in equal {
            parts.push(token(k, v));
        }
        for p in prefixes {
            if p.len() >= CUT {
                // Every text that starts with `p` has exactly this token.
                parts.push(token(k, p));
            } else {
                parts.push(format!("{}*", token(k, p)));
            }
        }
    }
    parts.sort();
    parts.dedup();
    (!parts.is_empty()).then(|| parts.join(" OR "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use epcis::query::Kind;
    use proptest::prelude::*;

    #[test]
    fn tokens_are_words_of_the_ascii_tokenizer() {
        let t = token(72, "Ноолуур, 100 %");
        assert!(t.starts_with("t72x"));
        assert!(
            t.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        );
        assert_eq!(token(1, "AB"), "t1x4142");
    }

    #[test]
    fn long_texts_are_cut() {
        let long = "x".repeat(500);
        assert_eq!(token(3, &long), token(3, &long[..CUT]));
        assert_eq!(token(3, &long).len(), "t3x".len() + 2 * CUT);
    }

    #[test]
    fn documents_hold_the_text_rows() {
        let row = |kind, text: Option<&str>| IndexRow {
            kind,
            name: String::new(),
            text: text.map(str::to_owned),
            num: None,
            time: None,
        };
        assert_eq!(document(&[row(Kind::SensorElements, None)]), None);
        assert_eq!(
            document(&[
                row(Kind::Epc, Some("a")),
                row(Kind::SensorPercRank, None),
                row(Kind::Class, Some("b"))
            ]),
            Some("t1x61 t6x62".into())
        );
        // Units are looked up only beside their number, never through the term index.
        assert_eq!(
            document(&[
                row(Kind::SensorMinValue, Some("KGM")),
                row(Kind::SensorValue, Some("MMT")),
                row(Kind::SensorUom, Some("MMT"))
            ]),
            Some("t63x4d4d54".into())
        );
    }

    #[test]
    fn match_expressions() {
        assert_eq!(match_expression(&[1], &[], &[]), None);
        assert_eq!(
            match_expression(&[1, 11], &["a"], &["b"]),
            Some("t11x61 OR t11x62* OR t1x61 OR t1x62*".into())
        );
        let long = "y".repeat(200);
        assert_eq!(match_expression(&[5], &[], &[&long]), Some(token(5, &long)));
    }

    proptest! {
        /// A text starts with a prefix shorter than the cut exactly when its token starts with
        /// the prefix's token: prefix queries find every match.
        #[test]
        fn prefixes_survive(text in "\\PC{0,80}", cut in 0usize..200) {
            let mut end = cut.min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let prefix = &text[..end];
            prop_assert!(token(9, &text).starts_with(&token(9, prefix)));
        }

        /// Tokens are equal exactly when the texts' first 128 bytes are.
        #[test]
        fn tokens_tell_texts_apart(a in "[a-z:/.0-9]{0,150}", b in "[a-z:/.0-9]{0,150}") {
            let same = a.as_bytes()[..a.len().min(CUT)] == b.as_bytes()[..b.len().min(CUT)];
            prop_assert_eq!(token(2, &a) == token(2, &b), same);
        }
    }
}
