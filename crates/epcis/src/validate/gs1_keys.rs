//! Check digits of GS1 keys in identifiers.
//!
//! Interim: `crate::id` (being written alongside) will own GS1 identifier parsing, including
//! check digits and EPC URN syntax. Until its API lands, [`identifier_problem`] checks the
//! keys of GS1 Digital Link URIs here; switch its body to `crate::id` then. EPC URNs carry no
//! check digit, so nothing is lost for them meanwhile.

/// Primary-key application identifiers of GS1 Digital Link whose value holds a check digit:
/// (AI, name, accepted lengths of the digit run that ends with the check digit, whether the
/// value may continue after that run).
const KEYS: &[(&str, &str, &[usize], bool)] = &[
    ("01", "GTIN", &[8, 12, 13, 14], false),
    ("00", "SSCC", &[18], false),
    ("414", "GLN", &[13], false),
    ("417", "party GLN", &[13], false),
    ("8018", "GSRN", &[18], false),
    ("8017", "GSRN-provider", &[18], false),
    ("253", "GDTI", &[13], true),
    ("255", "GCN", &[13], true),
    ("8003", "GRAI", &[14], true),
    ("8006", "ITIP", &[14], true),
    ("402", "GSIN", &[17], false),
];

/// The GS1 modulo-10 check digit of `digits` (all ASCII digits, check digit excluded).
pub(crate) fn check_digit(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| u32::from(d - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// What is wrong with the GS1 key inside an identifier, if anything can be told.
pub(crate) fn identifier_problem(s: &str) -> Option<String> {
    digital_link_problem(s)
}

fn digital_link_problem(s: &str) -> Option<String> {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))?;
    let path = &rest[rest.find('/')?..];
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let mut segs = path.split('/').skip(1);
    while let Some(seg) = segs.next() {
        let Some(&(_, name, lengths, open)) = KEYS.iter().find(|k| k.0 == seg) else {
            continue;
        };
        let value = segs.next()?;
        let run = value.bytes().take_while(u8::is_ascii_digit).count();
        let len = if open {
            // A serial may follow the key; only its fixed-length head holds the check digit.
            lengths.iter().copied().find(|&l| run >= l)?
        } else {
            if run != value.len() || !lengths.contains(&run) {
                return None;
            }
            run
        };
        let digits = &value.as_bytes()[..len];
        let (body, last) = digits.split_at(len - 1);
        let want = check_digit(body);
        let got = last[0] - b'0';
        return (want != got).then(|| {
            format!(
                "the {name} {} has check digit {got}, but its digits give {want}",
                &value[..len]
            )
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits() {
        assert_eq!(check_digit(b"0952400005910"), 9);
        assert_eq!(check_digit(b"950600013430"), 7);
        assert!(identifier_problem("https://id.gs1.org/01/09524000059109/21/A1").is_none());
        let p = identifier_problem("https://id.gs1.org/01/09524000059108/21/A1").unwrap();
        assert!(
            p.contains("GTIN 09524000059108") && p.contains("give 9"),
            "{p}"
        );
        assert!(identifier_problem("https://id.gs1.org/00/106141412345678908").is_none());
        assert!(identifier_problem("https://id.gs1.org/00/106141412345678909").is_some());
        assert!(identifier_problem("https://example.com/253/4012345000054987").is_none());
        assert!(identifier_problem("https://example.com/253/4012345000055987").is_some());
        assert!(identifier_problem("https://id.example.com/8003/040123450007718765").is_none());
        assert!(identifier_problem("https://id.gs1.org/414/9506000134307").is_none());
        // Not GS1 keys, or not checkable: left alone.
        assert!(identifier_problem("urn:epc:id:sgtin:0614141.107346.2017").is_none());
        assert!(identifier_problem("https://example.com/api/01/123").is_none());
        assert!(identifier_problem("https://example.com/01/").is_none());
        assert!(identifier_problem("https://id.gs1.org/8004/4000001111").is_none());
    }
}
