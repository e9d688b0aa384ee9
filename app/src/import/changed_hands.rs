//! An account the import moves to another customer (move-out / move-in): whatever the former
//! customer set up on it must not go on working for, or reaching, them. Runs inside the
//! import's transaction, right after the move, so the import stays all-or-nothing.

use crate::domain::{AccountId, CustomerId};
use crate::email::{Lang, Letterhead};
use crate::platform::db::now;

/// Why the account's payments not yet sent were withdrawn.
pub const REASON: &str = "account changed hands";

/// Ends what the former customer set up on the account, in the caller's transaction: their
/// AutoPay (and its payments not yet sent to the bank or the card processor), the bills'
/// email delivery to their address, and every link still open for the account. The former
/// customer's login is told that AutoPay ended (without naming who has the account now).
/// Returns whether an AutoPay enrollment was ended.
#[tracing::instrument(skip_all, fields(account_id = %account_id, former_customer_id = %former_customer_id))]
pub(super) async fn account_changed_hands(
    conn: &mut sqlx::AnyConnection,
    head: &Letterhead,
    account_id: AccountId,
    former_customer_id: CustomerId,
) -> Result<bool, sqlx::Error> {
    let at = now();
    let ended = sqlx::query("UPDATE autopay_enrollments SET active = 0, cancelled_at = $1 WHERE account_id = $2 AND active = 1")
        .bind(at)
        .bind(account_id)
        .execute(&mut *conn)
        .await?
        .rows_affected()
        > 0;
    // As a cancel does: what is not yet on its way to the bank or the processor.
    crate::payments::data::withdraw_unsent(conn, account_id, REASON, at).await?;
    // Paper, as "choose paper" writes it: the new customer's bills must not go to the
    // former customer's address.
    sqlx::query("UPDATE accounts SET delivery_method = 'paper', delivery_email = NULL, updated_at = $1 WHERE id = $2")
        .bind(at)
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    // A verification link sent before the move would switch the new customer's bills to
    // the former customer's address.
    sqlx::query(
        "UPDATE one_time_tokens SET used_at = $1 WHERE account_id = $2 AND used_at IS NULL",
    )
    .bind(at)
    .bind(account_id)
    .execute(&mut *conn)
    .await?;
    if ended {
        tell_former_customer(conn, head, account_id, former_customer_id).await?;
    }
    Ok(ended)
}

#[derive(sqlx::FromRow)]
struct FormerLogin {
    email: String,
    locale: String,
    /// The account as the former customer knew it: their number, then the account's.
    number: String,
}

/// Queues "your AutoPay has ended" to the former customer's login, if they have one, in its
/// language. The account is named with the former customer's number, as they knew it.
async fn tell_former_customer(
    conn: &mut sqlx::AnyConnection,
    head: &Letterhead,
    account_id: AccountId,
    former_customer_id: CustomerId,
) -> Result<(), sqlx::Error> {
    let login: Option<FormerLogin> = sqlx::query_as(
        "SELECT l.email, l.locale, c.customer_number || '-' || a.account_number AS number FROM logins l \
         JOIN customers c ON c.id = l.customer_id JOIN accounts a ON a.id = $2 WHERE l.customer_id = $1",
    )
    .bind(former_customer_id)
    .bind(account_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(login) = login else { return Ok(()) };
    let m = crate::email::compose::ended_account_changed_hands(
        head,
        Lang::from_locale(&login.locale),
        &login.email,
        &login.number,
    );
    crate::email::data::insert_with(conn, &m).await?;
    Ok(())
}
