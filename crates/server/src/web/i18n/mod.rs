//! Mongolian (Cyrillic) and English for every string of the pages.
//!
//! Each language is one value of [`Text`], so a string missing in one language is a compile
//! error, not a blank on a page. The choice: the `lang` cookie (set by the switch on every
//! page, so it sticks), else the best of `Accept-Language`, else English. Numbers follow CLDR
//! for both (`1,234.5`; CLDR `mn` uses the same separators), dates differ: `3 Dec 2026` and
//! `2026.12.03`.

use axum::http::{HeaderMap, header};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Mn,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Mn => "mn",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "mn" => Some(Lang::Mn),
            _ => None,
        }
    }

    pub fn text(self) -> &'static Text {
        match self {
            Lang::En => &EN,
            Lang::Mn => &MN,
        }
    }

    /// The language of a request: the cookie, else `Accept-Language` by q-value.
    pub fn of(headers: &HeaderMap) -> Lang {
        if let Some(l) = super::cookie(headers, "lang").and_then(|v| Lang::parse(&v)) {
            return l;
        }
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(from_accept_language)
            .unwrap_or(Lang::En)
    }

    /// A date (`YYYY-MM-DD` or an RFC 3339 time; anything else is shown as it is).
    pub fn date(self, s: &str) -> String {
        let Some(d) = s
            .get(..10)
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        else {
            return s.to_owned();
        };
        match self {
            Lang::En => d.format("%-d %b %Y").to_string(),
            Lang::Mn => d.format("%Y.%m.%d").to_string(),
        }
    }

    /// An integer with thousands grouped.
    pub fn int(self, n: i64) -> String {
        let digits = n.unsigned_abs().to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        if n < 0 { format!("-{out}") } else { out }
    }

    /// Tögrög: `₮ 1,234` (CLDR `mn`) or `MNT 1,234`.
    pub fn mnt(self, n: i64) -> String {
        match self {
            Lang::En => format!("MNT {}", self.int(n)),
            Lang::Mn => format!("₮ {}", self.int(n)),
        }
    }

    /// Grams as kilograms, up to three decimals.
    /// A soum's name in this language, from its NSO code; empty when the code is unknown.
    pub fn soum_name(self, code: &str) -> &'static str {
        code.parse()
            .ok()
            .and_then(mongolia::soum)
            .map_or("", |s| match self {
                Lang::Mn => s.name_mn,
                Lang::En => s.name_en,
            })
    }

    pub fn kg(self, grams: u64) -> String {
        self.dec(&format!("{}.{:03}", grams / 1000, grams % 1000))
    }

    /// A decimal string as stored (`12.500`) with its integer part grouped.
    pub fn dec(self, s: &str) -> String {
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        let Ok(n) = int.parse::<i64>() else {
            return s.to_owned();
        };
        let sign = if int.starts_with('-') && n == 0 {
            "-"
        } else {
            ""
        };
        let frac = frac.trim_end_matches('0');
        if frac.is_empty() {
            format!("{sign}{}", self.int(n))
        } else {
            format!("{sign}{}.{frac}", self.int(n))
        }
    }
}

/// The first supported language of an `Accept-Language` value, by q-value then order.
fn from_accept_language(v: &str) -> Option<Lang> {
    let mut best: Option<(f32, Lang)> = None;
    for item in v.split(',') {
        let (tag, q) = crate::negotiate::weighted(item);
        let primary = tag.split('-').next().unwrap_or("");
        if let Some(l) = Lang::parse(primary)
            && q > 0.0
            && best.is_none_or(|(bq, _)| q > bq)
        {
            best = Some((q, l));
        }
    }
    best.map(|(_, l)| l)
}

mod en;
mod mn;
mod text;

pub use en::EN;
pub use mn::MN;
pub use text::Text;

impl Text {
    pub fn step(&self, key: &str) -> &'static str {
        match key {
            "combing" => self.step_combing,
            "cooperative" => self.step_cooperative,
            "lab" => self.step_lab,
            "dehairing" => self.step_dehairing,
            "spinning" => self.step_spinning,
            _ => self.step_knitting,
        }
    }

    pub fn colour(&self, key: &str) -> &'static str {
        match key {
            "white" => self.colour_white,
            "red" => self.colour_red,
            "light-grey" | "light_grey" => self.colour_light_grey,
            "grey" => self.colour_grey,
            _ => self.colour_brown,
        }
    }

    /// A fibre claim's name; `fallback` (the data's English label) when the key is unknown.
    pub fn claim<'a>(&self, key: &str, fallback: &'a str) -> &'a str
    where
        'static: 'a,
    {
        self.claims
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
            .unwrap_or(fallback)
    }

    pub fn risk_name(&self, class: u8) -> &'static str {
        self.risk_names[usize::from(class.clamp(1, 5)) - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn accept_language() {
        assert_eq!(
            from_accept_language("mn-MN,mn;q=0.9,en;q=0.8"),
            Some(Lang::Mn)
        );
        assert_eq!(
            from_accept_language("it-IT,en;q=0.5,mn;q=0.4"),
            Some(Lang::En)
        );
        assert_eq!(from_accept_language("fr"), None);
        assert_eq!(from_accept_language("en;q=0, mn"), Some(Lang::Mn));
    }

    #[test]
    fn cookie_beats_header() {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("en"));
        h.insert(header::COOKIE, HeaderValue::from_static("a=b; lang=mn"));
        assert_eq!(Lang::of(&h), Lang::Mn);
    }

    #[test]
    fn numbers_and_dates() {
        assert_eq!(Lang::En.int(1_234_567), "1,234,567");
        assert_eq!(Lang::Mn.mnt(-5000), "₮ -5,000");
        assert_eq!(Lang::En.dec("12.500"), "12.5");
        assert_eq!(Lang::En.dec("1234.000"), "1,234");
        assert_eq!(Lang::En.date("2026-12-03T10:00:00Z"), "3 Dec 2026");
        assert_eq!(Lang::Mn.date("2026-12-03"), "2026.12.03");
        assert_eq!(Lang::Mn.date("soon"), "soon");
    }

    #[test]
    fn mongolian_is_cyrillic() {
        // A Mongolian string left in English is a translation gap.
        for (en, mn) in [(EN.composition, MN.composition), (EN.sign_in, MN.sign_in)] {
            assert_ne!(en, mn);
            assert!(mn.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c)));
        }
    }
}
