//! One row of an import file: first as read (all text), then parsed into domain types.

use crate::domain::import_problem::{Expected, ImportProblem};
use crate::domain::leak::ServiceClass;
use crate::domain::{AccountId, AccountNumber, Cents, CustomerId, CustomerNumber, Phone, Zip};
use serde::Deserialize;

/// A struct with the two addresses' columns, as the accounts file and the `accounts` table
/// both name them, after the fields given: the row as read, and the account as stored.
macro_rules! with_addresses {
    ($(#[$attr:meta])* struct $name:ident {
        $($(#[$field_attr:meta])* $vis:vis $field:ident: $ty:ty),* $(,)?
    }) => {
        $(#[$attr])*
        pub(super) struct $name {
            $($(#[$field_attr])* $vis $field: $ty,)*
            service_address: String,
            service_city: String,
            service_state: String,
            service_zip: String,
            mailing_address: String,
            mailing_city: String,
            mailing_state: String,
            mailing_zip: String,
        }
    };
}

with_addresses! {
    #[derive(Debug, Deserialize)]
    struct AccountRow {
        customer_number: String,
        customer_name: String,
        account_number: String,
        // Optional: files without the column are read as before.
        #[serde(default)]
        phone: Option<String>,
        // Optional: `residential` or `commercial`; without it the stored class is kept.
        #[serde(default)]
        class: Option<String>,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub street: String,
    pub city: String,
    pub state: String,
    pub zip: Zip,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    pub customer_number: CustomerNumber,
    pub customer_name: String,
    pub account_number: AccountNumber,
    /// The customer's; `None` clears a stored one.
    pub phone: Option<Phone>,
    /// The account's class; `None` keeps the stored one.
    pub class: Option<ServiceClass>,
    pub service: Address,
    pub mailing: Address,
}

fn required(value: String, column: &str) -> Result<String, ImportProblem> {
    let value = value.trim().to_string();
    let column = column.to_string();
    if value.is_empty() {
        Err(ImportProblem::Empty { column })
    } else if value.chars().count() > 200 {
        Err(ImportProblem::TooLong { column })
    } else if value.chars().any(char::is_control) {
        Err(ImportProblem::ControlCharacter { column })
    } else {
        Ok(value)
    }
}

fn state(value: String, column: &str) -> Result<String, ImportProblem> {
    let value = value.trim().to_ascii_uppercase();
    if value.len() == 2 && value.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(value)
    } else {
        Err(ImportProblem::invalid(column, Expected::StateCode))
    }
}

fn zip(value: &str, column: &str) -> Result<Zip, ImportProblem> {
    Zip::parse(value).map_err(|_| ImportProblem::invalid(column, Expected::Zip))
}

impl TryFrom<AccountRow> for AccountRecord {
    type Error = ImportProblem;
    fn try_from(row: AccountRow) -> Result<Self, ImportProblem> {
        Ok(Self {
            customer_number: CustomerNumber::parse(&row.customer_number)
                .map_err(|_| ImportProblem::invalid("customer_number", Expected::CustomerNumber))?,
            customer_name: required(row.customer_name, "customer_name")?,
            account_number: account_number(&row.account_number)?,
            phone: match row.phone.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(phone) => Some(
                    Phone::parse(phone)
                        .map_err(|_| ImportProblem::invalid("phone", Expected::Phone))?,
                ),
            },
            class: match row.class.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(class) => Some(
                    ServiceClass::parse(class)
                        .ok_or_else(|| ImportProblem::invalid("class", Expected::ServiceClass))?,
                ),
            },
            service: Address {
                street: required(row.service_address, "service_address")?,
                city: required(row.service_city, "service_city")?,
                state: state(row.service_state, "service_state")?,
                zip: zip(&row.service_zip, "service_zip")?,
            },
            mailing: Address {
                street: required(row.mailing_address, "mailing_address")?,
                city: required(row.mailing_city, "mailing_city")?,
                state: state(row.mailing_state, "mailing_state")?,
                zip: zip(&row.mailing_zip, "mailing_zip")?,
            },
        })
    }
}

with_addresses! {
    /// An account as stored, to tell an unchanged row from an update.
    #[derive(Debug, sqlx::FromRow)]
    struct StoredAccount {
        pub id: AccountId,
        pub customer_id: CustomerId,
        pub account_number: String,
    }
}

impl StoredAccount {
    pub fn matches(&self, customer_id: CustomerId, r: &AccountRecord) -> bool {
        self.customer_id == customer_id
            && self.service_address == r.service.street
            && self.service_city == r.service.city
            && self.service_state == r.service.state
            && self.service_zip == r.service.zip.as_str()
            && self.mailing_address == r.mailing.street
            && self.mailing_city == r.mailing.city
            && self.mailing_state == r.mailing.state
            && self.mailing_zip == r.mailing.zip.as_str()
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct BillRow {
    account_number: String,
    bill_date: String,
    due_date: String,
    amount: String,
    balance: String,
    usage_gallons: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillRecord {
    pub account_number: AccountNumber,
    pub bill_date: time::Date,
    pub due_date: time::Date,
    pub amount: Cents,
    pub balance: Cents,
    pub usage_gallons: i64,
}

pub(super) fn iso_date(value: &str, column: &str) -> Result<time::Date, ImportProblem> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(value.trim(), &format)
        .map_err(|_| ImportProblem::invalid(column, Expected::Date))
}

/// The `account_number` column every import file has.
pub(super) fn account_number(value: &str) -> Result<AccountNumber, ImportProblem> {
    AccountNumber::parse(value)
        .map_err(|_| ImportProblem::invalid("account_number", Expected::AccountNumber))
}

fn dollars(value: &str, column: &str) -> Result<Cents, ImportProblem> {
    Cents::parse_dollars(value).map_err(|_| ImportProblem::invalid(column, Expected::Dollars))
}

impl TryFrom<BillRow> for BillRecord {
    type Error = ImportProblem;
    fn try_from(row: BillRow) -> Result<Self, ImportProblem> {
        let bill_date = iso_date(&row.bill_date, "bill_date")?;
        let due_date = iso_date(&row.due_date, "due_date")?;
        if due_date < bill_date {
            return Err(ImportProblem::DueBeforeBill);
        }
        let usage_gallons: i64 = row
            .usage_gallons
            .trim()
            .parse()
            .ok()
            .filter(|g| *g >= 0)
            .ok_or(ImportProblem::invalid("usage_gallons", Expected::WholeGallons))?;
        Ok(Self {
            account_number: account_number(&row.account_number)?,
            bill_date,
            due_date,
            amount: dollars(&row.amount, "amount")?,
            balance: dollars(&row.balance, "balance")?,
            usage_gallons,
        })
    }
}
