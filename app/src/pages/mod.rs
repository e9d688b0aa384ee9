//! Pages that belong to no single feature: home, help (FAQ and terms), not found.

mod help;
mod home;
mod not_found;

pub use help::{Faq, TermsPage};
pub use home::Home;
pub use not_found::NotFound;
