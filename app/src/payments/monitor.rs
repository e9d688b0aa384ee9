//! ACH return-rate monitoring (Nacha's 2026 fraud monitoring): the e-check debits sent to
//! the bank in a window, and their unauthorized, administrative and overall return rates
//! against Nacha's thresholds (`domain::ach_rates`). `server ach report` prints it; the
//! server checks it daily and emails `utility.operations_email` when a rate passes half its
//! threshold, at most once a day.

use super::data::monitor as data;
use crate::domain::ach_rates::{self, Rate, Standing};
use crate::domain::format::{grouped, iso_date};
use crate::domain::Cents;
use crate::email::compose::{Letterhead, Parts};
use crate::email::{Lang, Mailer};
use crate::platform::{Config, Db};
use time::{Date, Duration};

/// The debits of a window and their return rates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AchReport {
    /// The first day of the window (the last is today).
    pub from: Date,
    pub to: Date,
    pub debits: u64,
    pub amount: Cents,
    pub returned: u64,
    pub returned_amount: Cents,
    /// Unauthorized, administrative, overall.
    pub rates: [Rate; 3],
}

/// The debits sent in the `days` days ending `today`: those of the files effective (or, for
/// a file recorded before effective dates, run) from `today - days + 1` to `today`.
#[tracing::instrument(skip_all, fields(%today, days))]
pub async fn report(db: &Db, today: Date, days: i64) -> Result<AchReport, sqlx::Error> {
    let from = today - Duration::days(days.max(1) - 1);
    let groups = data::debits_between(db, &iso_date(from), &iso_date(today)).await?;
    let debits = groups.iter().map(|g| g.debits as u64).sum();
    let amount = Cents(groups.iter().map(|g| g.amount_cents).sum());
    let returns: Vec<_> = groups.iter().filter(|g| g.status == "returned").collect();
    let codes: Vec<(String, u64)> = returns
        .iter()
        // A return recorded without its code still counts towards the overall rate.
        .map(|g| (g.return_code.clone().unwrap_or_else(|| "R??".into()), g.debits as u64))
        .collect();
    Ok(AchReport {
        from,
        to: today,
        debits,
        amount,
        returned: returns.iter().map(|g| g.debits as u64).sum(),
        returned_amount: Cents(returns.iter().map(|g| g.amount_cents).sum()),
        rates: ach_rates::rates(debits, &codes),
    })
}

/// The report as the command prints it and the alert email carries it, one line each.
pub fn describe(r: &AchReport) -> Vec<String> {
    let mut lines = vec![
        format!(
            "ACH debits sent {} to {}: {} debits, {}; {} returned, {}.",
            iso_date(r.from),
            iso_date(r.to),
            grouped(r.debits as i64),
            r.amount,
            grouped(r.returned as i64),
            r.returned_amount
        ),
        "Return rates against Nacha's thresholds:".into(),
    ];
    for rate in &r.rates {
        let standing = match rate.standing() {
            Standing::Ok => "ok",
            Standing::Watch => "WATCH: above half the threshold",
            Standing::Over => "OVER THE THRESHOLD",
        };
        let threshold = ach_rates::threshold_text(rate.measure.threshold_bp());
        lines.push(format!(
            "  {:<40} {:>6} returns  {:>7}  (threshold {threshold:>5})  {standing}",
            rate.measure.name(),
            grouped(rate.returns as i64),
            rate.percent(),
        ));
    }
    lines
}

/// What the daily check did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    /// Every rate is at most half its threshold.
    Fine,
    /// A rate passed half its threshold and the operations address was emailed.
    Alerted,
    /// A rate passed half its threshold; today's alert was already sent.
    AlreadyAlerted,
    /// A rate passed half its threshold, but no `utility.operations_email` is configured.
    NoAddress,
}

/// The daily check: the last 60 days' rates, and an email to the operations address when
/// one passes half its threshold — once a day, whatever the number of checks or instances.
#[tracing::instrument(skip_all, fields(%today))]
pub async fn daily_check(
    db: &Db,
    mailer: &Mailer,
    config: &Config,
    today: Date,
) -> Result<(AchReport, Checked), sqlx::Error> {
    let report = report(db, today, 60).await?;
    if !ach_rates::needs_alert(&report.rates) {
        return Ok((report, Checked::Fine));
    }
    let Some(to) = config.utility.operations_email.as_deref().filter(|t| !t.trim().is_empty())
    else {
        tracing::warn!("ACH return rates above half of Nacha's thresholds, and no utility.operations_email to tell");
        return Ok((report, Checked::NoAddress));
    };
    let email = alert(&Letterhead::from_config(config), to.trim(), &report);
    if !data::queue_alert_once(db, &iso_date(today), &email).await? {
        return Ok((report, Checked::AlreadyAlerted));
    }
    mailer.wake();
    Ok((report, Checked::Alerted))
}

/// The alert for the utility's operations staff (in English: it is the utility's own).
fn alert(head: &Letterhead, to: &str, report: &AchReport) -> crate::email::Composed {
    let mut parts = Parts::new(
        "ach-return-rates",
        "ACH return rates need attention",
        "The return rates of the portal's ACH debits in the last 60 days passed half of a Nacha \
         threshold. Nacha's rules ask the utility to find out why (unauthorized debits, stale \
         bank accounts) before a threshold is reached."
            .into(),
    );
    for line in describe(report) {
        parts = parts.paragraph(line.trim().to_string());
    }
    parts.after("`server ach report` prints these figures at any time.").write(head, Lang::En, to)
}
