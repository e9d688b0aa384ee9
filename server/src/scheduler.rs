//! The daily AutoPay run inside the server, and the words both it and the command line use.
//! Several instances may each run it: the run itself makes sure every bill is paid once.

use app::autopay::run::{self, RunContext, RunReport};
use app::email::Mailer;
use app::gateway::Gateway;
use app::platform::vault::Vault;
use app::platform::{Config, Db};
use time::{Date, OffsetDateTime, Time};

#[tracing::instrument(skip_all, fields(%date))]
pub async fn run_autopay(
    db: &Db,
    mailer: &Mailer,
    vault: &Vault,
    gateway: &Gateway,
    config: &Config,
    date: Date,
) -> anyhow::Result<RunReport> {
    // The defaults describe a demo utility: a real bank file must name the real one.
    let demo = app::platform::config::AutopayConfig::default();
    if !config.dev_mode
        && (config.autopay.company_id == demo.company_id
            || config.autopay.bank_routing == demo.bank_routing)
    {
        anyhow::bail!("configure autopay.company_id and autopay.bank_routing (the utility and its bank) before running AutoPay");
    }
    let ctx = RunContext { db, mailer, vault, gateway, config: &config.autopay };
    Ok(run::run(&ctx, date).await?)
}

pub fn describe(date: Date, r: &RunReport) -> String {
    let mut lines = vec![format!(
        "AutoPay for {date}: {} payments created ({} not drafted: above the customer's maximum).",
        r.payments_created, r.skipped_over_maximum
    )];
    for f in &r.files {
        lines.push(format!(
            "  bank file {}: {} entries ({} prenotes), ${}.{:02} in debits",
            f.name,
            f.entries,
            f.prenotes,
            f.total_debit_cents / 100,
            f.total_debit_cents % 100
        ));
    }
    if r.failed_undecryptable > 0 {
        lines.push(format!(
            "  ALERT: {} bank lines could not be decrypted and were taken out of their files (payments marked failed, \
             bills left open; the log names each): check the payment keys.",
            r.failed_undecryptable
        ));
    }
    if r.withdrawn_not_the_customers > 0 {
        lines.push(format!(
            "  {} bank lines taken out of their files: the method was removed or the account changed hands.",
            r.withdrawn_not_the_customers
        ));
    }
    if r.withdrawn_returned_methods > 0 {
        lines.push(format!(
            "  {} payments not sent: the bank returned their bank account since they were made.",
            r.withdrawn_returned_methods
        ));
    }
    lines.push(format!(
        "Cards and wallets: {} paid, {} declined, {} left for the next run (processor unavailable).",
        r.cards_paid, r.cards_declined, r.cards_to_retry
    ));
    lines.push(format!("Emails queued: {} reminders, {} receipts.", r.reminders, r.receipts));
    lines.join("\n")
}

pub fn parse_time_of_day(raw: &str) -> anyhow::Result<Time> {
    let (h, m) = raw
        .trim()
        .split_once(':')
        .ok_or_else(|| anyhow::anyhow!("\"{raw}\" is not a time like 06:00"))?;
    Ok(Time::from_hms(h.parse()?, m.parse()?, 0)?)
}

/// Sleeps until `at` (UTC) every day and runs AutoPay for that day. A failed run is logged
/// and tried again at the next hour, never lost in silence.
#[tracing::instrument(skip_all, fields(%at))]
pub async fn daily(
    db: Db,
    mailer: Mailer,
    vault: Vault,
    gateway: Gateway,
    config: Config,
    at: Time,
) {
    let mut last_done: Option<Date> = None;
    loop {
        let now = OffsetDateTime::now_utc();
        let today = now.date();
        let wait = if last_done != Some(today) && now.time() >= at {
            match run_autopay(&db, &mailer, &vault, &gateway, &config, today).await {
                Ok(report) => {
                    tracing::info!("{}", describe(today, &report));
                    last_done = Some(today);
                }
                Err(e) => {
                    tracing::error!(error = %e, "AutoPay run failed; trying again in an hour")
                }
            }
            std::time::Duration::from_secs(3600)
        } else {
            let next = if now.time() < at {
                today.with_time(at)
            } else {
                today.next_day().unwrap_or(today).with_time(at)
            };
            let secs = (next.assume_utc() - now).whole_seconds().clamp(1, 3600);
            std::time::Duration::from_secs(secs as u64)
        };
        tokio::time::sleep(wait).await;
    }
}
