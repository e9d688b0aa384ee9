//! Single-use tokens for links in emails (password reset, e-billing verification). The
//! link carries 256 random bits; the database keeps only their SHA-256, so a copy of the
//! database opens nothing. A fast hash is enough for values this random.

use super::db::{now, Db};
use crate::domain::{AccountId, LoginId, TokenId};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    PasswordReset,
    DeliveryEmail,
}

impl Purpose {
    fn name(self) -> &'static str {
        match self {
            Self::PasswordReset => "password-reset",
            Self::DeliveryEmail => "delivery-email",
        }
    }
}

/// What a token from a link turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenState {
    Valid(TokenRecord),
    Expired,
    Used,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TokenRecord {
    pub id: TokenId,
    pub login_id: LoginId,
    pub account_id: Option<AccountId>,
    pub email: Option<String>,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

/// The SHA-256 (hex) of a random secret, as it is stored.
pub fn digest(token: &str) -> String {
    Sha256::digest(token.trim().as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// 256 random bits, URL-safe: link secrets, form idempotency keys.
pub fn random_token() -> String {
    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

/// Creates a token and returns the secret that goes into the link.
pub async fn issue(
    db: &Db,
    purpose: Purpose,
    login_id: LoginId,
    account_id: Option<AccountId>,
    email: Option<&str>,
    valid_secs: i64,
) -> Result<String, sqlx::Error> {
    let token = random_token();
    let at = now();
    sqlx::query(
        "INSERT INTO one_time_tokens (purpose, token_hash, login_id, account_id, email, expires_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(purpose.name())
    .bind(digest(&token))
    .bind(login_id)
    .bind(account_id)
    .bind(email)
    .bind(at + valid_secs)
    .bind(at)
    .execute(&db.pool)
    .await?;
    Ok(token)
}

/// Looks a token up without using it.
pub async fn check(db: &Db, purpose: Purpose, token: &str) -> Result<TokenState, sqlx::Error> {
    let record: Option<TokenRecord> = sqlx::query_as(
        "SELECT id, login_id, account_id, email, expires_at, used_at FROM one_time_tokens \
         WHERE purpose = $1 AND token_hash = $2",
    )
    .bind(purpose.name())
    .bind(digest(token))
    .fetch_optional(&db.pool)
    .await?;
    Ok(match record {
        None => TokenState::Unknown,
        Some(r) if r.used_at.is_some() => TokenState::Used,
        Some(r) if r.expires_at < now() => TokenState::Expired,
        Some(r) => TokenState::Valid(r),
    })
}

/// Marks a token used inside the caller's transaction; false when another request used
/// it first, so that exactly one of two concurrent clicks wins.
pub async fn use_up(
    conn: &mut sqlx::AnyConnection,
    token_id: TokenId,
) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE one_time_tokens SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
            .bind(now())
            .bind(token_id)
            .execute(&mut *conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Makes a login's earlier unused tokens of one purpose unusable (a newer link replaces them).
pub async fn revoke_earlier(
    db: &Db,
    purpose: Purpose,
    login_id: LoginId,
    account_id: Option<AccountId>,
) -> Result<(), sqlx::Error> {
    let query = match account_id {
        Some(_) => "UPDATE one_time_tokens SET used_at = $1 WHERE purpose = $2 AND login_id = $3 AND used_at IS NULL AND account_id = $4",
        None => "UPDATE one_time_tokens SET used_at = $1 WHERE purpose = $2 AND login_id = $3 AND used_at IS NULL",
    };
    let mut q = sqlx::query(query).bind(now()).bind(purpose.name()).bind(login_id);
    if let Some(account_id) = account_id {
        q = q.bind(account_id);
    }
    q.execute(&db.pool).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn digest_is_hex_sha256_of_the_trimmed_token() {
        assert_eq!(
            super::digest(" abc "),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
