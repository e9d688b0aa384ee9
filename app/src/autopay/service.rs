//! AutoPay enrollment as plain functions over the database and the mailer.

use super::data::{self, Enrolled, NewEnrollment};
use super::{texts, AccountAutopay, AutopayProblem, Confirmation, CurrentEnrollment, Review};
use crate::domain::autopay::{AutopayRule, RuleForm};
use crate::domain::{AccountId, CustomerId, MethodId};
use crate::email::{Lang, Mailer};
use crate::platform::{Config, Db};

pub use crate::platform::ServiceError;

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

fn label(lang: Lang, m: &data::MethodRow) -> String {
    let expiry = m.exp_month.zip(m.exp_year);
    crate::payments::method_label(
        lang,
        &m.kind,
        m.bank_account_type.as_deref(),
        m.card_brand.as_deref(),
        &m.last4,
        expiry,
    )
}

/// Each account of the customer with its AutoPay, as Bill Settings shows it.
#[tracing::instrument(skip_all, fields(customer_id = %customer_id))]
pub async fn accounts(
    db: &Db,
    customer_id: CustomerId,
    lang: Lang,
) -> Result<Vec<AccountAutopay>, ServiceError> {
    let mut out = Vec::new();
    for a in data::accounts(db, customer_id).await? {
        let current = match data::active_enrollment(db, customer_id, a.account_id).await? {
            Some(e) => Some(current(db, customer_id, lang, &e).await?),
            None => None,
        };
        out.push(AccountAutopay { account_id: a.account_id, number: a.number, current });
    }
    Ok(out)
}

async fn current(
    db: &Db,
    customer_id: CustomerId,
    lang: Lang,
    e: &data::EnrollmentRow,
) -> Result<CurrentEnrollment, ServiceError> {
    let rule = AutopayRule::from_columns(
        &e.amount_rule,
        e.fixed_amount_cents,
        e.days_before_due,
        e.max_amount_cents,
    );
    // A method removed since (only possible through a replacement) reads as removed.
    let method = match data::method(db, customer_id, e.payment_method_id).await? {
        Some(m) => label(lang, &m),
        None => match lang {
            Lang::En => "Removed payment method".into(),
            Lang::Es => "Método de pago eliminado".into(),
        },
    };
    Ok(CurrentEnrollment {
        reference: e.reference.clone(),
        method_id: e.payment_method_id,
        method,
        rule: rule.to_form(),
        rule_summary: texts::rule_summary(lang, &rule),
        suspended_code: e.suspended_code.clone(),
    })
}

/// What the customer asked for, checked: the account and method are theirs, the rule parses.
pub struct Checked {
    pub account: data::AccountRow,
    pub method: data::MethodRow,
    pub rule: AutopayRule,
}

#[tracing::instrument(skip_all, fields(customer_id = %customer_id, account_id = %account_id))]
pub async fn check(
    db: &Db,
    customer_id: CustomerId,
    account_id: AccountId,
    method_id: Option<MethodId>,
    form: &RuleForm,
) -> Result<Result<Checked, Vec<AutopayProblem>>, ServiceError> {
    let Some(account) = data::account(db, customer_id, account_id).await? else {
        return Ok(Err(vec![AutopayProblem::NotFound]));
    };
    let mut problems = Vec::new();
    let method = match method_id {
        Some(id) => data::method(db, customer_id, id).await?,
        None => None,
    };
    // A bank account the bank returned drafts nothing: never chosen for AutoPay.
    let method = match method {
        Some(m) if m.unusable_code.is_some() => {
            problems.push(AutopayProblem::MethodUnusable);
            None
        }
        Some(m) => Some(m),
        None => {
            problems.push(AutopayProblem::MethodMissing);
            None
        }
    };
    let rule = match AutopayRule::parse(form) {
        Ok(rule) => Some(rule),
        Err(rule_problems) => {
            problems.extend(rule_problems.into_iter().map(AutopayProblem::Rule));
            None
        }
    };
    match (method, rule) {
        (Some(method), Some(rule)) if problems.is_empty() => {
            Ok(Ok(Checked { account, method, rule }))
        }
        _ => Ok(Err(problems)),
    }
}

/// The authorization the customer reads on the review and agrees to with Create.
fn authorization(config: &Config, lang: Lang, c: &Checked, method: &str) -> String {
    texts::authorization(
        lang,
        &config.utility.name,
        &config.utility.phone,
        &c.account.number,
        method,
        &c.rule,
    )
}

/// The review page: every fact and the authorization, with a fresh key that makes the
/// Create button count once however often it is pressed.
#[tracing::instrument(skip_all, fields(account_id = %c.account.account_id, method_id = %c.method.id))]
pub async fn review(
    db: &Db,
    config: &Config,
    lang: Lang,
    c: &Checked,
    changing: bool,
) -> Result<Review, ServiceError> {
    let method = label(lang, &c.method);
    let first_bill = data::first_open_bill(db, c.account.account_id, today()).await?;
    Ok(Review {
        account_id: c.account.account_id,
        number: c.account.number.clone(),
        method_id: c.method.id,
        method: method.clone(),
        rule: c.rule.to_form(),
        rule_summary: texts::rule_summary(lang, &c.rule),
        first_bill: first_bill.map(|b| (b.due_date, b.balance_cents)),
        authorization: authorization(config, lang, c, &method),
        idempotency_key: crate::platform::tokens::random_token(),
        changing,
    })
}

fn new_reference() -> String {
    use rand::Rng;
    // Easy to read aloud on the phone: no 0/O or 1/I.
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    let code: String =
        (0..10).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect();
    format!("AP-{code}")
}

/// A checked form to enroll with, as the customer sent it.
pub struct Enrollment<'a> {
    pub customer_id: CustomerId,
    pub lang: Lang,
    pub checked: &'a Checked,
    /// The review page's key: the Create button counts once.
    pub idempotency_key: &'a str,
    /// A change replaces the account's active enrollment.
    pub changing: bool,
}

/// Enrolls, or changes an enrollment (a change is a new authorization replacing the old).
/// Returns the reference to confirm: the new one, or the one a double submit already made.
#[tracing::instrument(skip_all, fields(
    customer_id = %e.customer_id,
    account_id = %e.checked.account.account_id,
    method_id = %e.checked.method.id,
    changing = e.changing,
))]
pub async fn enroll(
    db: &Db,
    mailer: &Mailer,
    config: &Config,
    e: Enrollment<'_>,
) -> Result<String, ServiceError> {
    let Enrollment { customer_id, lang, checked: c, idempotency_key, changing } = e;
    let method = label(lang, &c.method);
    let authorization = authorization(config, lang, c, &method);
    let reference = new_reference();
    let contact = crate::auth::data::login_of_customer(db, customer_id).await?;
    let email = contact.map(|login| {
        let facts = texts::EnrollmentFacts {
            account: &c.account.number,
            reference: &reference,
            method: &method,
            rule: &texts::rule_summary(lang, &c.rule),
            authorization: &authorization,
        };
        texts::enrolled(mailer.letterhead(), lang, &login.email, &facts, changing)
    });
    let key = idempotency_key.trim();
    // Without a key (a hand-made request) the request still enrolls once: the
    // one-active-enrollment rule stops a second.
    let key = if key.is_empty() || key.len() > 100 {
        crate::platform::tokens::random_token()
    } else {
        key.to_string()
    };
    let enrolled = data::enroll(
        db,
        NewEnrollment {
            account_id: c.account.account_id,
            method_id: c.method.id,
            rule: &c.rule,
            authorization_text: &authorization,
            channel: "WEB",
            reference: &reference,
            idempotency_key: &key,
            replaces_active: changing,
        },
        email.as_ref(),
    )
    .await?;
    mailer.wake();
    Ok(match enrolled {
        Enrolled::New(r) | Enrolled::Existing(r) => r,
    })
}

#[tracing::instrument(skip_all, fields(customer_id = %customer_id))]
pub async fn confirmation(
    db: &Db,
    customer_id: CustomerId,
    lang: Lang,
    reference: &str,
) -> Result<Option<Confirmation>, ServiceError> {
    let Some(e) = data::enrollment_by_reference(db, customer_id, reference.trim()).await? else {
        return Ok(None);
    };
    let current = current(db, customer_id, lang, &e).await?;
    let first_bill = data::first_open_bill(db, e.account_id, today()).await?;
    let created = time::OffsetDateTime::from_unix_timestamp(e.created_at)
        .map(|t| t.date())
        .unwrap_or(time::Date::MIN);
    Ok(Some(Confirmation {
        reference: e.reference,
        number: e.number,
        method: current.method,
        rule_summary: current.rule_summary,
        authorization: e.authorization_text,
        first_bill: first_bill.map(|b| (b.due_date, b.balance_cents)),
        enrolled_on: created,
        active: e.active == 1,
    }))
}

/// Cancels the account's AutoPay (`payments::enrollments`, which the utility's staff use
/// too): the customer is emailed that it ended.
#[tracing::instrument(skip_all, fields(customer_id = %customer_id, account_id = %account_id))]
pub async fn cancel(
    db: &Db,
    mailer: &Mailer,
    customer_id: CustomerId,
    account_id: AccountId,
) -> Result<Result<(), AutopayProblem>, ServiceError> {
    use crate::payments::enrollments::{self, Cancelled};
    Ok(match enrollments::cancel(db, mailer, customer_id, account_id).await? {
        Cancelled::Done { .. } => Ok(()),
        Cancelled::NotFound => Err(AutopayProblem::NotFound),
        Cancelled::NotEnrolled => Err(AutopayProblem::NotEnrolled),
    })
}
