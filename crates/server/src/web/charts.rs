//! The charts of the pages, drawn by the server with the `maps` crate: the raw cashmere price
//! index (weekly MNT per kg), and deliveries by day.
//!
//! Each function renders at once and returns the SVG: the charts' number formatters are not
//! `Send`, so a chart must never live across an `.await` of a handler.

use std::collections::{BTreeMap, BTreeSet};

use app::{App, AppError};
use maps::{BarChart, LineChart};
use market::index::{PriceIndex, Week};

use super::i18n::{Lang, Text};

/// The price index as a line chart, one line per series (colour, grade and, for aimag series,
/// the aimag), weeks on the x axis; a week without sales leaves a gap in its line.
pub fn price_chart(id: &str, lang: Lang, t: &Text, index: &PriceIndex) -> String {
    let series: Vec<_> = index
        .series
        .iter()
        .filter(|s| !s.points.is_empty())
        .collect();
    let weeks: Vec<Week> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.week))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut chart = LineChart::new(id, t.price_index, t.price_index_desc, t.no_data)
        .x_labels(weeks.iter().map(ToString::to_string))
        .y_format(move |v| lang.mnt(v.round() as i64));
    for s in series {
        let by_week: BTreeMap<Week, u64> = s
            .points
            .iter()
            .map(|p| (p.week, p.price_mnt_per_kg))
            .collect();
        let values: Vec<f64> = weeks
            .iter()
            .map(|w| by_week.get(w).map_or(f64::NAN, |&p| p as f64))
            .collect();
        let mut name = format!("{} {}", t.colour(s.colour.as_str()), s.grade);
        if let Some(a) = &s.aimag {
            name = format!("{name} · {a}");
        }
        chart = chart.series(name, values);
    }
    chart.render()
}

/// The all-Mongolia series of the price index over every recorded sale and auction, drawn.
pub async fn national_prices(
    app: &App,
    id: &str,
    lang: Lang,
    t: &Text,
) -> Result<String, AppError> {
    let mut index = app::market::catalogue::price_index(app, None, None, None, None).await?;
    index.series.retain(|s| s.aimag.is_none());
    Ok(price_chart(id, lang, t, &index))
}

/// Kilograms delivered per day (`YYYY-MM-DD` keys, grams), as bars in date order.
pub fn deliveries_chart(
    id: &str,
    lang: Lang,
    t: &Text,
    grams_by_day: &BTreeMap<String, u64>,
) -> String {
    let mut chart = BarChart::new(id, t.deliveries_chart, t.deliveries_chart_desc, t.no_data)
        .legend(t.clean_kg)
        .y_format(move |v| lang.dec(&format!("{v:.1}")));
    for (day, &g) in grams_by_day {
        chart = chart.bar_with_text(
            lang.date(day),
            g as f64 / 1000.0,
            format!("{} kg", lang.kg(g)),
        );
    }
    chart.render()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::i18n::{EN, MN};

    fn day(s: &str) -> chrono::NaiveDate {
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn index() -> PriceIndex {
        let records = vec![
            market::index::SaleRecord {
                date: day("2026-05-04"),
                colour: market::Colour::White,
                grade: "A".into(),
                aimag: "MN-065".into(),
                clean_g: 10_000,
                price_mnt: 1_200_000,
            },
            market::index::SaleRecord {
                date: day("2026-05-20"),
                colour: market::Colour::White,
                grade: "A".into(),
                aimag: "MN-065".into(),
                clean_g: 10_000,
                price_mnt: 1_300_000,
            },
        ];
        market::price_index(&records, None).expect("index")
    }

    #[test]
    fn the_price_chart_has_a_line_per_series_and_the_prices() {
        let svg = price_chart("prices", Lang::En, &EN, &index());
        assert!(svg.contains("<svg"), "{svg}");
        assert!(svg.contains(EN.price_index));
        assert!(svg.contains("2026-W19"), "{svg}");
        assert!(svg.contains("MNT 130,000"), "{svg}");
        let mn = price_chart("prices", Lang::Mn, &MN, &index());
        assert!(mn.contains(MN.price_index));
        assert!(mn.contains("₮ 120,000"), "{mn}");
    }

    #[test]
    fn no_sales_say_so() {
        let svg = price_chart(
            "prices",
            Lang::En,
            &EN,
            &PriceIndex {
                base_week: None,
                series: vec![],
            },
        );
        assert!(svg.contains(EN.no_data), "{svg}");
    }

    #[test]
    fn deliveries_are_bars_by_day() {
        let days = BTreeMap::from([
            ("2026-04-02".to_owned(), 1_250),
            ("2026-04-05".to_owned(), 3_000),
        ]);
        let svg = deliveries_chart("deliveries", Lang::En, &EN, &days);
        assert!(svg.contains("1.25 kg") || svg.contains("1.250 kg"), "{svg}");
        assert!(svg.contains(EN.deliveries_chart));
    }
}
