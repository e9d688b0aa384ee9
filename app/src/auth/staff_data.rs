//! SQL about the utility's staff: who they are, their enrollment links, second factor and
//! recovery codes, and what a staff session is checked against.

use crate::domain::staff::StaffRole;
use crate::domain::StaffId;
use crate::platform::db::{now, Db};
use crate::platform::tokens::digest;
use crate::platform::vault::Sealed;

/// A staff member as the sign-in and the session need them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffRow {
    pub id: StaffId,
    pub email: String,
    pub role: String,
    pub password_hash: Option<String>,
    pub totp_ciphertext: Vec<u8>,
    pub totp_key_id: String,
    pub enrolled_at: Option<i64>,
    pub disabled_at: Option<i64>,
    pub epoch: i64,
}

impl StaffRow {
    pub fn role(&self) -> StaffRole {
        // The column's CHECK allows only the two names.
        StaffRole::parse(&self.role).unwrap_or(StaffRole::Agent)
    }

    pub fn sealed_secret(&self) -> Sealed {
        Sealed::stored(&self.totp_key_id, &self.totp_ciphertext, 1)
    }
}

const STAFF: &str =
    "SELECT id, email, role, password_hash, totp_ciphertext, totp_key_id, enrolled_at, \
     disabled_at, epoch FROM staff";

pub async fn by_email(db: &Db, email: &str) -> Result<Option<StaffRow>, sqlx::Error> {
    sqlx::query_as(&format!("{STAFF} WHERE email = $1")).bind(email).fetch_optional(&db.pool).await
}

pub async fn by_id(db: &Db, id: StaffId) -> Result<Option<StaffRow>, sqlx::Error> {
    sqlx::query_as(&format!("{STAFF} WHERE id = $1")).bind(id).fetch_optional(&db.pool).await
}

/// Why a new staff member could not be added.
#[derive(Debug, thiserror::Error)]
pub enum AddStaffError {
    #[error("a staff member with this email exists already")]
    EmailTaken,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Adds a staff member with the TOTP secret they will enroll, sealed; `seal` seals it bound
/// to the new row. Returns the id.
pub async fn insert(
    db: &Db,
    email: &str,
    role: StaffRole,
    seal: impl FnOnce(StaffId) -> Sealed,
) -> Result<StaffId, AddStaffError> {
    let at = now();
    let mut tx = db.pool.begin().await?;
    let inserted: Option<(StaffId,)> = sqlx::query_as(
        "INSERT INTO staff (email, role, totp_ciphertext, totp_key_id, created_at, updated_at) \
         VALUES ($1, $2, $3, '', $4, $4) ON CONFLICT (email) DO NOTHING RETURNING id",
    )
    .bind(email)
    .bind(role.as_str())
    .bind(Vec::<u8>::new())
    .bind(at)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((id,)) = inserted else { return Err(AddStaffError::EmailTaken) };
    let sealed = seal(id);
    sqlx::query("UPDATE staff SET totp_ciphertext = $1, totp_key_id = $2 WHERE id = $3")
        .bind(&sealed.bytes)
        .bind(&sealed.key_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// A new enrollment link for a staff member who has not enrolled; earlier ones stop working.
pub async fn issue_enrollment(
    db: &Db,
    staff: StaffId,
    token: &str,
    valid_secs: i64,
) -> Result<(), sqlx::Error> {
    let at = now();
    let mut tx = db.pool.begin().await?;
    sqlx::query(
        "UPDATE staff_enrollments SET used_at = $1 WHERE staff_id = $2 AND used_at IS NULL",
    )
    .bind(at)
    .bind(staff)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO staff_enrollments (staff_id, token_hash, expires_at, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(staff)
    .bind(digest(token))
    .bind(at + valid_secs)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// An enrollment link as found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnrollmentLink {
    Valid(StaffId),
    Expired,
    Used,
    Unknown,
}

pub async fn enrollment(db: &Db, token: &str) -> Result<EnrollmentLink, sqlx::Error> {
    let row: Option<(StaffId, i64, Option<i64>)> = sqlx::query_as(
        "SELECT staff_id, expires_at, used_at FROM staff_enrollments WHERE token_hash = $1",
    )
    .bind(digest(token))
    .fetch_optional(&db.pool)
    .await?;
    Ok(match row {
        None => EnrollmentLink::Unknown,
        Some((_, _, Some(_))) => EnrollmentLink::Used,
        Some((_, expires, None)) if expires < now() => EnrollmentLink::Expired,
        Some((id, _, None)) => EnrollmentLink::Valid(id),
    })
}

/// Completes an enrollment in one transaction: the link used up (false, nothing done, when
/// another request used it first), the password and first accepted step stored, and the
/// recovery codes (their hashes) replacing any earlier ones.
pub async fn complete_enrollment(
    db: &Db,
    token: &str,
    staff: StaffId,
    password_hash: &str,
    step: i64,
    recovery_codes: &[String],
) -> Result<bool, sqlx::Error> {
    let at = now();
    let mut tx = db.pool.begin().await?;
    let used = sqlx::query(
        "UPDATE staff_enrollments SET used_at = $1 WHERE token_hash = $2 AND staff_id = $3 \
         AND used_at IS NULL AND expires_at >= $1",
    )
    .bind(at)
    .bind(digest(token))
    .bind(staff)
    .execute(&mut *tx)
    .await?;
    if used.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE staff SET password_hash = $1, totp_last_step = $2, enrolled_at = $3, updated_at = $3 \
         WHERE id = $4",
    )
    .bind(password_hash)
    .bind(step)
    .bind(at)
    .bind(staff)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM staff_recovery_codes WHERE staff_id = $1")
        .bind(staff)
        .execute(&mut *tx)
        .await?;
    for code in recovery_codes {
        sqlx::query("INSERT INTO staff_recovery_codes (staff_id, code_hash) VALUES ($1, $2)")
            .bind(staff)
            .bind(digest(code))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Accepts a TOTP time step once: false when this step (or a later one) was accepted before.
pub async fn accept_step(db: &Db, staff: StaffId, step: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE staff SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(staff)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Uses up a recovery code: false when it is not one of this staff member's unused codes.
pub async fn use_recovery_code(db: &Db, staff: StaffId, code: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE staff_recovery_codes SET used_at = $1 WHERE staff_id = $2 AND code_hash = $3 AND used_at IS NULL",
    )
    .bind(now())
    .bind(staff)
    .bind(digest(code))
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How many unused recovery codes a staff member has left.
pub async fn recovery_codes_left(db: &Db, staff: StaffId) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM staff_recovery_codes WHERE staff_id = $1 AND used_at IS NULL",
    )
    .bind(staff)
    .fetch_one(&db.pool)
    .await?;
    Ok(n)
}

pub async fn signed_in(db: &Db, staff: StaffId) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE staff SET last_sign_in_at = $1 WHERE id = $2")
        .bind(now())
        .bind(staff)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Disables a staff member and moves their epoch on, which ends their sessions at their
/// next request. False when there is no such staff member.
pub async fn disable(db: &Db, email: &str) -> Result<bool, sqlx::Error> {
    let at = now();
    let done = sqlx::query(
        "UPDATE staff SET disabled_at = COALESCE(disabled_at, $1), epoch = epoch + 1, updated_at = $1 \
         WHERE email = $2",
    )
    .bind(at)
    .bind(email)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Starts a staff member's enrollment over (a lost authenticator): a new sealed secret,
/// not enrolled, no recovery codes, and every session ended; the new link is issued after.
/// `None` when no staff member who is not disabled has that email.
pub async fn restart_enrollment(
    db: &Db,
    email: &str,
    seal: impl FnOnce(StaffId) -> Sealed,
) -> Result<Option<StaffId>, sqlx::Error> {
    let at = now();
    let mut tx = db.pool.begin().await?;
    let found: Option<(StaffId,)> =
        sqlx::query_as("SELECT id FROM staff WHERE email = $1 AND disabled_at IS NULL")
            .bind(email)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((id,)) = found else { return Ok(None) };
    let sealed = seal(id);
    sqlx::query(
        "UPDATE staff SET totp_ciphertext = $1, totp_key_id = $2, totp_last_step = NULL, \
         enrolled_at = NULL, epoch = epoch + 1, updated_at = $3 WHERE id = $4",
    )
    .bind(&sealed.bytes)
    .bind(&sealed.key_id)
    .bind(at)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM staff_recovery_codes WHERE staff_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// Every staff member's sealed secret, for key rotation.
pub async fn sealed_secrets(db: &Db) -> Result<Vec<(StaffId, Sealed)>, sqlx::Error> {
    let rows: Vec<(StaffId, String, Vec<u8>)> =
        sqlx::query_as("SELECT id, totp_key_id, totp_ciphertext FROM staff ORDER BY id")
            .fetch_all(&db.pool)
            .await?;
    Ok(rows.into_iter().map(|(id, key, bytes)| (id, Sealed::stored(&key, &bytes, 1))).collect())
}

pub async fn replace_secret(db: &Db, staff: StaffId, sealed: &Sealed) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE staff SET totp_ciphertext = $1, totp_key_id = $2 WHERE id = $3")
        .bind(&sealed.bytes)
        .bind(&sealed.key_id)
        .bind(staff)
        .execute(&db.pool)
        .await?;
    Ok(())
}
