//! A saved payment method as the pages show it: only masked facts. My Wallet lists and
//! changes them; AutoPay (and any other way to pay) offers them to choose from.

use super::{MethodKind, MethodLabel};
use crate::domain::MethodId;
use serde::{Deserialize, Serialize};

/// A saved method as My Wallet shows it: only masked facts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedMethod {
    pub id: MethodId,
    pub kind: MethodKind,
    pub last4: String,
    /// "checking" or "savings" for an e-check.
    pub bank_account_type: Option<String>,
    pub bank_name: Option<String>,
    /// Display name of the card brand or wallet.
    pub brand: Option<String>,
    /// "MM/YY".
    pub expiry: Option<String>,
    pub is_default: bool,
    /// How many AutoPay enrollments pay with it.
    pub autopay_uses: i64,
    /// The return reason code (`R02`…) of a bank account the bank returned as closed,
    /// invalid or not authorized: never offered to pay until the customer acts.
    pub unusable_code: Option<String>,
}

impl SavedMethod {
    /// Whether it may be offered to pay with (Pay Now, AutoPay, a replacement).
    pub fn usable(&self) -> bool {
        self.unusable_code.is_none()
    }

    /// How My Wallet (and AutoPay's choice of method) shows it: `Checking *****6789 · Bank`,
    /// `Visa *****1111 | Exp 04/29`. An e-check names its bank; only a card its expiry.
    pub fn label(&self, locale: crate::i18n::Locale) -> String {
        MethodLabel {
            kind: self.kind,
            bank_account_type: self.bank_account_type.as_deref(),
            bank_name: self.bank_name.as_deref().filter(|_| self.kind == MethodKind::Echeck),
            brand: self.brand.as_deref(),
            last4: &self.last4,
            expiry: self.expiry.as_deref().filter(|_| self.kind.is_card()),
        }
        .text(locale)
    }
}
