//! The two languages the portal speaks. Pages pick their words through leptos_i18n; what is
//! composed outside a page (emails, receipts, printed dates) picks them with this.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Lang {
    #[default]
    En,
    Es,
}

impl Lang {
    /// `es`, `es-MX`, `es_US` are Spanish; anything else is English.
    pub fn from_locale(locale: &str) -> Self {
        if locale.starts_with("es") {
            Self::Es
        } else {
            Self::En
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Es => "es",
        }
    }
    /// The text of this language among the two.
    pub fn pick<'a>(self, en: &'a str, es: &'a str) -> &'a str {
        match self {
            Self::En => en,
            Self::Es => es,
        }
    }
}
