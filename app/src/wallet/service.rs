//! The wallet's rules as plain functions over the database and the vault. Adding a method
//! is `payments::entry::service::enter` with `Keep::Saved`.

use super::data::{self, Removal};
use super::WalletProblem;
use crate::domain::{CustomerId, MethodId};
use crate::platform::vault::Vault;
use crate::platform::Db;

pub use crate::platform::ServiceError;

#[tracing::instrument(skip(db))]
pub async fn make_default(
    db: &Db,
    customer_id: CustomerId,
    method_id: MethodId,
) -> Result<Result<(), WalletProblem>, ServiceError> {
    Ok(if data::set_default(db, customer_id, method_id).await? {
        Ok(())
    } else {
        Err(WalletProblem::NotFound)
    })
}

#[tracing::instrument(skip(db))]
pub async fn remove(
    db: &Db,
    customer_id: CustomerId,
    method_id: MethodId,
    replacement: Option<MethodId>,
) -> Result<Result<(), WalletProblem>, ServiceError> {
    Ok(match data::remove(db, customer_id, method_id, replacement).await? {
        Removal::Removed => Ok(()),
        Removal::NotFound => Err(WalletProblem::NotFound),
        Removal::NeedsReplacement => Err(WalletProblem::NeedsReplacement),
        Removal::ReplacementInvalid => Err(WalletProblem::ReplacementInvalid),
    })
}

/// Re-encrypts every bank account under the current key, bound to its row (rows sealed
/// before binding existed are bound here too); returns how many moved.
#[tracing::instrument(skip_all)]
pub async fn rotate_key(db: &Db, vault: &Vault) -> Result<usize, RotateError> {
    let mut moved = 0;
    for (binding, sealed) in data::sealed_needing_reseal(db, vault.current_key_id()).await? {
        if let Some(resealed) = vault.reseal(&sealed, &binding)? {
            data::replace_sealed(db, &binding, &resealed).await?;
            moved += 1;
        }
    }
    Ok(moved)
}

#[derive(Debug, thiserror::Error)]
pub enum RotateError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Vault(#[from] crate::platform::vault::VaultError),
}
