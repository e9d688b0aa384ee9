//! Payments: every way money moves, whoever asks for it (AutoPay's run today).

#[cfg(feature = "ssr")]
pub mod data;
