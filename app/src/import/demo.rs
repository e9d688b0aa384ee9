//! Demo data for a fresh machine: a few accounts (one customer with two), with bills due
//! soon. Loaded through the same upserts as an import, so loading it again adds nothing.

use super::records::Address;
use super::{write_accounts, write_bills, AccountRecord, BillRecord, ImportError};
use crate::domain::{AccountNumber, Cents, CustomerNumber, Phone, Zip};
use crate::email::Letterhead;
use crate::platform::Db;

/// What the run command prints for people to try: (customer-account, ZIP, who).
pub const DEMO_LOGINS: &[(&str, &str, &str)] = &[
    ("12345678-1234567", "97501", "Alex Rivera, 1 of 2 accounts"),
    ("12345678-7654321", "97504", "Alex Rivera, 2 of 2 accounts"),
    ("23456789-2345678", "97502", "María López (mailing ZIP 97520 works too)"),
    ("00345678-0034567", "97501", "Sam Chen (type it with or without the leading zeros)"),
];

fn address(street: &str, city: &str, zip: &str) -> Address {
    Address {
        street: street.into(),
        city: city.into(),
        state: "OR".into(),
        zip: Zip::parse(zip).expect("demo ZIP"),
    }
}

/// A demo customer's account; `phone` is a 555-01xx number, reserved for fiction.
fn account(
    (customer, name, phone): (&str, &str, &str),
    account: &str,
    service: Address,
    mailing: Address,
) -> AccountRecord {
    AccountRecord {
        customer_number: CustomerNumber::parse(customer).expect("demo customer"),
        customer_name: name.into(),
        account_number: AccountNumber::parse(account).expect("demo account"),
        phone: Some(Phone::parse(phone).expect("demo phone")),
        class: None,
        service,
        mailing,
    }
}

pub fn demo_accounts() -> Vec<AccountRecord> {
    let main_st = address("123 Main St", "Medford", "97501");
    let oak = address("45 Oak Ave", "Medford", "97504");
    let alex = ("12345678", "Alex Rivera", "541-555-0101");
    vec![
        account(alex, "1234567", main_st.clone(), main_st),
        account(alex, "7654321", oak.clone(), oak),
        account(
            ("23456789", "María López", "541-555-0102"),
            "2345678",
            address("9 Pear Blossom Ln", "Medford", "97502"),
            address("PO Box 220", "Ashland", "97520"),
        ),
        account(
            ("00345678", "Sam Chen", "541-555-0103"),
            "0034567",
            address("300 Rogue River Hwy", "Medford", "97501"),
            address("300 Rogue River Hwy", "Medford", "97501"),
        ),
    ]
}

/// Three monthly bills per account, dated the 1st of this month and the two before, each
/// due on the 1st of the following month: the newest is always due within a month, and
/// loading again in the same month adds nothing.
pub fn demo_bills(today: time::Date) -> Vec<BillRecord> {
    let amounts = [
        ("1234567", [6120, 5890, 7345]),
        ("7654321", [3310, 2980, 4105]),
        ("2345678", [8875, 9120, 10250]),
        ("0034567", [4410, 4580, 4735]),
    ];
    let first_of = |date: time::Date| date.replace_day(1).expect("day 1 exists");
    let month_before = |date: time::Date| first_of(first_of(date) - time::Duration::days(1));
    let this_month = first_of(today);
    let cycles = [month_before(month_before(this_month)), month_before(this_month), this_month];
    let mut bills = Vec::new();
    for (account, cents) in amounts {
        for (i, (bill_date, amount)) in cycles.into_iter().zip(cents).enumerate() {
            let due_date = first_of(bill_date + time::Duration::days(31));
            let newest = i == cycles.len() - 1;
            bills.push(BillRecord {
                account_number: AccountNumber::parse(account).expect("demo account"),
                bill_date,
                due_date,
                amount: Cents(amount),
                // Older bills are paid; the newest is open.
                balance: Cents(if newest { amount } else { 0 }),
                usage_gallons: amount * 2,
            });
        }
    }
    bills
}

/// Loads the demo data; safe to run at every start. `head` signs the emails of an import
/// (a demo account moved back from another customer).
#[tracing::instrument(skip_all, fields(today = %today))]
pub async fn load(db: &Db, head: &Letterhead, today: time::Date) -> Result<(), ImportError> {
    let accounts: Vec<(u64, AccountRecord)> = demo_accounts().into_iter().map(|a| (0, a)).collect();
    write_accounts(db, head, &accounts).await?;
    let bills: Vec<(u64, BillRecord)> = demo_bills(today).into_iter().map(|b| (0, b)).collect();
    write_bills(db, &bills).await?;
    super::import_routing(db, super::fedach::DEMO_DIRECTORY).await?;
    Ok(())
}
