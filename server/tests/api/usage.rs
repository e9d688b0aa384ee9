//! Water Use: the demo's reads add up to its bills, the page reads whole without
//! JavaScript in both languages, a gap shows as missing (never zero), the unit is kept,
//! and the CSV file carries the chart's numbers.

use crate::helpers::{location, spawn_app, with_demo, TestApp, PASSWORD, TODAY};
use app::domain::water_use::Scale;
use app::usage::{service, BillCheck, UsageQuery};
use time::Duration;

async fn with_reads(app: &TestApp) {
    with_demo(&app.db).await;
    let loaded = app::import::demo_reads::load(&app.db, TODAY).await.unwrap();
    assert!(loaded.is_some_and(|r| r.rows > 40_000), "fifteen months, four accounts");
    let again = app::import::demo_reads::load(&app.db, TODAY).await.unwrap();
    assert!(again.is_none(), "a second start loads nothing again");
}

fn query(account: app::domain::AccountId, scale: Scale, at: time::Date) -> UsageQuery {
    UsageQuery {
        account: Some(account.to_string()),
        scale: Some(scale.as_str().to_string()),
        at: Some(app::domain::format::iso_date(at)),
    }
}

#[tokio::test]
async fn the_days_of_every_demo_bill_add_up_to_its_usage() {
    let app = spawn_app().await;
    with_reads(&app).await;
    let mut checked = 0;
    for (number, zip) in [("12345678-1234567", "97501"), ("23456789-2345678", "97502")] {
        let who = app.register(number, zip).await;
        let accounts = app::usage::data::accounts(&app.db, who.customer_id).await.unwrap();
        for (account, _) in accounts {
            for (bill_date, gallons) in app::usage::data::bills(&app.db, account).await.unwrap() {
                let q = query(account, Scale::Day, bill_date - Duration::days(1));
                let view = service::usage(&app.db, who.customer_id, &q, TODAY).await.unwrap();
                let view = view.expect("a view");
                assert_eq!(view.days.until, bill_date);
                assert_eq!(view.bill, Some(BillCheck::AddsUp { gallons }), "{number} {bill_date}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 9, "three bills of each of three accounts");
}

#[tokio::test]
async fn the_page_reads_whole_without_javascript_and_a_gap_is_missing_not_zero() {
    let app = spawn_app().await;
    with_reads(&app).await;
    let maria = app.register("23456789-2345678", "97502").await;
    let r = app.sign_in(&maria.email, PASSWORD).await;
    assert_eq!(location(&r), "/account");

    let page = app.page("/billing/water-use").await;
    assert!(page.contains("<h1>Water Use</h1>") && page.contains("<svg"), "{page}");
    assert!(page.contains("usage-chart-title") && page.contains("<table"), "{page}");
    assert!(page.contains("Times with missing reads: 1"), "the open period has a gap: {page}");
    // The table is in the HTML itself: a row per day read so far (November 1 to 25).
    let rows = page.matches("<th scope=\"row\">").count();
    assert_eq!(rows, 25, "{page}");

    let gap_day = app::domain::format::iso_date(TODAY - Duration::days(2));
    let hours = app.page(&format!("/billing/water-use?scale=hour&at={gap_day}")).await;
    let missing = hours.matches("<td class=\"amount\">No reads</td>").count();
    assert!(missing >= 5, "the five hours without reads say so: {hours}");

    let billed = app.page("/billing/water-use?scale=day&at=2026-10-15").await;
    assert!(billed.contains("These days add up to your bill"), "{billed}");
    let es = app.page_in("/billing/water-use?scale=day&at=2026-10-15", "es").await;
    assert!(es.contains("Consumo de agua") && es.contains("Estos días suman"), "{es}");

    let overview = app.page("/account").await;
    let summary = "Water use, last 30 days: ";
    assert!(overview.contains(summary) && overview.contains("(some reads missing)"), "{overview}");

    let months = app.page("/billing/water-use?scale=month").await;
    assert!(months.contains("By month") && months.contains("aria-current=\"page\""), "{months}");

    // Each account's line is its own 30 days to its newest read (the overview reads all of
    // the customer's accounts together): Alex has two.
    let alex = app.register("12345678-1234567", "97501").await;
    app.sign_in(&alex.email, PASSWORD).await;
    let overview = app.page("/account").await;
    let accounts = app::usage::data::accounts(&app.db, alex.customer_id).await.unwrap();
    assert_eq!(accounts.len(), 2, "Alex has two accounts");
    let mut lines = std::collections::BTreeSet::new();
    for (account, _) in accounts {
        use app::water::series::{self, DAY};
        let last = series::last_read(&app.db, account).await.unwrap().expect("reads");
        let last_day = last.div_euclid(DAY);
        let days = series::days(&app.db, account, &[(last_day - 29, last_day + 1)]).await.unwrap();
        let centigallons: i64 = days.values().map(|(c, _)| c).sum();
        let used = app::domain::format::gallons((centigallons + 50) / 100, app::domain::Lang::En);
        assert!(overview.contains(&format!("{summary}{used} ")), "{account}: {used} in {overview}");
        lines.insert(used);
    }
    assert_eq!(lines.len(), 2, "the two accounts used different amounts: {lines:?}");
}

#[tokio::test]
async fn the_unit_is_kept_and_the_csv_has_the_charts_numbers() {
    let app = spawn_app().await;
    with_reads(&app).await;
    let alex = app.register("12345678-1234567", "97501").await;
    app.sign_in(&alex.email, PASSWORD).await;
    let page = "/billing/water-use?scale=day&at=2026-10-15";
    let back = format!("{page}&account={}", alex.account_id);
    let r = app.post_form("set_usage_unit", page, &[("unit", "hcf"), ("back", &back)]).await;
    assert_eq!(location(&r), back, "back to the same chart");
    let shown = app.page(page).await;
    assert!(shown.contains(" HCF</td>"), "{shown}");
    let r = app
        .post_form("set_usage_unit", page, &[("unit", "hcf"), ("back", "https://evil.example/")])
        .await;
    assert_eq!(location(&r), "/billing/water-use", "never back to elsewhere");

    let csv = app.get("/billing/water-use.csv?scale=hour&at=2026-10-15").await;
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 25, "a header and 24 hours: {text}");
    assert!(lines[0].starts_with("Start,Gallons,Read"), "{text}");
    assert!(lines[8].starts_with("2026-10-15T07:00,"), "{text}");

    // The month chart's download is of the months shown, up to October.
    let months = app.page("/billing/water-use?scale=month&at=2026-10-15").await;
    let query =
        months.split("href=\"/billing/water-use.csv?").nth(1).and_then(|r| r.split('"').next());
    let query = query.expect("a CSV link").replace("&amp;", "&");
    let csv = app.get(&format!("/billing/water-use.csv?{query}")).await.text().await.unwrap();
    let last = csv.lines().last().unwrap_or_default().to_string();
    assert!(last.starts_with("2026-10-01,") && !last.starts_with("2026-10-01,,"), "{csv}");
}

#[tokio::test]
async fn another_customers_account_is_never_shown_and_a_visitor_signs_in_first() {
    let app = spawn_app().await;
    with_reads(&app).await;
    let alex = app.register("12345678-1234567", "97501").await;
    let maria = app.register("23456789-2345678", "97502").await;
    let q = query(maria.account_id, Scale::Day, TODAY);
    let view = service::usage(&app.db, alex.customer_id, &q, TODAY).await.unwrap().unwrap();
    assert_ne!(view.account, maria.account_id, "Alex's own account instead");
    // A period without reads says so, rather than a chart of nothing.
    app.sign_in(&alex.email, PASSWORD).await;
    let page = app.page("/billing/water-use?scale=hour&at=2020-01-01").await;
    assert!(page.contains("There are no meter reads for this period"), "{page}");
    let read = app.page("/billing/water-use").await;
    assert!(!read.contains("There are no meter reads"), "{read}");
    app.sign_out().await;
    let r = app.get("/billing/water-use").await;
    assert_eq!(location(&r), "/sign-in");
    let r = app.get("/billing/water-use.csv").await;
    assert_eq!(location(&r), "/sign-in");
}

/// The child element `ns:name` of `node`.
fn child<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    ns: &str,
    name: &str,
) -> Option<roxmltree::Node<'a, 'i>> {
    node.children().find(|c| c.has_tag_name((ns, name)))
}

/// The text of the ESPI child `name` of `node`.
fn text_of(node: roxmltree::Node<'_, '_>, name: &str) -> Option<String> {
    child(node, "http://naesb.org/espi", name).and_then(|n| n.text()).map(str::to_string)
}

#[tokio::test]
async fn green_button_carries_each_read_of_the_period_as_espi_water_in_us_gallons() {
    const ATOM: &str = "http://www.w3.org/2005/Atom";
    const ESPI: &str = "http://naesb.org/espi";
    let app = spawn_app().await;
    with_reads(&app).await;
    let maria = app.register("23456789-2345678", "97502").await;
    app.sign_in(&maria.email, PASSWORD).await;
    let gap_day = TODAY - Duration::days(2);
    let at = app::domain::format::iso_date(gap_day);
    let r = app.get(&format!("/billing/water-use/green-button.xml?scale=hour&at={at}")).await;
    assert_eq!(r.headers()["content-type"], "application/atom+xml");
    let xml = r.text().await.unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let feed = doc.root_element();
    assert_eq!((feed.tag_name().namespace(), feed.tag_name().name()), (Some(ATOM), "feed"));
    let entries: Vec<_> = feed.children().filter(|c| c.has_tag_name((ATOM, "entry"))).collect();
    // Atom's required elements, on the feed and on every entry; each entry holds one resource.
    for node in std::iter::once(feed).chain(entries.iter().copied()) {
        for name in ["id", "title", "updated"] {
            assert!(child(node, ATOM, name).is_some(), "{name} in {node:?}");
        }
    }
    for e in &entries {
        let self_link = e
            .children()
            .any(|c| c.has_tag_name((ATOM, "link")) && c.attribute("rel") == Some("self"));
        assert!(self_link && child(*e, ATOM, "content").is_some());
    }
    let find = |name: &str| doc.descendants().find(|n| n.has_tag_name((ESPI, name)));
    let category =
        child(find("UsagePoint").expect("a UsagePoint"), ESPI, "ServiceCategory").unwrap();
    assert_eq!(text_of(category, "kind").as_deref(), Some("2"), "water");
    let reading_type = find("ReadingType").expect("a ReadingType");
    assert_eq!(text_of(reading_type, "uom").as_deref(), Some("128"), "US gallons");
    assert_eq!(text_of(reading_type, "intervalLength").as_deref(), Some("3600"));
    assert_eq!(text_of(reading_type, "powerOfTenMultiplier").as_deref(), Some("-2"));
    assert!(find("MeterReading").is_some());
    let blocks: Vec<_> =
        doc.descendants().filter(|n| n.has_tag_name((ESPI, "IntervalBlock"))).collect();
    assert_eq!(blocks.len(), 1, "one local day");
    let readings: Vec<_> =
        blocks[0].children().filter(|n| n.has_tag_name((ESPI, "IntervalReading"))).collect();
    assert_eq!(readings.len(), 19, "the five hours without reads are left out, not zero");
    let mut sum = 0;
    for reading in &readings {
        let period = child(*reading, ESPI, "timePeriod").expect("timePeriod");
        assert_eq!(text_of(period, "duration").as_deref(), Some("3600"));
        assert!(text_of(period, "start").is_some());
        sum += text_of(*reading, "value").unwrap().parse::<i64>().unwrap();
    }
    let hours = app::usage::data::hourly(&app.db, maria.account_id, gap_day).await.unwrap();
    assert_eq!(
        sum,
        hours.values().map(|(c, _)| c).sum::<i64>(),
        "the same hundredths as the chart"
    );
}
