//! The payment gateway: cards and digital wallets are turned into the processor's token
//! here, and charged by token. The portal never keeps a card number or a security code.
//!
//! A real processor plugs in by implementing [`PaymentGateway`] (tokenize from the card
//! details or a wallet, charge a token) and being chosen in `Gateway::from_config`. The
//! sandbox below needs no outside service, so every journey runs anywhere.

use crate::domain::{CardBrand, CardNumber, Expiry, SecurityCode};
use async_trait::async_trait;
use std::sync::Arc;

pub mod validator;
pub use validator::{
    sandbox_accounts, BankAccountValidator, Validation, Validator, ValidatorError,
};

/// What a customer typed for a card. Borrowed, never stored.
pub struct CardDetails<'a> {
    pub number: &'a CardNumber,
    pub expiry: Expiry,
    pub security_code: &'a SecurityCode,
    pub name: &'a str,
    pub billing_zip: &'a str,
}

/// What the portal keeps of a card or wallet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokenized {
    pub token: String,
    pub brand: CardBrand,
    pub last4: String,
    pub expiry: Option<Expiry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletOption {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChargeOutcome {
    Approved { reference: String },
    Declined { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// The processor refused the card itself (wrong security code, blocked card…).
    #[error("the card was refused: {0}")]
    Refused(String),
    #[error("unknown digital wallet")]
    UnknownWallet,
    /// The processor could not be reached or failed; worth retrying later.
    #[error("payment gateway unavailable: {0}")]
    Unavailable(String),
}

#[async_trait]
pub trait PaymentGateway: Send + Sync {
    fn name(&self) -> &str;
    async fn tokenize_card(&self, card: CardDetails<'_>) -> Result<Tokenized, GatewayError>;
    fn wallets(&self) -> Vec<WalletOption>;
    async fn tokenize_wallet(&self, wallet_id: &str) -> Result<Tokenized, GatewayError>;
    /// Charges `cents` to a token; `reference` is the portal's id, so a retried charge
    /// with the same reference is not charged twice by a processor that supports it.
    async fn charge(
        &self,
        token: &str,
        cents: i64,
        reference: &str,
    ) -> Result<ChargeOutcome, GatewayError>;
}

/// The configured gateway, shared by server functions and the AutoPay run.
#[derive(Clone)]
pub struct Gateway(pub Arc<dyn PaymentGateway>);

impl Gateway {
    pub fn sandbox() -> Self {
        Self(Arc::new(Sandbox))
    }

    /// The configured gateway. The sandbox charges nothing real, so it runs only in
    /// development mode.
    pub fn from_config(config: &crate::platform::Config) -> Result<Self, String> {
        match config.payment_gateway.as_str() {
            "sandbox" if config.dev_mode => Ok(Self::sandbox()),
            "sandbox" => {
                Err("the sandbox payment gateway charges nothing real: outside development mode, \
                              configure a real processor (payment_gateway)"
                    .into())
            }
            other => Err(format!("unknown payment_gateway \"{other}\" (built in: sandbox)")),
        }
    }
}

impl std::ops::Deref for Gateway {
    type Target = dyn PaymentGateway;
    fn deref(&self) -> &Self::Target {
        &*self.0
    }
}

/// Card numbers with a fixed behaviour in the sandbox (documented in the README).
pub mod sandbox_cards {
    /// Always declined when charged (it can still be saved, as with real processors).
    pub const DECLINED: &str = "4000000000000002";
    /// Refused when saved: the processor says the security code does not match.
    pub const REFUSED: &str = "4000000000000127";
}

/// Charge amounts (in cents, fee included) with a fixed behaviour in the sandbox, whatever
/// the card: so that one line of a payment can be declined while another is approved, and an
/// unreachable processor can be tried from a browser (documented in the README).
pub mod sandbox_amounts {
    /// A charge of exactly $20.02 is declined.
    pub const DECLINED: i64 = 2002;
    /// A charge of exactly $20.03 finds the processor unreachable.
    pub const UNREACHABLE: i64 = 2003;
}

/// A gateway that needs no outside service. Its tokens say how a charge will go, since it
/// keeps nothing itself.
pub struct Sandbox;

fn random_suffix() -> String {
    use rand::Rng;
    let n: u64 = rand::thread_rng().gen();
    format!("{n:016x}")
}

#[async_trait]
impl PaymentGateway for Sandbox {
    fn name(&self) -> &str {
        "sandbox"
    }

    async fn tokenize_card(&self, card: CardDetails<'_>) -> Result<Tokenized, GatewayError> {
        let number = card.number.expose();
        if number == sandbox_cards::REFUSED {
            return Err(GatewayError::Refused("security code does not match".into()));
        }
        let outcome = if number == sandbox_cards::DECLINED { "decline" } else { "ok" };
        Ok(Tokenized {
            token: format!("sbx_card_{outcome}_{}", random_suffix()),
            brand: card.number.brand(),
            last4: card.number.last4().to_string(),
            expiry: Some(card.expiry),
        })
    }

    fn wallets(&self) -> Vec<WalletOption> {
        vec![WalletOption { id: "sandbox-pay".into(), name: "Sandbox Pay".into() }]
    }

    async fn tokenize_wallet(&self, wallet_id: &str) -> Result<Tokenized, GatewayError> {
        if wallet_id != "sandbox-pay" {
            return Err(GatewayError::UnknownWallet);
        }
        Ok(Tokenized {
            token: format!("sbx_wallet_ok_{}", random_suffix()),
            brand: CardBrand::Visa,
            last4: "4242".into(),
            expiry: Expiry::from_parts(12, 2030).ok(),
        })
    }

    async fn charge(
        &self,
        token: &str,
        cents: i64,
        reference: &str,
    ) -> Result<ChargeOutcome, GatewayError> {
        if !token.starts_with("sbx_") || cents <= 0 {
            return Ok(ChargeOutcome::Declined { reason: "invalid request".into() });
        }
        if cents == sandbox_amounts::UNREACHABLE {
            return Err(GatewayError::Unavailable("sandbox: processor unreachable".into()));
        }
        if token.contains("_decline_") || cents == sandbox_amounts::DECLINED {
            return Ok(ChargeOutcome::Declined { reason: "card declined".into() });
        }
        Ok(ChargeOutcome::Approved { reference: format!("sbx_ch_{reference}") })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sandbox's answer to a card number, with the same expiry, code and name each time.
    async fn tokenize(g: &Gateway, number: &str) -> Result<Tokenized, GatewayError> {
        let n = CardNumber::parse(number).unwrap();
        let code = SecurityCode::parse("123", n.brand()).unwrap();
        g.tokenize_card(CardDetails {
            number: &n,
            expiry: Expiry::from_parts(4, 2029).unwrap(),
            security_code: &code,
            name: "A",
            billing_zip: "97501",
        })
        .await
    }

    #[tokio::test]
    async fn the_sandbox_tokenizes_and_declines_as_documented() {
        let g = Gateway::sandbox();
        let ok = tokenize(&g, "4111111111111111").await.unwrap();
        assert_eq!((ok.brand, ok.last4.as_str()), (CardBrand::Visa, "1111"));
        assert!(!ok.token.contains("4111111111111111"));
        assert!(matches!(
            g.charge(&ok.token, 100, "p1").await.unwrap(),
            ChargeOutcome::Approved { .. }
        ));

        let declined = tokenize(&g, sandbox_cards::DECLINED).await.unwrap();
        assert!(matches!(
            g.charge(&declined.token, 100, "p2").await.unwrap(),
            ChargeOutcome::Declined { .. }
        ));

        assert!(matches!(
            g.charge(&ok.token, sandbox_amounts::DECLINED, "p3").await.unwrap(),
            ChargeOutcome::Declined { .. }
        ));
        let down = g.charge(&ok.token, sandbox_amounts::UNREACHABLE, "p4").await;
        assert!(matches!(down, Err(GatewayError::Unavailable(_))));

        let refused = tokenize(&g, sandbox_cards::REFUSED).await;
        assert!(matches!(refused, Err(GatewayError::Refused(_))));

        assert_eq!(g.wallets().len(), 1);
        assert!(g.tokenize_wallet("sandbox-pay").await.is_ok());
        assert_eq!(g.tokenize_wallet("other").await, Err(GatewayError::UnknownWallet));
    }
}
