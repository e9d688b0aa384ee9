//! A form's answer and its problems, the same for every feature: what was typed (to show
//! again) and what is wrong, each problem with the input it belongs to and its message in
//! the customer's language.

use crate::i18n::Locale;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// The page's translations (`t_string!` reads them).
pub type I18n = leptos_i18n::I18nContext<Locale>;

/// What can be wrong with a feature's forms. Each feature has its own enum of problems;
/// the pages show any of them the same way.
pub trait FormProblem: Copy + PartialEq + Send + Sync + 'static {
    /// The id of the input the problem belongs to ("" for the whole form): the error
    /// summary links to it, and the input shows the message.
    fn field(self) -> &'static str;
    /// The problem in the customer's language.
    fn message(self, i18n: I18n) -> String;
}

/// A form's answer: the values to show again, by input name (never a password, a card or
/// bank account number, nor a security code), and what is wrong. No problem means it
/// worked and the browser is being sent on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome<P> {
    pub values: Vec<(String, String)>,
    pub problems: Vec<P>,
}

impl<P> Default for Outcome<P> {
    fn default() -> Self {
        Self { values: Vec::new(), problems: Vec::new() }
    }
}

impl<P> Outcome<P> {
    /// An answer that keeps `values` to show again.
    pub fn keeping<'a>(values: impl IntoIterator<Item = (&'a str, String)>) -> Self {
        Self {
            values: values.into_iter().map(|(field, value)| (field.to_string(), value)).collect(),
            problems: Vec::new(),
        }
    }

    /// An answer with one problem.
    pub fn problem(problem: P) -> Self {
        Self { values: Vec::new(), problems: vec![problem] }
    }

    /// The value kept for `field` ("" if none).
    pub fn value(&self, field: &str) -> String {
        self.values.iter().find(|(k, _)| k == field).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    /// The value kept for `field`, read as a `T` (an id, a number).
    pub fn parsed<T: FromStr>(&self, field: &str) -> Option<T> {
        self.values.iter().find(|(k, _)| k == field).and_then(|(_, v)| v.parse().ok())
    }
}

impl<P: FormProblem> Outcome<P> {
    /// The message of the first problem of `field`, shown at its input.
    pub fn error(&self, i18n: I18n, field: &str) -> Option<String> {
        self.problems.iter().find(|p| p.field() == field).map(|p| p.message(i18n))
    }
}

/// Problems as the error summary lists them: the id of each one's input, and its message.
pub fn listed<P: FormProblem>(
    i18n: I18n,
    problems: impl IntoIterator<Item = P>,
) -> Vec<(String, String)> {
    problems.into_iter().map(|p| (p.field().to_string(), p.message(i18n))).collect()
}

/// The error summary of a kept answer.
pub fn summary<P: FormProblem>(
    i18n: I18n,
    outcome: Signal<Outcome<P>>,
) -> Signal<Vec<(String, String)>> {
    Signal::derive(move || listed(i18n, outcome.read().problems.iter().copied()))
}

/// The value the input `field` shows again from a kept answer.
pub fn kept_value<P: Send + Sync + 'static>(
    outcome: Signal<Outcome<P>>,
    field: &'static str,
) -> Signal<String> {
    Signal::derive(move || outcome.read().value(field))
}

/// The error the input `field` shows for a kept answer.
pub fn field_error<P: FormProblem>(
    i18n: I18n,
    outcome: Signal<Outcome<P>>,
    field: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || outcome.read().error(i18n, field))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_values_read_back_as_typed() {
        let outcome = Outcome::<()>::keeping([("account_id", "42".to_string())]);
        assert_eq!(outcome.value("account_id"), "42");
        assert_eq!(
            outcome.parsed::<crate::domain::AccountId>("account_id"),
            Some(crate::domain::AccountId(42))
        );
        assert_eq!(outcome.value("email"), "");
        assert_eq!(outcome.parsed::<i64>("email"), None);
    }
}
