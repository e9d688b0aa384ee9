//! `server`: serves the portal (the default), or runs one administrative command.

use anyhow::Context;
use app::email::{Letterhead, Mailer};
use app::import::{self, demo};
use app::platform::sessions::Sessions;
use app::platform::vault::Vault;
use app::platform::{Config, Db};
use clap::{Parser, Subcommand};
use leptos::prelude::*;
use server::{router, AppState};
use std::path::{Path, PathBuf};

#[derive(Parser)]
#[command(name = "server", about = "Aqueduct customer portal")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the portal (what runs when no command is given).
    Serve,
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Load the demo customers, accounts and bills (safe to repeat).
    SeedDemo,
    /// Import the utility's data from a CSV file (columns in the README).
    Import {
        #[command(subcommand)]
        what: ImportKind,
    },
    /// AutoPay: collect the payments due on a date.
    Autopay {
        #[command(subcommand)]
        what: AutopayCommand,
    },
    /// Post payments to the utility's billing system (CIS).
    Export {
        #[command(subcommand)]
        what: ExportCommand,
    },
    /// ACH monitoring.
    Ach {
        #[command(subcommand)]
        what: AchCommand,
    },
    /// The utility's staff in the back office.
    Staff {
        #[command(subcommand)]
        what: StaffCommand,
    },
    /// The staff audit log.
    Audit {
        #[command(subcommand)]
        what: AuditCommand,
    },
    /// Re-encrypt every saved bank account under the current payment key
    /// (secrets.payment_key_id); keep the old key configured until this has run.
    RotatePaymentKey,
    /// Copy the SQLite database to a new file while the portal runs (a consistent
    /// snapshot, checked before it is kept). On PostgreSQL, use pg_dump.
    Backup {
        /// The backup file to create (it must not exist yet).
        file: PathBuf,
    },
    /// Replace the SQLite database with a backup. Stop the portal first; the current
    /// database is kept beside it as <file>.before-restore-<time>.
    Restore {
        /// A file made by `server backup`.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum AutopayCommand {
    /// Creates each due bill's one payment, writes the NACHA file, charges cards, emails
    /// reminders and receipts. Safe to repeat, and to run on several machines at once.
    Run {
        /// The day to run for, YYYY-MM-DD (default: today, UTC).
        #[arg(long, value_parser = parse_date)]
        date: Option<time::Date>,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// Writes every payment the CIS has not received (and a reversal line for every return)
    /// as a CSV, each in one export only. An export a crash left unwritten is written again
    /// first. Safe to repeat, and to run on several machines at once.
    Payments {
        /// The file to write (it must not exist). Default: a new file in `export.folder`.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum AchCommand {
    /// Prints the e-check debits sent to the bank in the last days, and their return rates
    /// against Nacha's thresholds (unauthorized 0.5%, administrative 3.0%, overall 15.0%).
    Report {
        /// The window, in days ending today.
        #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(i64).range(1..=3660))]
        days: i64,
    },
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Adds a staff member and prints their one-time enrollment link (valid 24 hours):
    /// they choose a password and set up an authenticator app there.
    Add {
        email: String,
        #[arg(long, value_parser = parse_role)]
        role: app::domain::staff::StaffRole,
    },
    /// Disables a staff member: every session of theirs ends at once, and they cannot
    /// sign in again.
    Disable { email: String },
    /// Starts a staff member's enrollment over (a lost authenticator): prints a new
    /// one-time link; their codes, recovery codes and sessions stop working at once.
    Reset { email: String },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recomputes the audit log's hash chain and names the first row that was changed or
    /// removed. Exits non-zero when the chain is broken.
    Verify,
}

fn parse_role(raw: &str) -> Result<app::domain::staff::StaffRole, String> {
    app::domain::staff::StaffRole::parse(raw).map_err(|e| e.to_string())
}

fn parse_date(raw: &str) -> Result<time::Date, String> {
    time::Date::parse(raw, &time::format_description::well_known::Iso8601::DATE)
        .map_err(|_| format!("\"{raw}\" is not a date like 2026-12-01"))
}

#[derive(Subcommand)]
enum ImportKind {
    /// customer_number,customer_name,account_number,service_address,service_city,
    /// service_state,service_zip,mailing_address,mailing_city,mailing_state,mailing_zip
    Accounts { file: PathBuf },
    /// account_number,bill_date,due_date,amount,balance,usage_gallons
    Bills { file: PathBuf },
    /// The Federal Reserve's FedACH directory (fixed width): fills in bank names.
    Routing { file: PathBuf },
    /// The utility's PDF of each bill: account_number,bill_date,file (paths relative to
    /// the manifest). A bill's new file replaces its old one; the same file changes nothing.
    BillDocuments { manifest: PathBuf },
    /// The bank's returns and notices of change (a NACHA file): payments returned, bank
    /// accounts corrected, customers emailed. The same file twice changes nothing.
    AchReturns { file: PathBuf },
    /// Meter reads: account_number,meter_id,read_at,gallons,interval_minutes. Any size;
    /// the same read again changes nothing, a corrected one replaces it.
    Reads { file: PathBuf },
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    init_tracing();
    let cli = Cli::parse();
    let config = Config::load().context("reading the configuration")?;
    if let Some(Command::Restore { file }) = &cli.command {
        // Before anything opens the database it replaces.
        return restore(&config, file).await;
    }
    let db = open_database(&config).await?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config, db).await,
        Command::Migrate => {
            println!("The database schema is up to date.");
            Ok(())
        }
        Command::SeedDemo => seed_demo(&config, &db).await,
        Command::Autopay { what: AutopayCommand::Run { date } } => {
            autopay_run(&config, &db, date.unwrap_or_else(today)).await
        }
        Command::Export { what: ExportCommand::Payments { out } } => {
            export_payments(&config, &db, out).await
        }
        Command::Ach { what: AchCommand::Report { days } } => ach_report(&db, days).await,
        Command::Backup { file } => backup(&db, &file).await,
        Command::Restore { .. } => unreachable!("handled before connecting"),
        Command::RotatePaymentKey => rotate_payment_key(&config, &db).await,
        Command::Staff { what: StaffCommand::Add { email, role } } => {
            add_staff(&config, &db, &email, role).await
        }
        Command::Staff { what: StaffCommand::Disable { email } } => {
            disable_staff(&db, &email).await
        }
        Command::Staff { what: StaffCommand::Reset { email } } => {
            reset_staff(&config, &db, &email).await
        }
        Command::Audit { what: AuditCommand::Verify } => verify_audit(&db).await,
        Command::Import { what: ImportKind::Routing { file } } => import_routing(&db, &file).await,
        Command::Import { what: ImportKind::Accounts { file } } => {
            import_accounts(&config, &db, &file).await
        }
        Command::Import { what: ImportKind::Bills { file } } => {
            import_bills(&config, &db, &file).await
        }
        Command::Import { what: ImportKind::BillDocuments { manifest } } => {
            import_bill_documents(&db, &manifest).await
        }
        Command::Import { what: ImportKind::AchReturns { file } } => {
            import_ach_returns(&config, &db, &file).await
        }
        Command::Import { what: ImportKind::Reads { file } } => {
            import_reads(&config, &db, &file).await
        }
    }
}

fn init_tracing() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_sessions=warn".into()),
        )
        .init();
}

/// The database, its schema brought up to date: every command but `restore` starts here.
async fn open_database(config: &Config) -> anyhow::Result<Db> {
    let db = Db::connect_pooled(&config.database_url, config.database_connections)
        .await
        .context("connecting to the database")?;
    db.migrate().await.context("migrating the database")?;
    Ok(db)
}

#[tracing::instrument(skip_all, fields(file = %file.display()))]
async fn restore(config: &Config, file: &Path) -> anyhow::Result<()> {
    let contents =
        app::platform::backup::restore(&config.database_url, file).await.context("restoring")?;
    println!("Restored {} ({contents}). Start the portal again.", file.display());
    Ok(())
}

#[tracing::instrument(skip_all)]
async fn seed_demo(config: &Config, db: &Db) -> anyhow::Result<()> {
    if !config.dev_mode {
        anyhow::bail!("the demo data is for development mode only (dev_mode = true)");
    }
    demo::load(db, &Letterhead::from_config(config), today())
        .await
        .context("loading the demo data")?;
    app::import::demo_reads::load(db, today()).await.context("loading the demo meter reads")?;
    print_demo_accounts();
    Ok(())
}

#[tracing::instrument(skip_all, fields(%date))]
async fn autopay_run(config: &Config, db: &Db, date: time::Date) -> anyhow::Result<()> {
    let vault = Vault::from_config(config).context("reading the payment keys")?;
    let mailer = Mailer::from_config(config).context("setting up email")?;
    let gateway = app::gateway::Gateway::from_config(config)
        .map_err(anyhow::Error::msg)
        .context("choosing the payment gateway")?;
    let report =
        server::scheduler::run_autopay(db, &mailer, &vault, &gateway, config, date).await?;
    let sent = mailer.deliver_pending(db).await.context("sending AutoPay emails")?;
    println!("{}", server::scheduler::describe(date, &report));
    println!("Emails: {} sent, {} to retry.", sent.sent, sent.failed);
    Ok(())
}

#[tracing::instrument(skip_all)]
async fn export_payments(config: &Config, db: &Db, out: Option<PathBuf>) -> anyhow::Result<()> {
    use app::payments::export::Destination;
    let destination = match (out, &config.export.folder) {
        (Some(file), _) => Destination::File(file),
        (None, Some(folder)) => Destination::Folder(folder.clone()),
        (None, None) => anyhow::bail!("give --out FILE, or set export.folder"),
    };
    let report = app::payments::export::export_payments(db, &destination, today()).await?;
    println!("{}", server::scheduler::describe_export(&report));
    Ok(())
}

#[tracing::instrument(skip_all, fields(days))]
async fn ach_report(db: &Db, days: i64) -> anyhow::Result<()> {
    let report = app::payments::monitor::report(db, today(), days).await?;
    println!("{}", app::payments::monitor::describe(&report).join("\n"));
    Ok(())
}

#[tracing::instrument(skip_all, fields(file = %file.display()))]
async fn backup(db: &Db, file: &Path) -> anyhow::Result<()> {
    let contents = app::platform::backup::backup(db, file).await.context("backing up")?;
    println!("Backed up to {} ({contents}).", file.display());
    Ok(())
}

#[tracing::instrument(skip_all)]
async fn rotate_payment_key(config: &Config, db: &Db) -> anyhow::Result<()> {
    let vault = Vault::from_config(config).context("reading the payment keys")?;
    let moved = app::wallet::service::rotate_key(db, &vault)
        .await
        .context("re-encrypting bank accounts")?;
    let staff = app::backoffice::access::service::rotate_key(db, &vault)
        .await
        .context("re-encrypting staff authenticator secrets")?;
    println!("{moved} bank accounts re-encrypted under key \"{}\".", vault.current_key_id());
    println!("{staff} staff authenticator secrets re-encrypted.");
    Ok(())
}

#[tracing::instrument(skip_all)]
async fn add_staff(
    config: &Config,
    db: &Db,
    email: &str,
    role: app::domain::staff::StaffRole,
) -> anyhow::Result<()> {
    use app::backoffice::access::service::{self, AddError};
    let vault = Vault::from_config(config).context("reading the payment keys")?;
    match service::add_staff(db, &vault, email, role).await {
        Ok(token) => {
            let link = format!(
                "{}{}?token={token}",
                config.public_base_url.trim_end_matches('/'),
                app::paths::STAFF_ENROLL
            );
            println!("Staff member {email} added as {}. Give them this link (it works once, for 24 hours):", role.as_str());
            println!("{link}");
            Ok(())
        }
        Err(
            e @ (AddError::BadEmail
            | AddError::Add(app::auth::staff_data::AddStaffError::EmailTaken)),
        ) => {
            anyhow::bail!("{email}: {e}; nothing was changed")
        }
        Err(e) => Err(e).context("adding the staff member"),
    }
}

#[tracing::instrument(skip_all)]
async fn reset_staff(config: &Config, db: &Db, email: &str) -> anyhow::Result<()> {
    use app::backoffice::access::service::{self, AddError};
    let vault = Vault::from_config(config).context("reading the payment keys")?;
    match service::restart_enrollment(db, &vault, email).await {
        Ok(Some(token)) => {
            let base = config.public_base_url.trim_end_matches('/');
            println!(
                "{email} enrolls again: their codes and sessions have stopped working. \
                 Give them this link (it works once, for 24 hours):"
            );
            println!("{base}{}?token={token}", app::paths::STAFF_ENROLL);
            Ok(())
        }
        Ok(None) => {
            anyhow::bail!("{email}: no active staff member has this email; nothing was changed")
        }
        Err(AddError::BadEmail) => {
            anyhow::bail!("{email}: not an email address; nothing was changed")
        }
        Err(e) => Err(e).context("starting the enrollment over"),
    }
}

#[tracing::instrument(skip_all)]
async fn disable_staff(db: &Db, email: &str) -> anyhow::Result<()> {
    let done = app::backoffice::access::service::disable_staff(db, email)
        .await
        .context("disabling the staff member")?;
    if !done {
        anyhow::bail!("no staff member has the email {email}");
    }
    println!("{email} is disabled: their sessions have ended and they cannot sign in.");
    Ok(())
}

#[tracing::instrument(skip_all)]
async fn verify_audit(db: &Db) -> anyhow::Result<()> {
    use app::audit::data::{verify, ChainBreak};
    match verify(db).await.context("reading the audit log")? {
        Ok(rows) => {
            println!("The audit log is intact: {rows} rows, each chained to the one before.");
            Ok(())
        }
        Err(ChainBreak::Edited(id)) => {
            anyhow::bail!("audit log row {id} was changed after it was written")
        }
        Err(ChainBreak::Unlinked(id)) => anyhow::bail!(
            "audit log row {id} does not follow the row before it: a row before it was removed or inserted"
        ),
    }
}

#[tracing::instrument(skip_all, fields(file = %file.display()))]
async fn import_routing(db: &Db, file: &Path) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    match import::import_routing(db, &text).await {
        Ok((rows, changed)) => {
            println!("{}: {rows} institutions — {changed} added or changed.", file.display());
            Ok(())
        }
        Err(e) => refuse_import(file, &e),
    }
}

#[tracing::instrument(skip_all, fields(file = %file.display()))]
async fn import_accounts(config: &Config, db: &Db, file: &Path) -> anyhow::Result<()> {
    let reader = open(file)?;
    match import::import_accounts(db, &Letterhead::from_config(config), reader).await {
        Ok(report) => report_import(config, db, file, &report).await,
        Err(e) => refuse_import(file, &e),
    }
}

#[tracing::instrument(skip_all, fields(file = %file.display()))]
async fn import_bills(config: &Config, db: &Db, file: &Path) -> anyhow::Result<()> {
    let reader = open(file)?;
    match import::import_bills(db, reader).await {
        Ok(report) => report_import(config, db, file, &report).await,
        Err(e) => refuse_import(file, &e),
    }
}

#[tracing::instrument(skip_all, fields(manifest = %manifest.display()))]
async fn import_bill_documents(db: &Db, manifest: &Path) -> anyhow::Result<()> {
    let reader = open(manifest)?;
    let folder = manifest.parent().unwrap_or(Path::new("."));
    match import::import_bill_documents(db, reader, folder).await {
        Ok(report) => {
            println!(
                "{}: {} rows — {} PDFs added, {} replaced, {} unchanged.",
                manifest.display(),
                report.rows,
                report.inserted,
                report.updated,
                report.unchanged
            );
            Ok(())
        }
        Err(e) => refuse_import(manifest, &e),
    }
}

#[tracing::instrument(skip_all, fields(file = %file.display()))]
async fn import_ach_returns(config: &Config, db: &Db, file: &Path) -> anyhow::Result<()> {
    use app::payments::returns::{self, ReturnsContext, ReturnsError};
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let vault = Vault::from_config(config).context("reading the payment keys")?;
    let mailer = Mailer::from_config(config).context("setting up email")?;
    let ctx = ReturnsContext { db, vault: &vault, mailer: &mailer, config: &config.ach };
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    match returns::import(&ctx, &name, &bytes, today()).await {
        Ok(report) => {
            println!("{}: {}", file.display(), report.text());
            if report.applied.emails > 0 {
                let sent = mailer.deliver_pending(db).await.context("sending the emails")?;
                println!("Emails: {} sent, {} to retry.", sent.sent, sent.failed);
            }
            Ok(())
        }
        Err(e @ (ReturnsError::NotNacha(_) | ReturnsError::Unmatched(_))) => {
            eprintln!("{}: {e}. Nothing from this file was imported.", file.display());
            std::process::exit(1);
        }
        Err(e) => Err(e).context("importing the returns"),
    }
}

#[tracing::instrument(skip_all, fields(file = %file.display()))]
async fn import_reads(config: &Config, db: &Db, file: &Path) -> anyhow::Result<()> {
    let size =
        std::fs::metadata(file).with_context(|| format!("reading {}", file.display()))?.len();
    let bar = progress_bar(size);
    let mut progress = |pass: import::reads::Pass, bytes: u64| {
        let Some(bar) = &bar else { return };
        let message = match pass {
            import::reads::Pass::Checking => "checking",
            import::reads::Pass::Writing => "writing",
        };
        bar.set_message(message);
        bar.set_position(bytes);
    };
    let report = import::reads::import_reads(db, || std::fs::File::open(file), &mut progress).await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    match report {
        Ok(report) => {
            println!(
                "{}: {} reads — {} added or corrected, {} unchanged; {} accounts.",
                file.display(),
                report.rows,
                report.written,
                report.unchanged,
                report.accounts.len()
            );
            alert(config, db, &report.accounts).await
        }
        Err(e) => refuse_import(file, &e),
    }
}

/// The water-use alerts over the accounts an import touched, and their emails sent.
async fn alert(
    config: &Config,
    db: &Db,
    accounts: &std::collections::BTreeSet<app::domain::AccountId>,
) -> anyhow::Result<()> {
    use app::water::alerts::{after_import, AlertContext};
    let mailer = Mailer::from_config(config).context("setting up email")?;
    let texter = app::sms::Texter::from_config(config, db)
        .map_err(anyhow::Error::msg)
        .context("choosing the text sender")?;
    let ctx = AlertContext { db, mailer: &mailer, texter: &texter, rules: config.usage_alerts };
    let found = after_import(&ctx, accounts.iter().copied())
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))
        .context("looking for leaks")?;
    let sent = mailer.deliver_pending(db).await.context("sending the alert emails")?;
    let texted = texter.deliver_pending(db).await.context("sending the alert texts")?;
    println!(
        "Alerts: {} started, {} resolved; {} emails queued, {} sent, {} to retry; {} texts queued, {} sent, {} to retry.",
        found.started, found.resolved, found.emails, sent.sent, sent.failed, found.texts, texted.sent, texted.failed
    );
    Ok(())
}

/// A bar over a file's bytes, on a terminal only (a log or a pipe gets the summary alone).
fn progress_bar(bytes: u64) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(bytes);
    let style = indicatif::ProgressStyle::with_template(
        "{msg:>9} [{bar:40}] {bytes}/{total_bytes} ({eta})",
    )
    .map(|s| s.progress_chars("=> "));
    if let Ok(style) = style {
        bar.set_style(style);
    }
    Some(bar)
}

fn open(file: &Path) -> anyhow::Result<std::fs::File> {
    std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))
}

/// A file that failed to import left nothing behind: say why, and fail the command.
fn refuse_import(file: &Path, error: &import::ImportError) -> ! {
    eprintln!("{}: {error}. Nothing from this file was imported.", file.display());
    std::process::exit(1);
}

/// What an accounts or bills file changed, and the emails it set off: new bills of
/// accounts on email delivery are announced, once per bill.
async fn report_import(
    config: &Config,
    db: &Db,
    file: &Path,
    report: &import::ImportReport,
) -> anyhow::Result<()> {
    let mailer = Mailer::from_config(config).context("setting up email")?;
    let announced = app::email::paperless::announce_bills(db, &mailer, &report.new_bill_ids)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))
        .context("queueing bill emails")?;
    if report.changed_hands > 0 {
        println!(
            "{} accounts changed hands: what their former customers set up ended \
             ({} AutoPay enrollments, emailed to the former customer; paperless delivery; open links).",
            report.changed_hands, report.autopay_ended
        );
    }
    if announced > 0 || report.autopay_ended > 0 {
        let sent = mailer.deliver_pending(db).await.context("sending the emails")?;
        println!(
            "{announced} \"your bill is ready\" emails queued; {} sent, {} to retry.",
            sent.sent, sent.failed
        );
    }
    println!(
        "{}: {} rows — {} added, {} updated, {} unchanged.",
        file.display(),
        report.rows,
        report.inserted,
        report.updated,
        report.unchanged
    );
    Ok(())
}

/// Throttle counters whose window has ended decide nothing: they are deleted every hour.
async fn purge_throttles_hourly(db: Db) {
    let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every_hour.tick().await;
        if let Err(e) = app::platform::throttle::purge_expired(&db).await {
            tracing::warn!(error = %e, "purging ended throttle counters");
        }
    }
}

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

fn print_demo_accounts() {
    println!("Demo accounts (Customer Number-Account Number, ZIP Code):");
    for (number, zip, who) in demo::DEMO_LOGINS {
        println!("  {number}   {zip}   {who}");
    }
}

#[tracing::instrument(skip_all)]
async fn serve(config: Config, db: Db) -> anyhow::Result<()> {
    // Outside cargo-leptos (a deployed binary, the tests), these name the built site.
    if std::env::var_os("LEPTOS_OUTPUT_NAME").is_none() {
        // SAFETY: set before any other thread reads the environment.
        unsafe { std::env::set_var("LEPTOS_OUTPUT_NAME", "aqueduct") };
    }
    let mut leptos_options =
        get_configuration(None).context("reading the Leptos configuration")?.leptos_options;
    app::platform::assets::set_up(&mut leptos_options).context("reading the build's file names")?;
    let addr = leptos_options.site_addr;
    config.check_mode(addr).map_err(anyhow::Error::msg).context("checking the configuration")?;
    if config.demo_data {
        demo::load(&db, &Letterhead::from_config(&config), today())
            .await
            .context("loading the demo data")?;
        app::import::demo_reads::load(&db, today())
            .await
            .context("loading the demo meter reads")?;
    }
    let app = router(start_services(leptos_options, &config, db).await?);
    let listener =
        tokio::net::TcpListener::bind(&addr).await.with_context(|| format!("binding {addr}"))?;
    println!("Aqueduct is serving {} at http://{addr}", config.utility.name);
    if config.demo_data {
        print_demo_accounts();
    }
    axum::serve(
        server::listener(listener),
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

/// What every request reaches, with the work that runs beside the requests started: email
/// delivery, the hourly purges of expired sessions and throttle counters, and the daily
/// AutoPay run when one is configured.
async fn start_services(
    leptos_options: LeptosOptions,
    config: &Config,
    db: Db,
) -> anyhow::Result<AppState> {
    let vault = Vault::from_config(config).context("reading the payment keys")?;
    let mailer = Mailer::from_config(config).context("setting up email")?;
    if config.smtp.is_none() {
        println!(
            "No SMTP server is configured: emails go to the development outbox at /dev/outbox."
        );
    }
    tokio::spawn(mailer.clone().run(db.clone()));
    let texter = app::sms::Texter::from_config(config, &db)
        .map_err(anyhow::Error::msg)
        .context("choosing the text sender")?;
    tokio::spawn(texter.clone().run(db.clone()));
    let sessions = Sessions::open_pooled(&config.database_url, config.database_connections)
        .await
        .context("opening the session store")?;
    // Expired sessions are deleted hourly, in the background.
    tokio::spawn(tower_sessions::session_store::ExpiredDeletion::continuously_delete_expired(
        sessions.clone(),
        tokio::time::Duration::from_secs(3600),
    ));
    tokio::spawn(purge_throttles_hourly(db.clone()));
    let gateway = app::gateway::Gateway::from_config(config)
        .map_err(anyhow::Error::msg)
        .context("choosing the payment gateway")?;
    let validator = app::gateway::Validator::from_config(config)
        .map_err(anyhow::Error::msg)
        .context("choosing the bank account validator")?;
    if let Some(at) = &config.autopay.run_daily_at {
        let at = server::scheduler::parse_time_of_day(at).context("autopay.run_daily_at")?;
        tokio::spawn(server::scheduler::daily(
            db.clone(),
            mailer.clone(),
            vault.clone(),
            gateway.clone(),
            config.clone(),
            at,
        ));
        println!("AutoPay runs daily at {at} UTC.");
    }
    server::scheduler::start_daily_jobs(&db, &mailer, config)?;
    Ok(AppState {
        leptos_options,
        config: config.clone(),
        db,
        sessions,
        mailer,
        texter,
        vault,
        gateway,
        validator,
    })
}
