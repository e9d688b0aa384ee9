//! The daily jobs inside the server (the AutoPay run, the CIS payment export, the ACH
//! return-rate check), and the words both they and the command line use. Several instances
//! may each run them: each job itself makes sure its work is done once.

use anyhow::Context;
use app::autopay::run::{self, RunContext, RunReport};
use app::backoffice::dashboard;
use app::email::Mailer;
use app::gateway::Gateway;
use app::payments::export::{self, Destination, ExportReport};
use app::payments::monitor;
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
    let report = run::run(&ctx, date).await?;
    // The dashboard shows the last run, even one that had nothing to do.
    let (created, files) = (report.payments_created as i64, report.files.len() as i64);
    dashboard::record_autopay_run(db, date, created, files).await?;
    Ok(report)
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
    every_day_at(at, "AutoPay run", move |today| {
        let (db, mailer, vault, gateway, config) =
            (db.clone(), mailer.clone(), vault.clone(), gateway.clone(), config.clone());
        async move {
            let report = run_autopay(&db, &mailer, &vault, &gateway, &config, today).await?;
            tracing::info!("{}", describe(today, &report));
            Ok(())
        }
    })
    .await
}

/// Runs `job` once a day at `at` (UTC). A failed job is logged and tried again an hour
/// later, until it succeeds for the day.
pub async fn every_day_at<F, Fut>(at: Time, what: &'static str, mut job: F)
where
    F: FnMut(Date) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let mut last_done: Option<Date> = None;
    loop {
        let now = OffsetDateTime::now_utc();
        let today = now.date();
        let wait = if last_done != Some(today) && now.time() >= at {
            match job(today).await {
                Ok(()) => last_done = Some(today),
                Err(e) => tracing::error!(error = %e, "{what} failed; trying again in an hour"),
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

/// The daily jobs at `export.daily_at`: the CIS export into `export.folder` (when set), the
/// dashboard's reading of the day, and the ACH return-rate check that emails
/// `utility.operations_email` (when set). Each is safe
/// on several instances at once: the export claims each line once, the alert is one a day.
pub fn start_daily_jobs(db: &Db, mailer: &Mailer, config: &Config) -> anyhow::Result<()> {
    let at = parse_time_of_day(&config.export.daily_at).context("export.daily_at")?;
    if let Some(folder) = config.export.folder.clone() {
        let db = db.clone();
        let destination = Destination::Folder(folder);
        tokio::spawn(every_day_at(at, "CIS payment export", move |today| {
            let (db, destination) = (db.clone(), destination.clone());
            async move {
                let report = export::export_payments(&db, &destination, today).await?;
                tracing::info!("{}", describe_export(&report));
                Ok(())
            }
        }));
        println!("The CIS payment export is written daily at {at} UTC.");
    }
    // The dashboard's reading of the day, for the days nobody opens it.
    let readings = db.clone();
    tokio::spawn(every_day_at(at, "dashboard reading", move |_| {
        let db = readings.clone();
        async move { Ok(dashboard::record_today(&db, app::platform::db::now()).await?) }
    }));
    if config.utility.operations_email.is_some() {
        let (db, mailer, config) = (db.clone(), mailer.clone(), config.clone());
        tokio::spawn(every_day_at(at, "ACH return-rate check", move |today| {
            let (db, mailer, config) = (db.clone(), mailer.clone(), config.clone());
            async move {
                let (report, checked) = monitor::daily_check(&db, &mailer, &config, today).await?;
                if checked != monitor::Checked::Fine {
                    tracing::warn!(?checked, "{}", monitor::describe(&report).join("\n"));
                }
                Ok(())
            }
        }));
    }
    Ok(())
}

/// What an export run wrote, as the command prints it and the scheduler logs it.
pub fn describe_export(report: &ExportReport) -> String {
    let line = |w: &export::WrittenExport| {
        format!(
            "{}: {} payments, {} reversals, {} net",
            w.path.display(),
            w.payments,
            w.reversals,
            w.total
        )
    };
    let mut lines: Vec<String> = report
        .rewritten
        .iter()
        .map(|w| format!("Written again (a run had stopped before finishing it): {}", line(w)))
        .collect();
    lines.push(match &report.new {
        Some(w) => format!("Exported {}", line(w)),
        None => "Nothing new to export: the billing system has every payment.".into(),
    });
    lines.join("\n")
}
