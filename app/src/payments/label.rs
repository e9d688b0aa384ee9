//! The one label of a payment method, in either language: "Checking *****6789",
//! "Visa *****1111 | Exp 04/29". My Wallet, AutoPay's pages and every email show a method
//! through it. Its words are the page locales' (`entry.checking`, `wallet.exp`, …), so both languages
//! live in one place; it is browser-safe, as the pages build it too.

use crate::domain::CardBrand;
use crate::i18n::{td_string, Locale};
use serde::{Deserialize, Serialize};

/// How a saved method pays: from a bank account (E-Check), or through the card processor
/// (a debit or credit card, a digital wallet). As `payment_methods.kind` stores it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MethodKind {
    Echeck,
    Debit,
    Credit,
    Wallet,
}

impl MethodKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Echeck => "echeck",
            Self::Debit => "debit",
            Self::Credit => "credit",
            Self::Wallet => "wallet",
        }
    }
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "echeck" => Some(Self::Echeck),
            "debit" => Some(Self::Debit),
            "credit" => Some(Self::Credit),
            "wallet" => Some(Self::Wallet),
            _ => None,
        }
    }
    pub fn is_card(self) -> bool {
        matches!(self, Self::Debit | Self::Credit)
    }
}

/// What a method's label shows, every part already masked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MethodLabel<'a> {
    pub kind: MethodKind,
    /// "checking" or "savings", for an e-check.
    pub bank_account_type: Option<&'a str>,
    /// Shown after the number when given (My Wallet names an e-check's bank).
    pub bank_name: Option<&'a str>,
    /// The card brand's or the wallet's name as shown (see `brand_name`); without one a
    /// card reads "Card", a wallet "Digital wallet".
    pub brand: Option<&'a str>,
    pub last4: &'a str,
    /// "MM/YY" (see `expiry_text`), shown last when given.
    pub expiry: Option<&'a str>,
}

impl MethodLabel<'_> {
    pub fn text(&self, locale: Locale) -> String {
        let name = match self.kind {
            MethodKind::Echeck if self.bank_account_type == Some("savings") => {
                td_string!(locale, entry.savings)
            }
            MethodKind::Echeck => td_string!(locale, entry.checking),
            MethodKind::Wallet => {
                self.brand.unwrap_or_else(|| td_string!(locale, wallet.digital_wallet))
            }
            MethodKind::Debit | MethodKind::Credit => {
                self.brand.unwrap_or_else(|| td_string!(locale, wallet.card_generic))
            }
        };
        let mut label = format!("{name} *****{}", self.last4);
        if let Some(bank) = self.bank_name {
            label.push_str(&format!(" · {bank}"));
        }
        if let Some(expiry) = self.expiry {
            label.push_str(&format!(" | {} {expiry}", td_string!(locale, wallet.exp)));
        }
        label
    }
}

/// The name a stored brand is shown by: a wallet's as it was saved, a card's brand by its
/// name, and none for a card brand this portal does not know (the label then says "Card",
/// in the customer's language).
pub fn brand_name(kind: MethodKind, stored: Option<&str>) -> Option<&str> {
    match kind {
        MethodKind::Wallet => stored,
        _ => match CardBrand::from_str_lossy(stored?) {
            CardBrand::Unknown => None,
            known => Some(known.display_name()),
        },
    }
}

/// An expiry as labels show it: "04/29".
pub fn expiry_text(month: i64, year: i64) -> String {
    format!("{month:02}/{:02}", year % 100)
}

/// The label of a method from its `payment_methods` columns, as AutoPay's pages and the
/// emails show it: no bank name, and the expiry whenever one is stored.
#[cfg(feature = "ssr")]
pub fn method_label(
    lang: crate::email::Lang,
    kind: &str,
    bank_account_type: Option<&str>,
    brand: Option<&str>,
    last4: &str,
    expiry: Option<(i64, i64)>,
) -> String {
    // The schema allows only the four kinds; anything else is labelled as a card.
    let kind = MethodKind::parse(kind).unwrap_or(MethodKind::Credit);
    let expiry = expiry.map(|(month, year)| expiry_text(month, year));
    MethodLabel {
        kind,
        bank_account_type,
        bank_name: None,
        brand: brand_name(kind, brand),
        last4,
        expiry: expiry.as_deref(),
    }
    .text(lang.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_shows_what_it_is_given_in_either_language() {
        let echeck = MethodLabel {
            kind: MethodKind::Echeck,
            bank_account_type: Some("checking"),
            bank_name: Some("First Test Bank"),
            brand: None,
            last4: "6789",
            expiry: None,
        };
        assert_eq!(echeck.text(Locale::en), "Checking *****6789 · First Test Bank");
        let wallet = MethodLabel { kind: MethodKind::Wallet, last4: "4242", ..echeck };
        let wallet = MethodLabel { bank_name: None, expiry: Some("12/30"), ..wallet };
        assert_eq!(wallet.text(Locale::es), "Billetera digital *****4242 | Vence 12/30");
        let card = MethodLabel { kind: MethodKind::Debit, expiry: None, ..wallet };
        assert_eq!(card.text(Locale::en), "Card *****4242");
        assert_eq!(brand_name(MethodKind::Credit, Some("amex")), Some("American Express"));
        assert_eq!(brand_name(MethodKind::Credit, Some("Sandbox Pay")), None);
        assert_eq!(brand_name(MethodKind::Wallet, Some("Sandbox Pay")), Some("Sandbox Pay"));
        assert_eq!(expiry_text(4, 2029), "04/29");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn methods_read_as_in_my_wallet() {
        use crate::email::Lang;
        assert_eq!(
            method_label(Lang::En, "echeck", Some("checking"), None, "6789", None),
            "Checking *****6789"
        );
        assert_eq!(
            method_label(Lang::Es, "echeck", Some("savings"), None, "6789", None),
            "Ahorros *****6789"
        );
        assert_eq!(
            method_label(Lang::En, "credit", None, Some("visa"), "1111", Some((4, 2029))),
            "Visa *****1111 | Exp 04/29"
        );
        assert_eq!(
            method_label(Lang::Es, "credit", None, Some("visa"), "1111", Some((4, 2029))),
            "Visa *****1111 | Vence 04/29"
        );
    }
}
