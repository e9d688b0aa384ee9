//! What the bank says back about a debit: return reason codes (R01–R85) and notice-of-change
//! codes (C01–C13), their class (what the portal does about them) and their texts. Pure: the
//! NACHA reader finds them in a file, `payments::returns` acts on them.

use super::Lang;

/// What the portal does with a returned debit (issue 17's table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ReturnClass {
    /// R01, R09: no money in the account; retried when `ach.retry_nsf` is on.
    Nsf,
    /// R02, R03, R04, R16, R20: the account cannot take debits; the customer chooses another.
    Account,
    /// R05, R07, R10, R11, R29, R51: the customer says the debit was not authorized; the
    /// method waits for a new authorization (and counts for fraud monitoring).
    Unauthorized,
    /// R08: the customer stopped this payment; no retry.
    StopPayment,
    /// Any other code: returned, no retry.
    Other,
}

impl ReturnClass {
    /// The class of a code as stored (`R01`); anything that is not a return code is `Other`.
    pub fn of(code: &str) -> Self {
        ReturnCode::parse(code).map(ReturnCode::class).unwrap_or(Self::Other)
    }

    /// After this return the customer may authorize the bank account again in the portal
    /// (the bank said the debit was not authorized); after an `Account` return the account
    /// cannot be debited at all and the customer chooses another method.
    pub fn can_authorize_again(self) -> bool {
        self == Self::Unauthorized
    }

    /// Whether the method must not be debited again (until the customer acts).
    pub fn makes_method_unusable(self) -> bool {
        matches!(self, Self::Account | Self::Unauthorized)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a return reason code is R and two digits, R01 to R99")]
pub struct NotAReturnCode;

/// A return reason code, `R01`…`R99` (Nacha uses R01–R85; an unassigned number is still
/// a return, with a generic description).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReturnCode(u8);

impl ReturnCode {
    pub fn parse(text: &str) -> Result<Self, NotAReturnCode> {
        let text = text.trim();
        let digits = text.strip_prefix('R').ok_or(NotAReturnCode)?;
        if digits.len() != 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NotAReturnCode);
        }
        match digits.parse::<u8>() {
            Ok(n) if n >= 1 => Ok(Self(n)),
            _ => Err(NotAReturnCode),
        }
    }

    pub fn number(self) -> u8 {
        self.0
    }

    pub fn as_string(self) -> String {
        format!("R{:02}", self.0)
    }

    pub fn class(self) -> ReturnClass {
        match self.0 {
            1 | 9 => ReturnClass::Nsf,
            2 | 3 | 4 | 16 | 20 => ReturnClass::Account,
            5 | 7 | 10 | 11 | 29 | 51 => ReturnClass::Unauthorized,
            8 => ReturnClass::StopPayment,
            _ => ReturnClass::Other,
        }
    }

    /// Nacha's title of the code (its Operating Rules, Appendix Four).
    pub fn description(self) -> &'static str {
        R_CODES
            .iter()
            .find(|(n, _)| *n == self.0)
            .map(|(_, d)| *d)
            .unwrap_or("Return reason not assigned in the Nacha Operating Rules")
    }

    /// Why the bank returned the payment, as the customer reads it (emails, history).
    pub fn customer_reason(self, lang: Lang) -> &'static str {
        let (en, es) = match (self.0, self.class()) {
            (1, _) => (
                "there were not enough funds in the account",
                "no había fondos suficientes en la cuenta",
            ),
            (9, _) => (
                "the funds in the account were not yet available",
                "los fondos de la cuenta aún no estaban disponibles",
            ),
            (2, _) => ("the bank account is closed", "la cuenta bancaria está cerrada"),
            (3, _) => ("the bank could not find the account", "el banco no encontró la cuenta"),
            (4, _) => ("the account number is not valid", "el número de cuenta no es válido"),
            (16, _) => ("the bank account is frozen", "la cuenta bancaria está congelada"),
            (20, _) => (
                "the account does not allow this kind of payment",
                "la cuenta no permite este tipo de pago",
            ),
            (7, _) => (
                "you revoked the authorization for this payment",
                "usted revocó la autorización de este pago",
            ),
            (8, _) => ("payment was stopped at your request", "el pago se detuvo a solicitud suya"),
            (_, ReturnClass::Unauthorized) => (
                "your bank reported the payment as not authorized",
                "su banco informó que el pago no fue autorizado",
            ),
            _ => ("your bank returned the payment", "su banco devolvió el pago"),
        };
        lang.pick(en, es)
    }
}

impl std::fmt::Display for ReturnCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "R{:02}", self.0)
    }
}

/// Nacha's return reason codes and titles.
const R_CODES: &[(u8, &str)] = &[
    (1, "Insufficient Funds"),
    (2, "Account Closed"),
    (3, "No Account/Unable to Locate Account"),
    (4, "Invalid Account Number Structure"),
    (5, "Unauthorized Debit to Consumer Account Using Corporate SEC Code"),
    (6, "Returned per ODFI's Request"),
    (7, "Authorization Revoked by Customer"),
    (8, "Payment Stopped"),
    (9, "Uncollected Funds"),
    (10, "Customer Advises Originator is Not Known to Receiver and/or Originator is Not Authorized by Receiver to Debit Receiver's Account"),
    (11, "Customer Advises Entry Not in Accordance with the Terms of the Authorization"),
    (12, "Account Sold to Another DFI"),
    (13, "Invalid ACH Routing Number"),
    (14, "Representative Payee Deceased or Unable to Continue in That Capacity"),
    (15, "Beneficiary or Account Holder (Other Than a Representative Payee) Deceased"),
    (16, "Account Frozen/Entry Returned per OFAC Instruction"),
    (17, "File Record Edit Criteria/Entry with Invalid Account Number Initiated Under Questionable Circumstances"),
    (18, "Improper Effective Entry Date"),
    (19, "Amount Field Error"),
    (20, "Non-Transaction Account"),
    (21, "Invalid Company Identification"),
    (22, "Invalid Individual ID Number"),
    (23, "Credit Entry Refused by Receiver"),
    (24, "Duplicate Entry"),
    (25, "Addenda Error"),
    (26, "Mandatory Field Error"),
    (27, "Trace Number Error"),
    (28, "Routing Number Check Digit Error"),
    (29, "Corporate Customer Advises Not Authorized"),
    (30, "RDFI Not Participant in Check Truncation Program"),
    (31, "Permissible Return Entry (CCD and CTX only)"),
    (32, "RDFI Non-Settlement"),
    (33, "Return of XCK Entry"),
    (34, "Limited Participation DFI"),
    (35, "Return of Improper Debit Entry"),
    (36, "Return of Improper Credit Entry"),
    (37, "Source Document Presented for Payment"),
    (38, "Stop Payment on Source Document"),
    (39, "Improper Source Document/Source Document Presented for Payment"),
    (40, "Return of ENR Entry by Federal Government Agency"),
    (41, "Invalid Transaction Code (ENR only)"),
    (42, "Routing Number/Check Digit Error (ENR only)"),
    (43, "Invalid DFI Account Number (ENR only)"),
    (44, "Invalid Individual ID Number/Identification Number (ENR only)"),
    (45, "Invalid Individual Name/Company Name (ENR only)"),
    (46, "Invalid Representative Payee Indicator (ENR only)"),
    (47, "Duplicate Enrollment (ENR only)"),
    (50, "State Law Affecting RCK Acceptance"),
    (51, "Item Related to RCK Entry is Ineligible or RCK Entry is Improper"),
    (52, "Stop Payment on Item Related to RCK Entry"),
    (53, "Item and RCK Entry Presented for Payment"),
    (61, "Misrouted Return"),
    (62, "Return of Erroneous or Reversing Debit"),
    (67, "Duplicate Return"),
    (68, "Untimely Return"),
    (69, "Field Error(s)"),
    (70, "Permissible Return Entry Not Accepted/Return Not Requested by ODFI"),
    (71, "Misrouted Dishonored Return"),
    (72, "Untimely Dishonored Return"),
    (73, "Timely Original Return"),
    (74, "Corrected Return"),
    (75, "Return Not a Duplicate"),
    (76, "No Errors Found"),
    (77, "Non-Acceptance of R62 Dishonored Return"),
    (80, "IAT Entry Coding Error"),
    (81, "Non-Participant in IAT Program"),
    (82, "Invalid Foreign Receiving DFI Identification"),
    (83, "Foreign Receiving DFI Unable to Settle"),
    (84, "Entry Not Processed by Gateway"),
    (85, "Incorrectly Coded Outbound International Payment"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a change code is C and two digits, C01 to C13")]
pub struct NotAChangeCode;

/// A notice-of-change code. The portal corrects what C01, C02, C03, C05, C06 and C07 name;
/// the others (a name, an individual id, addenda formats) are recorded only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeCode {
    /// Incorrect DFI account number.
    C01,
    /// Incorrect routing number.
    C02,
    /// Incorrect routing number and account number.
    C03,
    /// Incorrect transaction code (checking or savings).
    C05,
    /// Incorrect account number and transaction code.
    C06,
    /// Incorrect routing number, account number and transaction code.
    C07,
    /// C04, C08, C09, C13: nothing the portal stores.
    Other(u8),
}

/// Which details of a bank account a notice corrects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Corrects {
    pub routing: bool,
    pub account_number: bool,
    pub account_type: bool,
}

impl ChangeCode {
    pub fn parse(text: &str) -> Result<Self, NotAChangeCode> {
        let digits = text.trim().strip_prefix('C').ok_or(NotAChangeCode)?;
        if digits.len() != 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NotAChangeCode);
        }
        Ok(match digits.parse::<u8>().map_err(|_| NotAChangeCode)? {
            1 => Self::C01,
            2 => Self::C02,
            3 => Self::C03,
            5 => Self::C05,
            6 => Self::C06,
            7 => Self::C07,
            n @ (4 | 8..=13) => Self::Other(n),
            _ => return Err(NotAChangeCode),
        })
    }

    pub fn number(self) -> u8 {
        match self {
            Self::C01 => 1,
            Self::C02 => 2,
            Self::C03 => 3,
            Self::C05 => 5,
            Self::C06 => 6,
            Self::C07 => 7,
            Self::Other(n) => n,
        }
    }

    pub fn as_string(self) -> String {
        format!("C{:02}", self.number())
    }

    pub fn corrects(self) -> Corrects {
        let (routing, account_number, account_type) = match self {
            Self::C01 => (false, true, false),
            Self::C02 => (true, false, false),
            Self::C03 => (true, true, false),
            Self::C05 => (false, false, true),
            Self::C06 => (false, true, true),
            Self::C07 => (true, true, true),
            Self::Other(_) => (false, false, false),
        };
        Corrects { routing, account_number, account_type }
    }

    /// Nacha's title of the code.
    pub fn description(self) -> &'static str {
        match self.number() {
            1 => "Incorrect DFI Account Number",
            2 => "Incorrect Routing Number",
            3 => "Incorrect Routing Number and Incorrect DFI Account Number",
            4 => "Incorrect Individual Name/Receiving Company Name",
            5 => "Incorrect Transaction Code",
            6 => "Incorrect DFI Account Number and Incorrect Transaction Code",
            7 => "Incorrect Routing Number, Incorrect DFI Account Number, and Incorrect Transaction Code",
            8 => "Incorrect Receiving DFI Identification (IAT only)",
            9 => "Incorrect Individual Identification Number/Incorrect Receiver Identification Number",
            10 => "Incorrect Company Name",
            11 => "Incorrect Company Identification",
            12 => "Incorrect Company Name and Company Identification",
            _ => "Addenda Format Error",
        }
    }
}

impl std::fmt::Display for ChangeCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "C{:02}", self.number())
    }
}

impl Corrects {
    /// "the account number and the routing number", as the customer's email names them.
    pub fn text(self, lang: Lang) -> String {
        let mut parts = Vec::new();
        if self.account_number {
            parts.push(lang.pick("the account number", "el número de cuenta"));
        }
        if self.routing {
            parts.push(lang.pick("the routing number", "el número de ruta"));
        }
        if self.account_type {
            parts.push(lang.pick(
                "the account type (checking or savings)",
                "el tipo de cuenta (corriente o de ahorros)",
            ));
        }
        let and = lang.pick(" and ", " y ");
        match parts.as_slice() {
            [] => String::new(),
            [one] => one.to_string(),
            [init @ .., last] => format!("{}{and}{last}", init.join(", ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_and_fall_into_the_issues_classes() {
        let class = |c: &str| ReturnCode::parse(c).unwrap().class();
        for c in ["R01", "R09"] {
            assert_eq!(class(c), ReturnClass::Nsf, "{c}");
        }
        for c in ["R02", "R03", "R04", "R16", "R20"] {
            assert_eq!(class(c), ReturnClass::Account, "{c}");
        }
        for c in ["R05", "R07", "R10", "R11", "R29", "R51"] {
            assert_eq!(class(c), ReturnClass::Unauthorized, "{c}");
        }
        assert_eq!(class("R08"), ReturnClass::StopPayment);
        assert_eq!(class("R06"), ReturnClass::Other);
        assert_eq!(class("R85"), ReturnClass::Other);
        for bad in ["", "R", "R1", "R001", "X01", "R00", "r01", "R0A"] {
            assert!(ReturnCode::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(ReturnCode::parse(" R10 ").unwrap().to_string(), "R10");
        assert_eq!(ReturnClass::of("R10"), ReturnClass::Unauthorized);
        assert!(ReturnClass::of("R10").can_authorize_again());
        assert!(!ReturnClass::of("R02").can_authorize_again());
        assert_eq!(ReturnClass::of("not a code"), ReturnClass::Other);
    }

    #[test]
    fn every_assigned_code_has_nachas_title_and_a_reason_in_both_languages() {
        assert_eq!(R_CODES.len(), 70);
        for n in 1..=85u8 {
            let code = ReturnCode(n);
            assert!(!code.description().is_empty());
            assert_ne!(code.customer_reason(Lang::En), code.customer_reason(Lang::Es));
        }
        assert_eq!(ReturnCode(1).description(), "Insufficient Funds");
        assert_eq!(ReturnCode(29).description(), "Corporate Customer Advises Not Authorized");
        assert!(ReturnCode(48).description().contains("not assigned"));
    }

    #[test]
    fn change_codes_name_what_they_correct() {
        let c = |t: &str| ChangeCode::parse(t).unwrap();
        assert_eq!(c("C01").corrects(), Corrects { account_number: true, ..Default::default() });
        assert_eq!(
            c("C07").corrects(),
            Corrects { routing: true, account_number: true, account_type: true }
        );
        assert_eq!(c("C04"), ChangeCode::Other(4));
        assert_eq!(c("C04").corrects(), Corrects::default());
        assert!(ChangeCode::parse("C14").is_err() && ChangeCode::parse("R01").is_err());
        assert_eq!(c("C03").corrects().text(Lang::En), "the account number and the routing number");
        assert_eq!(
            c("C07").corrects().text(Lang::Es),
            "el número de cuenta, el número de ruta y el tipo de cuenta (corriente o de ahorros)"
        );
    }
}
