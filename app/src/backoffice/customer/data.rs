//! SQL of the customer's page in the back office. What a shared home already reads is read
//! there: the accounts a customer owns and the login (`auth::data`), the saved methods and
//! the payments (`payments::data`), the sign-in throttle (`platform::throttle`), the emails
//! (`email::data`). Every query names the customer, or an account of theirs.

use super::{
    AccountFile, AutopayState, BillLine, CustomerFile, Delivery, EmailLine, EmailState, LoginState,
    MethodFacts, NextDraft, PaymentLine, PendingVerification, BILLS_SHOWN, EMAILS_SHOWN,
    PAYMENTS_SHOWN,
};
use crate::domain::autopay::{calendar, AutopayRule, Draft};
use crate::domain::payment::{reference, PaymentState};
use crate::domain::{AccountId, BillId, Cents, CustomerId};
use crate::email::data::{EmailSummary, MAX_ATTEMPTS};
use crate::payments::data::history::{self, HistoryFilter, HistoryRow};
use crate::payments::{brand_name, MethodKind};
use crate::platform::config::LimitsConfig;
use crate::platform::db::{now, parse_date, Db, IsoDate};
use crate::platform::throttle::{self, Scope};
use time::Date;

/// The whole page; `None` when there is no such customer.
pub async fn customer_file(
    db: &Db,
    customer: CustomerId,
    limits: &LimitsConfig,
    today: Date,
) -> Result<Option<CustomerFile>, sqlx::Error> {
    let head: Option<(String, String, Option<String>)> =
        sqlx::query_as("SELECT customer_number, name, phone FROM customers WHERE id = $1")
            .bind(customer)
            .fetch_optional(&db.pool)
            .await?;
    let Some((customer_number, name, phone)) = head else { return Ok(None) };
    // Stored as ten digits; shown as people write it.
    let phone = phone.and_then(|p| crate::domain::Phone::parse(&p).ok()).map(|p| p.to_string());
    let mut accounts = Vec::new();
    for row in crate::auth::data::owned_accounts::<AccountRow>(db, customer, ACCOUNT).await? {
        accounts.push(account_file(db, row, today).await?);
    }
    let rows = history::payments(db, customer, HistoryFilter::default()).await?;
    let more_payments = rows.len() > PAYMENTS_SHOWN;
    let payments =
        rows.iter().take(PAYMENTS_SHOWN).map(payment_line).collect::<Result<Vec<_>, _>>()?;
    Ok(Some(CustomerFile {
        customer_id: customer,
        customer_number,
        name,
        phone,
        login: login_state(db, customer, limits).await?,
        accounts,
        methods: crate::payments::data::saved::methods(db, customer).await?,
        payments,
        more_payments,
        emails: emails(db, customer).await?,
    }))
}

/// The login, with what the sign-in throttle says of it now.
async fn login_state(
    db: &Db,
    customer: CustomerId,
    limits: &LimitsConfig,
) -> Result<Option<LoginState>, sqlx::Error> {
    let Some(login) = crate::auth::data::login_facts(db, customer).await? else {
        return Ok(None);
    };
    // Sign-in counts failures under the address as typed, trimmed and lower-cased: as stored.
    let counter = throttle::counter(db, Scope::SignIn, &login.email).await?;
    let at = now();
    Ok(Some(LoginState {
        failed_sign_ins: counter.map_or(0, |c| c.current_hits(at)),
        locked_until: counter.and_then(|c| c.blocked_until(limits.sign_in_failures_per_email, at)),
        email: login.email,
        locale: login.locale,
        registered_at: login.created_at,
        last_sign_in_at: login.last_sign_in_at,
    }))
}

/// The columns an account adds to `owned_accounts`' id and number.
const ACCOUNT: &str = ", a.service_address, a.service_city, a.service_state, a.service_zip, \
     a.mailing_address, a.mailing_city, a.mailing_state, a.mailing_zip, a.delivery_email";

#[derive(sqlx::FromRow)]
struct AccountRow {
    account_id: AccountId,
    number: String,
    service_address: String,
    service_city: String,
    service_state: String,
    service_zip: String,
    mailing_address: String,
    mailing_city: String,
    mailing_state: String,
    mailing_zip: String,
    delivery_email: Option<String>,
}

#[derive(sqlx::FromRow)]
struct BillRow {
    id: BillId,
    #[sqlx(try_from = "IsoDate")]
    bill_date: Date,
    #[sqlx(try_from = "IsoDate")]
    due_date: Date,
    amount_cents: Cents,
    balance_cents: Cents,
}

async fn account_file(db: &Db, a: AccountRow, today: Date) -> Result<AccountFile, sqlx::Error> {
    let bills: Vec<BillRow> = sqlx::query_as(
        "SELECT id, bill_date, due_date, amount_cents, balance_cents FROM bills \
         WHERE account_id = $1 ORDER BY bill_date DESC LIMIT $2",
    )
    .bind(a.account_id)
    .bind(BILLS_SHOWN)
    .fetch_all(&db.pool)
    .await?;
    let newest = bills.first();
    let (balance, due_date) =
        (newest.map_or(Cents(0), |b| b.balance_cents), newest.map(|b| b.due_date));
    Ok(AccountFile {
        account_id: a.account_id,
        balance,
        due_date,
        bills: bills
            .into_iter()
            .map(|b| BillLine {
                bill_id: b.id,
                bill_date: b.bill_date,
                due_date: b.due_date,
                amount: b.amount_cents,
                balance: b.balance_cents,
            })
            .collect(),
        delivery: Delivery { email: a.delivery_email, pending: pending(db, a.account_id).await? },
        autopay: autopay(db, a.account_id, today).await?,
        service_address: format!(
            "{}, {}, {} {}",
            a.service_address, a.service_city, a.service_state, a.service_zip
        ),
        mailing_address: format!(
            "{}, {}, {} {}",
            a.mailing_address, a.mailing_city, a.mailing_state, a.mailing_zip
        ),
        number: a.number,
    })
}

/// The address waiting for verification on the account, while its link still works.
async fn pending(db: &Db, account: AccountId) -> Result<Option<PendingVerification>, sqlx::Error> {
    let row: Option<(String, i64)> = sqlx::query_as(
        "SELECT email, expires_at FROM one_time_tokens WHERE purpose = 'delivery-email' \
         AND account_id = $1 AND email IS NOT NULL AND used_at IS NULL AND expires_at >= $2 \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(account)
    .bind(now())
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(email, expires_at)| PendingVerification { email, expires_at }))
}

#[derive(sqlx::FromRow)]
struct EnrollmentRow {
    reference: String,
    created_at: i64,
    amount_rule: String,
    fixed_amount_cents: Option<i64>,
    days_before_due: i64,
    max_amount_cents: Option<i64>,
    suspended_code: Option<String>,
    kind: String,
    bank_account_type: Option<String>,
    card_brand: Option<String>,
    last4: String,
}

async fn autopay(
    db: &Db,
    account: AccountId,
    today: Date,
) -> Result<Option<AutopayState>, sqlx::Error> {
    let row: Option<EnrollmentRow> = sqlx::query_as(
        "SELECT e.reference, e.created_at, e.amount_rule, e.fixed_amount_cents, e.days_before_due, \
         e.max_amount_cents, e.suspended_code, m.kind, m.bank_account_type, m.card_brand, m.last4 \
         FROM autopay_enrollments e JOIN payment_methods m ON m.id = e.payment_method_id \
         WHERE e.account_id = $1 AND e.active = 1",
    )
    .bind(account)
    .fetch_optional(&db.pool)
    .await?;
    let Some(e) = row else { return Ok(None) };
    let rule = AutopayRule::from_columns(
        &e.amount_rule,
        e.fixed_amount_cents,
        e.days_before_due,
        e.max_amount_cents,
    );
    let next_draft = match e.suspended_code {
        Some(_) => None,
        None => next_draft(db, account, &rule, today).await?,
    };
    Ok(Some(AutopayState {
        reference: e.reference,
        since: e.created_at,
        method: method_facts(&e.kind, e.bank_account_type, e.card_brand.as_deref(), e.last4),
        rule,
        suspended_code: e.suspended_code,
        next_draft,
    }))
}

#[derive(sqlx::FromRow)]
struct OpenBill {
    #[sqlx(try_from = "IsoDate")]
    due_date: Date,
    balance_cents: Cents,
}

/// The payment a run created and has not sent yet; else what the next run will do with the
/// oldest bill still owing, not past due and not yet drafted (as AutoPay's run decides).
async fn next_draft(
    db: &Db,
    account: AccountId,
    rule: &AutopayRule,
    today: Date,
) -> Result<Option<NextDraft>, sqlx::Error> {
    let created: Option<(String, Cents)> = sqlx::query_as(
        "SELECT draft_date, amount_cents FROM payments WHERE account_id = $1 \
         AND channel = 'autopay' AND status = 'pending' ORDER BY draft_date, id LIMIT 1",
    )
    .bind(account)
    .fetch_optional(&db.pool)
    .await?;
    if let Some((date, amount)) = created {
        return Ok(Some(NextDraft::Pending { date: parse_date(&date)?, amount }));
    }
    let open: Option<OpenBill> = sqlx::query_as(
        "SELECT b.due_date, b.balance_cents FROM bills b WHERE b.account_id = $1 \
         AND b.balance_cents > 0 AND b.due_date >= $2 AND NOT EXISTS \
         (SELECT 1 FROM payments p WHERE p.bill_id = b.id AND p.channel = 'autopay') \
         ORDER BY b.due_date LIMIT 1",
    )
    .bind(account)
    .bind(calendar::iso(today))
    .fetch_optional(&db.pool)
    .await?;
    let Some(bill) = open else { return Ok(None) };
    let date = calendar::draft_date(rule, bill.due_date);
    Ok(match rule.decide(bill.balance_cents) {
        Draft::Pay(amount) => Some(NextDraft::Planned { date, amount }),
        Draft::OverMaximum { amount, maximum } => {
            Some(NextDraft::OverMaximum { date, amount, maximum })
        }
        Draft::NothingDue => None,
    })
}

/// A method's masked facts from its columns (the schema allows only the four kinds;
/// anything else reads as a card, as `payments::method_label` reads it).
fn method_facts(
    kind: &str,
    bank_account_type: Option<String>,
    card_brand: Option<&str>,
    last4: String,
) -> MethodFacts {
    let kind = MethodKind::parse(kind).unwrap_or(MethodKind::Credit);
    let brand = brand_name(kind, card_brand).map(str::to_string);
    MethodFacts { kind, bank_account_type, brand, last4 }
}

fn payment_line(r: &HistoryRow) -> Result<PaymentLine, sqlx::Error> {
    Ok(PaymentLine {
        id: r.payment_id,
        reference: reference(r.payment_id.0),
        number: r.number.clone(),
        date: parse_date(&r.date)?,
        amount: r.amount_cents,
        fee: r.fee_cents,
        method: method_facts(
            &r.kind,
            r.bank_account_type.clone(),
            r.card_brand.as_deref(),
            r.last4.clone(),
        ),
        state: PaymentState::from_status(&r.status),
        status: r.status.clone(),
        channel: r.channel.clone(),
        return_code: r.return_code.clone(),
        failure_reason: r.failure_reason.clone(),
        retry_of: r.retry_of.map(|id| reference(id.0)),
    })
}

/// The emails sent to any address of the customer's: their login's, their accounts' bill
/// addresses, every address they asked to verify, every receipt address they typed. The
/// outbox names an address, not a customer, so an address two customers share shows its
/// emails on both pages.
async fn emails(db: &Db, customer: CustomerId) -> Result<Vec<EmailLine>, sqlx::Error> {
    let addresses: Vec<(String,)> = sqlx::query_as(
        "SELECT email FROM logins WHERE customer_id = $1 \
         UNION SELECT delivery_email FROM accounts WHERE customer_id = $1 AND delivery_email IS NOT NULL \
         UNION SELECT t.email FROM one_time_tokens t JOIN logins l ON l.id = t.login_id \
         WHERE l.customer_id = $1 AND t.email IS NOT NULL \
         UNION SELECT receipt_email FROM payment_submissions WHERE customer_id = $1 \
         AND receipt_email IS NOT NULL",
    )
    .bind(customer)
    .fetch_all(&db.pool)
    .await?;
    let addresses: Vec<String> = addresses.into_iter().map(|(a,)| a).collect();
    let marker = crate::email::SECRET_REMOVED;
    let sent = crate::email::data::sent_to(db, &addresses, marker, EMAILS_SHOWN).await?;
    Ok(sent.into_iter().map(email_line).collect())
}

fn email_line(e: EmailSummary) -> EmailLine {
    let state = match (e.sent_at, e.last_error) {
        (Some(at), _) => EmailState::Sent { at },
        (None, Some(reason)) if e.attempts >= MAX_ATTEMPTS => EmailState::Failed { reason },
        (None, Some(reason)) => EmailState::Retrying { attempts: e.attempts, reason },
        (None, None) => EmailState::Waiting,
    };
    EmailLine {
        id: e.id,
        to: e.to_address,
        kind: e.kind,
        subject: e.subject,
        created_at: e.created_at,
        state,
    }
}
