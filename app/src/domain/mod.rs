//! Domain rules: pure parsing and validation, shared by the server and the browser.
//! No leptos, no sqlx here — "parse, don't validate": a value of these types is valid.

pub mod customer_account;
pub mod email;
pub mod money;
pub mod password;
pub mod zip;

pub use customer_account::{AccountNumber, CustomerAccountNumber, CustomerNumber};
pub use email::Email;
pub use money::Cents;
pub use password::NewPassword;
pub use zip::Zip;
