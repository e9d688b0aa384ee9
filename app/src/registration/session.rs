//! What the session holds for registration: the account a registration found, until the
//! login is created or the customer signs in.

use crate::auth::session::session;
use crate::domain::LoginId;
use leptos::prelude::ServerFnError;

const FOUND_ACCOUNT: &str = "registration.account_id";

pub async fn remember_found_account(account_id: i64) -> Result<(), ServerFnError> {
    let s = session().await?;
    s.insert(FOUND_ACCOUNT, account_id).await.map_err(|e| ServerFnError::new(e.to_string()))
}

pub async fn found_account() -> Option<i64> {
    session().await.ok()?.get::<i64>(FOUND_ACCOUNT).await.ok().flatten()
}

/// Signs in (see `auth::session::sign_in`), forgetting the registration state.
pub async fn sign_in(login_id: i64) -> Result<(), ServerFnError> {
    crate::auth::session::sign_in(LoginId(login_id)).await?;
    let s = session().await?;
    let _ = s.remove::<i64>(FOUND_ACCOUNT).await.map_err(|e| ServerFnError::new(e.to_string()))?;
    Ok(())
}
