//! Plans as text messages. An SMS holds 160 GSM-7 characters, or 70 characters when any
//! character needs UCS-2 — which Mongolian Cyrillic always does. Messages are built from
//! candidates, longest first, and the first that fits is sent; numbers are printed compactly
//! with bounded width so the last candidate always fits (tests check the limits).

use crate::plan::{Plan, PlanOption};

/// Longest single-part GSM-7 message, in septets.
pub const GSM7_LIMIT: usize = 160;
/// Longest single-part UCS-2 message, in characters (16-bit units).
pub const UCS2_LIMIT: usize = 70;

const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM7_EXTENSION: &str = "^{}\\[~]|€\u{c}";

/// Septets a text takes in GSM-7 (extension characters take two), or `None` if a character is
/// outside the GSM-7 alphabet.
pub fn gsm7_septets(s: &str) -> Option<usize> {
    s.chars().try_fold(0usize, |n, c| {
        if GSM7_BASIC.contains(c) {
            Some(n + 1)
        } else if GSM7_EXTENSION.contains(c) {
            Some(n + 2)
        } else {
            None
        }
    })
}

/// 16-bit units a text takes in UCS-2 (every character here is in the BMP).
pub fn ucs2_units(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

fn fits_en(s: &str) -> bool {
    gsm7_septets(s).is_some_and(|n| n <= GSM7_LIMIT)
}

fn fits_mn(s: &str) -> bool {
    ucs2_units(s) <= UCS2_LIMIT
}

/// Tonnes from kg, at most 6 characters plus the unit: `4.5`, `845`, `99999+`.
fn tonnes(kg: u64) -> String {
    if kg < 9_950 {
        let tenths = (kg + 50) / 100;
        format!("{}.{}", tenths / 10, tenths % 10)
    } else if kg < 99_999_500 {
        format!("{}", (kg + 500) / 1000)
    } else {
        "99999+".to_owned()
    }
}

/// Money in compact form with the given unit words (thousand, million, billion):
/// `850k`, `1.8M`, `12M`, `3.4bn`, at most `999bn+`.
fn money(mnt: u64, k: &str, m: &str, bn: &str) -> String {
    let one_decimal = |v: u64, unit: u64, word: &str| {
        let tenths = (v + unit / 20) / (unit / 10);
        if tenths < 100 {
            format!("{}.{}{word}", tenths / 10, tenths % 10)
        } else {
            format!("{}{word}", (v + unit / 2) / unit)
        }
    };
    if mnt < 999_500 {
        format!("{}{k}", (mnt + 500) / 1000)
    } else if mnt < 999_500_000 {
        one_decimal(mnt, 1_000_000, m)
    } else if mnt < 999_500_000_000 {
        one_decimal(mnt, 1_000_000_000, bn)
    } else {
        format!("999{bn}+")
    }
}

fn count(n: u64) -> String {
    if n > 999_999 {
        "999999+".to_owned()
    } else {
        n.to_string()
    }
}

fn goats_to_sell(plan: &Plan) -> Option<u64> {
    plan.options.iter().find_map(|o| match o {
        PlanOption::SellGoats { goats, .. } => Some(*goats),
        _ => None,
    })
}

fn otor(plan: &Plan) -> Option<(u32, u64)> {
    plan.options.iter().find_map(|o| match o {
        PlanOption::Otor { days, cost_mnt, .. } => Some((*days, *cost_mnt)),
        _ => None,
    })
}

fn first_fitting(candidates: Vec<String>, fits: fn(&str) -> bool) -> String {
    let last = candidates.last().cloned().unwrap_or_default();
    candidates.into_iter().find(|c| fits(c)).unwrap_or(last)
}

/// The plan in English, GSM-7, ≤ 160 characters.
pub fn render_en(plan: &Plan) -> String {
    let risk = plan
        .risk_class
        .map(|c| format!("Dzud risk {c}/5. "))
        .unwrap_or_default();
    let need = tonnes(plan.need_kg);
    let have = tonnes(plan.reserves_kg);
    let money_en = |v| money(v, "k MNT", "M MNT", "bn MNT");
    if plan.gap_kg == 0 {
        return first_fitting(
            vec![
                format!(
                    "{risk}Winter hay need {need}t, reserves {have}t: enough. Keep 3 days of \
                     emergency feed at hand."
                ),
                format!("{risk}Hay need {need}t, reserves {have}t: enough."),
            ],
            fits_en,
        );
    }
    let gap = tonnes(plan.gap_kg);
    let mut opts = vec![format!("buy hay now {}", money_en(plan.gap_cost_mnt))];
    if let Some(g) = goats_to_sell(plan) {
        opts.push(format!("sell {} goats before winter", count(g)));
    }
    if let Some((d, c)) = otor(plan) {
        opts.push(format!("otor {d} days {}", money_en(c)));
    }
    let opts = opts.join("; ");
    first_fitting(
        vec![
            format!(
                "{risk}Winter hay need {need}t, reserves {have}t, short {gap}t. Options: {opts}."
            ),
            format!("{risk}Hay short {gap}t. Options: {opts}."),
            format!("Hay short {gap}t: buy now {}.", money_en(plan.gap_cost_mnt)),
        ],
        fits_en,
    )
}

/// The plan in Mongolian (Cyrillic), ≤ 70 characters.
pub fn render_mn(plan: &Plan) -> String {
    let risk = plan
        .risk_class
        .map(|c| format!("Зуд {c}/5. "))
        .unwrap_or_default();
    let money_mn = |v| money(v, "мян₮", "сая₮", "тэрбум₮");
    if plan.gap_kg == 0 {
        let need = tonnes(plan.need_kg);
        let have = tonnes(plan.reserves_kg);
        return first_fitting(
            vec![
                format!("{risk}Өвс хүрэлцэнэ: {need}т хэрэгтэй, {have}т бий."),
                "Өвс тэжээл хүрэлцэнэ.".to_owned(),
            ],
            fits_mn,
        );
    }
    let gap = tonnes(plan.gap_kg);
    let cost = money_mn(plan.gap_cost_mnt);
    let goats = goats_to_sell(plan)
        .map(|g| format!(", {} ямаа зарах", count(g)))
        .unwrap_or_default();
    let otor = if otor(plan).is_some() {
        ", отор"
    } else {
        ""
    };
    first_fitting(
        vec![
            format!("{risk}Өвс {gap}т дутна: авах {cost}{goats}{otor}."),
            format!("Өвс {gap}т дутна: авах {cost}{goats}{otor}."),
            format!("Өвс {gap}т дутна: авах {cost}."),
        ],
        fits_mn,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gsm7_alphabet() {
        assert_eq!(gsm7_septets("Hay short 4.5t."), Some(15));
        assert_eq!(gsm7_septets("[x]"), Some(5));
        assert_eq!(gsm7_septets("₮"), None);
        assert_eq!(gsm7_septets("Өвс"), None);
        assert_eq!(ucs2_units("Өвс 4.5т"), 8);
    }

    #[test]
    fn compact_numbers() {
        assert_eq!(tonnes(0), "0.0");
        assert_eq!(tonnes(4_460), "4.5");
        assert_eq!(tonnes(9_949), "9.9");
        assert_eq!(tonnes(9_950), "10");
        assert_eq!(tonnes(845_200), "845");
        assert_eq!(tonnes(u64::MAX), "99999+");
        assert_eq!(money(849_400, "k", "M", "bn"), "849k");
        assert_eq!(money(999_500, "k", "M", "bn"), "1.0M");
        assert_eq!(money(1_840_000, "k", "M", "bn"), "1.8M");
        assert_eq!(money(12_340_000, "k", "M", "bn"), "12M");
        assert_eq!(money(3_400_000_000, "k", "M", "bn"), "3.4bn");
        assert_eq!(money(u64::MAX, "k", "M", "bn"), "999bn+");
    }
}
