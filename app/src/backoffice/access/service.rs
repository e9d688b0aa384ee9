//! The staff's way in: adding a staff member (`server staff add`), their enrollment (a
//! password and an authenticator, proved with a first code; 10 recovery codes), signing
//! in with all three, and disabling (`server staff disable`). Every sign-in, failed or
//! not, is written to the audit log.

use super::Problem;
use crate::audit::{data as audit, AuditAction, NewAuditRow};
use crate::auth::staff_data::{self as data, AddStaffError, EnrollmentLink, StaffRow};
use crate::domain::email::Email;
use crate::domain::password::PasswordError;
use crate::domain::staff::{recovery_code_display, SecondFactor, SecondFactorError, StaffRole};
use crate::domain::{NewPassword, StaffId};
use crate::platform::db::{now, Db};
use crate::platform::passwords::{self, Verified};
use crate::platform::throttle::{self, Admission, Caller, Limit, Scope, MINUTE};
use crate::platform::vault::{StaffSecretBinding, Vault, VaultError};
use crate::platform::ServiceError;
use rand::RngCore;
use totp_rs::{Builder, Secret, Totp};

/// How long an enrollment link works.
pub const ENROLLMENT_LINK_SECS: i64 = 24 * 3600;
pub const RECOVERY_CODES: usize = 10;
/// Bytes of a TOTP secret (160 bits, as RFC 4226 recommends).
const SECRET_BYTES: usize = 20;

#[derive(Debug, thiserror::Error)]
pub enum AddError {
    #[error("not an email address")]
    BadEmail,
    #[error(transparent)]
    Add(#[from] AddStaffError),
}

/// Adds a staff member with a new TOTP secret; returns the enrollment link's token.
#[tracing::instrument(skip_all, fields(role = role.as_str()))]
pub async fn add_staff(
    db: &Db,
    vault: &Vault,
    email: &str,
    role: StaffRole,
) -> Result<String, AddError> {
    let email = Email::parse(email).map_err(|_| AddError::BadEmail)?;
    let base32 = new_secret();
    let id =
        data::insert(db, email.as_str(), role, |id| vault.seal(&base32, &StaffSecretBinding(id)))
            .await?;
    enrollment_link(db, id).await
}

/// A staff member who lost their authenticator enrolls again (`server staff reset`): a new
/// secret and a new one-time link; the old codes, recovery codes and sessions end at once.
/// `Ok(None)` when no active staff member has that email.
pub async fn restart_enrollment(
    db: &Db,
    vault: &Vault,
    email: &str,
) -> Result<Option<String>, AddError> {
    let email = Email::parse(email).map_err(|_| AddError::BadEmail)?;
    let base32 = new_secret();
    let seal = |id| vault.seal(&base32, &StaffSecretBinding(id));
    let restarted =
        data::restart_enrollment(db, email.as_str(), seal).await.map_err(AddStaffError::Db)?;
    match restarted {
        Some(id) => enrollment_link(db, id).await.map(Some),
        None => Ok(None),
    }
}

fn new_secret() -> String {
    let mut secret = [0u8; SECRET_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    Secret::from(secret.to_vec()).to_base32()
}

async fn enrollment_link(db: &Db, id: StaffId) -> Result<String, AddError> {
    let token = crate::platform::tokens::random_token();
    data::issue_enrollment(db, id, &token, ENROLLMENT_LINK_SECS)
        .await
        .map_err(AddStaffError::Db)?;
    Ok(token)
}

/// The authenticator's view of a staff member's secret. An issuer or account name with a
/// colon would not fit the `otpauth` URL, so colons become spaces.
fn totp(base32: &str, issuer: &str, email: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(base32).ok()?;
    Builder::new()
        .with_secret(secret)
        .with_issuer(Some(issuer.replace(':', " ")))
        .with_account_name(email.replace(':', " "))
        .build()
        .ok()
}

fn opened_totp(vault: &Vault, row: &StaffRow, issuer: &str) -> Result<Totp, VaultError> {
    let base32 = vault.open(&row.sealed_secret(), &StaffSecretBinding(row.id))?;
    totp(&base32, issuer, &row.email).ok_or(VaultError::Undecryptable)
}

/// What the enrollment page shows: the QR code (SVG) and the secret in text, groups of four.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enrollment {
    pub email: String,
    pub secret: String,
    pub qr_svg: String,
}

#[derive(Debug, thiserror::Error)]
pub enum EnrollError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error(transparent)]
    Vault(#[from] VaultError),
}

impl From<sqlx::Error> for EnrollError {
    fn from(e: sqlx::Error) -> Self {
        Self::Service(e.into())
    }
}

/// The staff member an enrollment link is for, or why it cannot be used.
async fn link_owner(db: &Db, token: &str) -> Result<Result<StaffRow, Problem>, sqlx::Error> {
    let id = match data::enrollment(db, token).await? {
        EnrollmentLink::Valid(id) => id,
        EnrollmentLink::Expired => return Ok(Err(Problem::LinkExpired)),
        EnrollmentLink::Used => return Ok(Err(Problem::LinkUsed)),
        EnrollmentLink::Unknown => return Ok(Err(Problem::LinkUnknown)),
    };
    Ok(data::by_id(db, id).await?.filter(|r| r.disabled_at.is_none()).ok_or(Problem::LinkUnknown))
}

pub async fn enrollment(
    db: &Db,
    vault: &Vault,
    issuer: &str,
    token: &str,
) -> Result<Result<Enrollment, Problem>, EnrollError> {
    let row = match link_owner(db, token).await? {
        Ok(row) => row,
        Err(problem) => return Ok(Err(problem)),
    };
    let totp = opened_totp(vault, &row, issuer)?;
    let url = totp.to_url().map_err(|_| VaultError::Undecryptable)?;
    let qr = qrcode::QrCode::new(url.as_bytes()).map_err(|_| VaultError::Undecryptable)?;
    let qr_svg = qr.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).build();
    let secret = totp.secret().to_base32();
    Ok(Ok(Enrollment { email: row.email, secret: grouped(&secret), qr_svg }))
}

fn grouped(text: &str) -> String {
    text.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c)).collect::<Vec<_>>().join(" ")
}

fn password_problem(e: PasswordError) -> Problem {
    match e {
        PasswordError::TooShort => Problem::PasswordTooShort,
        PasswordError::TooLong => Problem::PasswordTooLong,
        PasswordError::Common => Problem::PasswordCommon,
        PasswordError::ContainsEmailName => Problem::PasswordContainsEmail,
        PasswordError::Mismatch => Problem::PasswordMismatch,
    }
}

fn factor_problem(e: SecondFactorError) -> Problem {
    match e {
        SecondFactorError::Empty => Problem::CodeEmpty,
        SecondFactorError::Shape => Problem::CodeShape,
    }
}

/// The typed fields of the enrollment form.
pub struct EnrollForm<'a> {
    pub token: &'a str,
    pub password: &'a str,
    pub password_confirm: &'a str,
    pub code: &'a str,
}

/// Completes an enrollment: the password by the customers' rules, and a current code of
/// the authenticator (which proves it was set up). Returns the recovery codes, shown once.
#[tracing::instrument(skip_all)]
pub async fn enroll(
    db: &Db,
    vault: &Vault,
    issuer: &str,
    address: &str,
    form: EnrollForm<'_>,
) -> Result<Result<Vec<String>, Vec<Problem>>, EnrollError> {
    let row = match link_owner(db, form.token).await? {
        Ok(row) => row,
        Err(problem) => return Ok(Err(vec![problem])),
    };
    let local = row.email.split('@').next().unwrap_or_default();
    let password =
        NewPassword::parse(form.password, form.password_confirm, local, passwords::is_common)
            .map_err(password_problem);
    let step = match SecondFactor::parse(form.code) {
        Ok(SecondFactor::Code(code)) => opened_totp(vault, &row, issuer)?
            .check(&code, now() as u64)
            .map(|s| s as i64)
            .ok_or(Problem::CodeWrong),
        Ok(SecondFactor::Recovery(_)) => Err(Problem::CodeShape),
        Err(e) => Err(factor_problem(e)),
    };
    let (password, step) = match (password, step) {
        (Ok(p), Ok(s)) => (p, s),
        (p, s) => return Ok(Err([p.err(), s.err()].into_iter().flatten().collect())),
    };
    let hash = passwords::hash(&password).await.map_err(ServiceError::from)?;
    let codes = new_recovery_codes();
    if !data::complete_enrollment(db, form.token, row.id, hash.as_stored(), step, &codes).await? {
        return Ok(Err(vec![Problem::LinkUsed]));
    }
    let entry = NewAuditRow {
        staff: Some(row.id),
        actor: &row.email,
        action: AuditAction::Enrolled,
        address,
        customer: None,
        reason: None,
        details: "{}".into(),
    };
    audit::append(db, &entry).await?;
    Ok(Ok(codes.iter().map(|c| recovery_code_display(c)).collect()))
}

fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 10];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            // 10 bytes are 80 bits: exactly 16 base32 characters, no padding.
            Secret::from(bytes.to_vec()).to_base32()
        })
        .collect()
}

/// Re-encrypts every TOTP secret under the current payment key (key rotation); returns
/// how many were.
pub async fn rotate_key(db: &Db, vault: &Vault) -> Result<usize, EnrollError> {
    let mut done = 0;
    for (id, sealed) in data::sealed_secrets(db).await? {
        if let Some(resealed) = vault.reseal(&sealed, &StaffSecretBinding(id))? {
            data::replace_secret(db, id, &resealed).await?;
            done += 1;
        }
    }
    Ok(done)
}

/// A staff member signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedInStaff {
    pub id: StaffId,
    pub epoch: i64,
}

/// The typed fields of the sign-in form.
pub struct SignInForm<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub code: &'a str,
}

/// Checks email, password and second factor together, counted like customers' sign-ins
/// (per email and per client address, before the password is checked) and answered the
/// same whichever of the three was wrong. A code is accepted once (its time step is kept);
/// a recovery code is used up.
#[tracing::instrument(skip_all)]
pub async fn sign_in(
    db: &Db,
    vault: &Vault,
    caller: &Caller<'_>,
    issuer: &str,
    form: SignInForm<'_>,
) -> Result<Result<SignedInStaff, Problem>, EnrollError> {
    let factor = match SecondFactor::parse(form.code) {
        Ok(f) => f,
        Err(e) => return Ok(Err(factor_problem(e))),
    };
    let (limits, client) = (caller.limits, caller.client);
    let key: String = form.email.trim().to_lowercase().chars().take(254).collect();
    let per_email = Limit { max: limits.sign_in_failures_per_email, window_secs: 15 * MINUTE };
    let per_address = Limit { max: limits.sign_in_failures_per_address, window_secs: 15 * MINUTE };
    if let Admission::Blocked { minutes } =
        throttle::attempt(db, Scope::StaffSignInByAddress, client, per_address).await?
    {
        return Ok(Err(Problem::TryLater(minutes)));
    }
    let (nth, window_minutes) =
        match throttle::attempt(db, Scope::StaffSignIn, &key, per_email).await? {
            Admission::Blocked { minutes } => return Ok(Err(Problem::Locked(minutes))),
            Admission::Allowed { nth, minutes } => (nth, minutes),
        };
    let row = data::by_email(db, &key).await?.filter(|r| r.enrolled_at.is_some());
    let stored = row.as_ref().and_then(|r| r.password_hash.clone());
    let verified = passwords::verify_within(
        limits.password_checks_waiting,
        form.password,
        stored.map(passwords::PasswordHashString::from_stored),
    )
    .await;
    let password_ok = match verified {
        Ok(v) => matches!(v, Verified::Yes | Verified::YesRehash),
        Err(busy) => {
            throttle::refund(db, Scope::StaffSignIn, &key).await?;
            throttle::refund(db, Scope::StaffSignInByAddress, client).await?;
            return Err(ServiceError::from(busy).into());
        }
    };
    let member = match row.filter(|r| password_ok && r.disabled_at.is_none()) {
        Some(r) if second_factor_ok(db, vault, issuer, &r, &factor).await? => r,
        other => {
            let staff = other.map(|r| r.id);
            record_sign_in(db, staff, &key, AuditAction::SignInFailed, client).await?;
            return Ok(Err(if nth >= per_email.max {
                Problem::Locked(window_minutes)
            } else {
                Problem::SignInFailed
            }));
        }
    };
    throttle::clear(db, Scope::StaffSignIn, &key).await?;
    throttle::refund(db, Scope::StaffSignInByAddress, client).await?;
    data::signed_in(db, member.id).await?;
    record_sign_in(db, Some(member.id), &key, AuditAction::SignIn, client).await?;
    Ok(Ok(SignedInStaff { id: member.id, epoch: member.epoch }))
}

async fn second_factor_ok(
    db: &Db,
    vault: &Vault,
    issuer: &str,
    row: &StaffRow,
    factor: &SecondFactor,
) -> Result<bool, EnrollError> {
    Ok(match factor {
        SecondFactor::Code(code) => {
            match opened_totp(vault, row, issuer)?.check(code, now() as u64) {
                Some(step) => data::accept_step(db, row.id, step as i64).await?,
                None => false,
            }
        }
        SecondFactor::Recovery(code) => data::use_recovery_code(db, row.id, code).await?,
    })
}

async fn record_sign_in(
    db: &Db,
    staff: Option<StaffId>,
    actor: &str,
    action: AuditAction,
    address: &str,
) -> Result<(), sqlx::Error> {
    let entry = NewAuditRow {
        staff,
        actor,
        action,
        address,
        customer: None,
        reason: None,
        details: "{}".into(),
    };
    audit::append(db, &entry).await.map(|_| ())
}

/// Disables a staff member: their sessions end at their next request, and they cannot
/// sign in again. False when no staff member has this email.
pub async fn disable_staff(db: &Db, email: &str) -> Result<bool, sqlx::Error> {
    data::disable(db, &email.trim().to_lowercase()).await
}
