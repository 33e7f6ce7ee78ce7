//! A cooperative's season through the forms: intake → pool → auction; a buyer bids; the
//! cooperative closes the auction and settles. Every step leaves a screenshot.

use std::time::{Duration, Instant};

use anyhow::Result;

use crate::demo::Demo;
use crate::webdriver::Browser;

/// How far ahead the auction closes: time enough for the buyer to sign in and bid.
const CLOSES_IN: Duration = Duration::from_secs(25);

/// Mongolia's time zone (no daylight saving): `datetime-local` fields hold Ulaanbaatar time.
const UTC_OFFSET_H: i64 = 8;

pub async fn run(b: &mut Browser, demo: &Demo) -> Result<()> {
    sign_in(b, demo, "cooperative").await?;
    b.screenshot("coop-signed-in").await?;

    // Intake: a member delivers 12.5 kg.
    let intakes = b.count("table#intakes tbody tr").await?;
    b.select_first("select#intake-household").await?;
    b.fill("input#intake-gross", "12.5").await?;
    // The demo records no herds, so the intake names the goats combed.
    b.fill("input#intake-goats", "40").await?;
    b.fill("input#intake-moisture", "12").await?;
    b.fill("input#intake-impurity", "8").await?;
    b.fill("input#intake-guard", "30").await?;
    let colour = b.select_first("select#intake-colour").await?;
    let grade = b.select_first("select#intake-grade").await?;
    b.screenshot("intake-form").await?;
    b.click_and_wait("button#intake-submit").await?;
    flash(b, "intake").await?;
    let now = b.count("table#intakes tbody tr").await?;
    b.ensure(
        now == intakes + 1,
        format!(
            "table#intakes has {now} rows after the intake, not {}",
            intakes + 1
        ),
    )
    .await?;
    b.screenshot("intake-recorded").await?;

    // Pool that colour and grade: the new lot is the pool id not listed before.
    let pools = b.texts("table#pools td.pool-id").await?;
    b.select_value("select#pool-colour", &colour).await?;
    b.select_value("select#pool-grade", &grade).await?;
    b.click_and_wait("button#pool-submit").await?;
    flash(b, "pool").await?;
    let pool = new_one(b, "table#pools td.pool-id", &pools).await?;
    b.screenshot("pooled").await?;

    // An auction of that lot, closing shortly.
    let auctions = b.texts("table#auctions td.auction-id").await?;
    b.fill("input#auction-title", "Browser test auction")
        .await?;
    b.select_first("select#auction-rule").await?;
    let closes_at = Instant::now() + CLOSES_IN;
    let closes = (chrono::Utc::now()
        + chrono::Duration::hours(UTC_OFFSET_H)
        + chrono::Duration::from_std(CLOSES_IN)?)
    .format("%Y-%m-%dT%H:%M:%S")
    .to_string();
    b.set_value("input#auction-closes", &closes).await?;
    let lot = b.element_near("input[name=pool]", &pool).await?;
    if b.property(&lot, "checked").await? != serde_json::json!(true) {
        b.click(&lot).await?;
    }
    b.fill("input#auction-reserve", "100000").await?;
    b.screenshot("auction-form").await?;
    b.click_and_wait("button#auction-submit").await?;
    let auction = new_one(b, "table#auctions td.auction-id", &auctions).await?;
    b.screenshot("auction-open").await?;
    sign_out(b, demo).await?;

    // The buyer bids on the lot.
    sign_in(b, demo, "buyer").await?;
    b.find("table#open-auctions").await?;
    b.screenshot("buyer-signed-in").await?;
    let form = b.element_near("form.bid", &pool).await?;
    let amount = b.find_in(&form, "input[name=amount_mnt]").await?;
    let submit = b.find_in(&form, "button.bid-submit").await?;
    let (Some(amount), Some(submit)) = (amount.first(), submit.first()) else {
        b.ensure(false, "form.bid lacks amount_mnt or .bid-submit")
            .await?;
        return Ok(());
    };
    b.clear(amount).await?;
    b.send_keys(amount, "5000000").await?;
    b.click_element_and_wait(submit).await?;
    let f = flash(b, "bid").await?;
    b.ensure(
        has_hex(&f, 16),
        format!("#flash shows no bid commitment: {f:?}"),
    )
    .await?;
    b.screenshot("bid-placed").await?;
    b.ensure(
        Instant::now() < closes_at,
        "the bid came after the auction's closing time: the machine is too slow for this test",
    )
    .await?;
    sign_out(b, demo).await?;

    // The cooperative closes the auction once its time has come, and settles.
    sign_in(b, demo, "cooperative").await?;
    tokio::time::sleep(closes_at.saturating_duration_since(Instant::now())).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while b.count("button.close-auction").await? == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_secs(1)).await;
        b.goto(&demo.url("/app/cooperative")).await?;
    }
    b.screenshot("auction-closing").await?;
    let close = b.element_near("button.close-auction", &auction).await?;
    b.click_element_and_wait(&close).await?;
    b.screenshot("auction-closed").await?;
    let settlements = b.count("table#settlements tbody tr").await?;
    let settle = b.element_near("form.settle", &pool).await?;
    let fee = b.find_in(&settle, "input[name=fee_mnt]").await?;
    let button = b.find_in(&settle, "button.settle").await?;
    let (Some(fee), Some(button)) = (fee.first(), button.first()) else {
        b.ensure(false, "form.settle lacks fee_mnt or button.settle")
            .await?;
        return Ok(());
    };
    b.clear(fee).await?;
    b.send_keys(fee, "0").await?;
    b.click_element_and_wait(button).await?;
    let now = b.count("table#settlements tbody tr").await?;
    b.ensure(
        now > settlements,
        format!("table#settlements still has {now} rows after settling"),
    )
    .await?;
    b.screenshot("settled").await?;
    sign_out(b, demo).await?;
    Ok(())
}

/// Signs in with the role's demo token and lands on its dashboard.
async fn sign_in(b: &mut Browser, demo: &Demo, role: &str) -> Result<()> {
    b.goto(&demo.url("/app/login")).await?;
    b.find("form#login").await?;
    b.fill("input#token", demo.token(role)?).await?;
    b.click_and_wait("button#login-submit").await?;
    let url = b.url().await?;
    let path = url.strip_prefix(&demo.base).unwrap_or(&url);
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let want = format!("/app/{role}");
    b.ensure(
        path == want,
        format!("signing in as {role} led to {path}, not {want}"),
    )
    .await?;
    let h1 = b.text_of("h1").await?;
    b.ensure(
        !h1.trim().is_empty(),
        "the dashboard's h1 names no organisation",
    )
    .await
}

/// Signs out; the dashboard is then no longer shown.
async fn sign_out(b: &mut Browser, demo: &Demo) -> Result<()> {
    b.click_and_wait("button#logout").await?;
    b.goto(&demo.url("/app/cooperative")).await?;
    let gone = b.count("button#logout").await? == 0;
    b.ensure(gone, "still signed in after button#logout").await
}

/// The text of `#flash` after an action; it must say something.
async fn flash(b: &mut Browser, action: &str) -> Result<String> {
    let f = b.text_of("#flash").await?;
    b.ensure(
        !f.trim().is_empty(),
        format!("#flash is empty after the {action}"),
    )
    .await?;
    Ok(f)
}

/// The one text of `selector` not among `before`.
async fn new_one(b: &mut Browser, selector: &str, before: &[String]) -> Result<String> {
    let after = b.texts(selector).await?;
    let new: Vec<&String> = after.iter().filter(|t| !before.contains(t)).collect();
    b.ensure(
        new.len() == 1,
        format!("expected one new {selector}, found {new:?} (before: {before:?})"),
    )
    .await?;
    Ok(new.first().map(|s| s.to_string()).unwrap_or_default())
}

/// Whether `s` holds a run of at least `n` hex digits.
fn has_hex(s: &str, n: usize) -> bool {
    s.split(|c: char| !c.is_ascii_hexdigit())
        .any(|run| run.len() >= n)
}
