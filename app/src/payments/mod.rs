//! Payments: every way money moves, whoever asks for it (AutoPay's run today). Here are the
//! routing directory (`data::directory`) and the one label of a payment method (`label`,
//! browser-safe: the pages show it too).

mod label;

pub use label::{brand_name, expiry_text, MethodKind, MethodLabel};

#[cfg(feature = "ssr")]
pub use label::method_label;

#[cfg(feature = "ssr")]
pub mod data;
