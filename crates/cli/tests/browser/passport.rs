//! The passport as a shopper sees it: its sections, the language switch in both directions
//! (and that the choice sticks), and the journey followed step by step.

use anyhow::Result;
use serde_json::json;

use crate::demo::Demo;
use crate::webdriver::Browser;

/// The one string per language the test pins: the heading of the composition section.
const COMPOSITION_EN: &str = "Fibre composition";
const COMPOSITION_MN: &str = "Ширхэгийн найрлага";

pub async fn run(b: &mut Browser, demo: &Demo) -> Result<()> {
    b.goto(&demo.passport).await?;
    b.wait_for("h2#composition", 10).await?;
    if lang(b).await? != "en" {
        b.click_and_wait("a#lang-en").await?;
    }
    english(b).await?;
    for section in [
        "#composition",
        "#origin",
        "#journey",
        "#quality",
        "#integrity",
    ] {
        b.find(section).await?;
    }
    let map = b
        .script(
            // The map may sit inside #origin or, when #origin is the heading, after it.
            "const o = document.querySelector('#origin'); \
             if (!o) return false; \
             if (o.querySelector('svg')) return true; \
             const s = o.closest('section'); \
             if (s && s.querySelector('svg')) return true; \
             for (let e = o.nextElementSibling; e && e.tagName !== 'H2'; e = e.nextElementSibling) { \
               if (e.tagName === 'svg' || e.querySelector('svg')) return true; \
             } \
             return false;",
            vec![],
        )
        .await?;
    b.ensure(map == json!(true), "#origin has no inline svg map")
        .await?;
    b.screenshot("en").await?;

    b.click_and_wait("a#lang-mn").await?;
    mongolian(b).await?;
    b.screenshot("mn").await?;
    // A fresh visit without the switch's link keeps the language: the choice is remembered.
    b.goto(&demo.passport).await?;
    mongolian(b).await?;
    b.screenshot("mn-again").await?;

    b.click_and_wait("a#lang-en").await?;
    english(b).await?;
    journey(b).await?;
    b.screenshot("journey").await?;
    Ok(())
}

async fn lang(b: &Browser) -> Result<String> {
    let v = b
        .script("return document.documentElement.lang;", vec![])
        .await?;
    Ok(v.as_str().unwrap_or_default().to_owned())
}

async fn english(b: &mut Browser) -> Result<()> {
    let l = lang(b).await?;
    b.ensure(l == "en", format!("<html lang={l:?}>, not \"en\""))
        .await?;
    let h = b.text_of("h2#composition").await?;
    b.ensure(
        h.trim() == COMPOSITION_EN,
        format!("h2#composition reads {h:?} in English"),
    )
    .await
}

async fn mongolian(b: &mut Browser) -> Result<()> {
    let l = lang(b).await?;
    b.ensure(l == "mn", format!("<html lang={l:?}>, not \"mn\""))
        .await?;
    let h = b.text_of("h2#composition").await?;
    b.ensure(
        h.trim() == COMPOSITION_MN,
        format!("h2#composition reads {h:?} in Mongolian"),
    )
    .await?;
    let latin: Vec<String> = b
        .texts("h2")
        .await?
        .into_iter()
        .filter(|t| !t.chars().any(is_cyrillic))
        .collect();
    b.ensure(
        latin.is_empty(),
        format!("headings left untranslated in Mongolian: {latin:?}"),
    )
    .await
}

fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&c)
}

/// Opens every step of the journey in order: each shows more than its summary once open.
async fn journey(b: &mut Browser) -> Result<()> {
    let list = b.find("ol#journey-steps").await?;
    let steps = b.find_in(&list, "details.step").await?;
    b.ensure(
        steps.len() >= 5,
        format!("the journey has {} steps, not ≥ 5", steps.len()),
    )
    .await?;
    for (i, step) in steps.iter().enumerate() {
        let Some(summary) = b.find_in(step, "summary").await?.into_iter().next() else {
            b.ensure(false, format!("journey step {} has no summary", i + 1))
                .await?;
            continue;
        };
        let closed = b.text(step).await?;
        b.click(&summary).await?;
        let open = b.attribute(step, "open").await?.is_some();
        b.ensure(
            open,
            format!("journey step {} did not open on a click", i + 1),
        )
        .await?;
        let text = b.text(step).await?;
        b.ensure(
            text.len() > closed.len(),
            format!(
                "journey step {} shows nothing more when open: {text:?}",
                i + 1
            ),
        )
        .await?;
        if i == 0 {
            b.ensure(
                text.contains("Combing"),
                format!("the journey begins with {text:?}, not combing"),
            )
            .await?;
        }
    }
    Ok(())
}
