//! Domain rules: pure parsing and validation, shared by the server and the browser.
//! No leptos, no sqlx here — "parse, don't validate": a value of these types is valid.

pub mod ach_rates;
pub mod ach_return;
pub mod alert_choices;
pub mod autopay;
pub mod bank_account;
pub mod banking_days;
pub mod card;
pub mod customer_account;
pub mod email;
pub mod format;
pub mod ids;
pub mod import_kind;
pub mod import_problem;
pub mod language;
pub mod leak;
pub mod local_path;
pub mod mask;
pub mod meter_read;
pub mod money;
pub mod nacha_fault;
pub mod password;
pub mod payment;
pub mod phone;
pub mod reason;
pub mod routing_number;
pub mod staff;
pub mod staff_search;
pub mod water_use;
pub mod zip;

pub use bank_account::{BankAccountNumber, BankAccountType};
pub use card::{CardBrand, CardNumber, Expiry, SecurityCode};
pub use customer_account::{AccountNumber, CustomerAccountNumber, CustomerNumber};
pub use email::Email;
pub use ids::{
    AccountId, AuditId, BillId, CustomerId, EmailId, EnrollmentId, LoginId, MethodId, NachaFileId,
    PaymentId, StaffId, SubmissionId, TokenId,
};
pub use import_kind::ImportKind;
pub use import_problem::{Expected, ImportProblem, LineProblem};
pub use language::Lang;
pub use local_path::local_path;
pub use money::Cents;
pub use password::NewPassword;
pub use phone::Phone;
pub use reason::Reason;
pub use routing_number::RoutingNumber;
pub use zip::Zip;
