//! What the session holds for registration: the account a registration found, until the
//! login is created or the customer signs in.

use crate::auth::session::session;
use crate::domain::{AccountId, LoginId};
use leptos::prelude::ServerFnError;

const FOUND_ACCOUNT: &str = "registration.account_id";

pub async fn remember_found_account(account_id: AccountId) -> Result<(), ServerFnError> {
    let s = session().await?;
    s.insert(FOUND_ACCOUNT, account_id).await.map_err(|e| ServerFnError::new(e.to_string()))
}

pub async fn found_account() -> Option<AccountId> {
    session().await.ok()?.get::<AccountId>(FOUND_ACCOUNT).await.ok().flatten()
}

/// Signs in (see `auth::session::sign_in`), forgetting the registration state.
pub async fn sign_in(login_id: LoginId) -> Result<(), ServerFnError> {
    crate::auth::session::sign_in(login_id).await?;
    let s = session().await?;
    let _ = s
        .remove::<AccountId>(FOUND_ACCOUNT)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))?;
    Ok(())
}
