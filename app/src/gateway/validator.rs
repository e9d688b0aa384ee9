//! Bank account validation: NACHA's rule for WEB debits asks that the first debit from an
//! account number the portal has not debited before be checked with a commercially
//! reasonable validation (an account-verification service, a prenote, micro-deposits).
//!
//! A real service plugs in by implementing [`BankAccountValidator`] and being chosen in
//! `Validator::from_config` (`bank_account_validator`). The sandbox below needs no outside
//! service; its test account numbers are in [`sandbox_accounts`] and the README.

use crate::domain::{BankAccountNumber, BankAccountType, RoutingNumber};
use async_trait::async_trait;
use std::sync::Arc;

/// The service's answer about one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Validation {
    /// The account exists and can be debited.
    Valid,
    /// The bank does not confirm it (closed, not found, not debitable…).
    Invalid { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidatorError {
    /// The service could not be reached or failed; nothing is known about the account.
    #[error("bank account validation unavailable: {0}")]
    Unavailable(String),
}

#[async_trait]
pub trait BankAccountValidator: Send + Sync {
    fn name(&self) -> &str;
    async fn validate(
        &self,
        routing: &RoutingNumber,
        account_number: &BankAccountNumber,
        account_type: BankAccountType,
    ) -> Result<Validation, ValidatorError>;
}

/// The configured validator, shared by server functions.
#[derive(Clone)]
pub struct Validator(pub Arc<dyn BankAccountValidator>);

impl Validator {
    pub fn sandbox() -> Self {
        Self(Arc::new(Sandbox))
    }

    /// The configured validator. The sandbox confirms almost every account, so it runs
    /// only in development mode.
    pub fn from_config(config: &crate::platform::Config) -> Result<Self, String> {
        match config.bank_account_validator.as_str() {
            "sandbox" if config.dev_mode => Ok(Self::sandbox()),
            "sandbox" => Err("the sandbox bank account validator checks nothing real: outside \
                              development mode, configure a real service (bank_account_validator)"
                .into()),
            other => Err(format!("unknown bank_account_validator \"{other}\" (built in: sandbox)")),
        }
    }
}

impl std::ops::Deref for Validator {
    type Target = dyn BankAccountValidator;
    fn deref(&self) -> &Self::Target {
        &*self.0
    }
}

/// Account numbers with a fixed answer in the sandbox (documented in the README).
pub mod sandbox_accounts {
    /// The bank does not confirm it: a payment from it is refused.
    pub const INVALID: &str = "000000000";
    /// The service cannot be reached: a payment from it is refused for now, to try again.
    pub const UNREACHABLE: &str = "999999999";
}

/// A validator that needs no outside service: every account is valid but the sandbox's
/// test numbers.
pub struct Sandbox;

#[async_trait]
impl BankAccountValidator for Sandbox {
    fn name(&self) -> &str {
        "sandbox"
    }

    async fn validate(
        &self,
        _routing: &RoutingNumber,
        account_number: &BankAccountNumber,
        _account_type: BankAccountType,
    ) -> Result<Validation, ValidatorError> {
        match account_number.expose() {
            sandbox_accounts::INVALID => {
                Ok(Validation::Invalid { reason: "account not found".into() })
            }
            sandbox_accounts::UNREACHABLE => {
                Err(ValidatorError::Unavailable("sandbox: service unreachable".into()))
            }
            _ => Ok(Validation::Valid),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn answer(number: &str) -> Result<Validation, ValidatorError> {
        let routing = RoutingNumber::parse("021000021").unwrap();
        let number = BankAccountNumber::parse(number).unwrap();
        Validator::sandbox().validate(&routing, &number, BankAccountType::Checking).await
    }

    #[tokio::test]
    async fn the_sandbox_validates_as_documented() {
        assert_eq!(answer("11112222").await, Ok(Validation::Valid));
        assert_eq!(answer("0000000001").await, Ok(Validation::Valid));
        assert!(matches!(answer(sandbox_accounts::INVALID).await, Ok(Validation::Invalid { .. })));
        assert!(matches!(
            answer(sandbox_accounts::UNREACHABLE).await,
            Err(ValidatorError::Unavailable(_))
        ));
    }

    #[test]
    fn the_sandbox_is_for_development_only() {
        let mut config = crate::platform::Config { dev_mode: true, ..Default::default() };
        assert!(Validator::from_config(&config).is_ok());
        config.dev_mode = false;
        assert!(Validator::from_config(&config).is_err());
        config.bank_account_validator = "acme".into();
        assert!(Validator::from_config(&config).err().unwrap_or_default().contains("acme"));
    }
}
