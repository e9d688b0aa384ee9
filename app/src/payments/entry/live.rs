//! Checking the entry form while the customer types. The form is rendered on the server
//! and posts as a plain form; the `LiveChecks` island around it only adds the checks (once
//! a field was left and edited), the bank's name from the routing directory and the card's
//! brand. The island is small on purpose: it works on the server's HTML through the DOM
//! instead of re-rendering the form, so the form's view code stays out of the wasm.

use super::{bank_for_routing, MethodProblem};
use crate::domain::{
    BankAccountNumber, CardBrand, CardNumber, Expiry, RoutingNumber, SecurityCode, Zip,
};
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{Element, HtmlInputElement};
use std::collections::HashSet;

/// What is wrong with `value` in the add form's field `field`, by the same parsers as the
/// server; `other` reads another field (the account number to compare with, the card number
/// that decides the security code's length). `None` for a field without a live check.
pub fn live_problem(
    field: &str,
    value: &str,
    other: impl Fn(&str) -> String,
    year: u16,
    month: u8,
) -> Option<MethodProblem> {
    let blank = |problem: MethodProblem| value.trim().is_empty().then_some(problem);
    match field {
        "routing_number" => RoutingNumber::parse(value).err().map(MethodProblem::from),
        "account_number" => BankAccountNumber::parse(value).err().map(MethodProblem::from),
        "account_number_confirm" => (value.trim() != other("account_number").trim())
            .then_some(MethodProblem::AccountMismatch),
        "bank_name" => blank(MethodProblem::BankNameEmpty),
        "holder_name" => blank(MethodProblem::HolderNameEmpty),
        "card_number" => CardNumber::parse(value).err().map(MethodProblem::from),
        "card_name" => blank(MethodProblem::CardNameEmpty),
        "expiry" => Expiry::parse(value, year, month).err().map(MethodProblem::from),
        "security_code" => SecurityCode::parse(value, CardBrand::detect(&other("card_number")))
            .err()
            .map(MethodProblem::from),
        "billing_zip" => Zip::parse(value).err().map(MethodProblem::from),
        _ => None,
    }
}

/// The fields `live_problem` checks (the other inputs of the form are left alone).
pub const LIVE_FIELDS: [&str; 10] = [
    "routing_number",
    "account_number",
    "account_number_confirm",
    "bank_name",
    "holder_name",
    "card_number",
    "card_name",
    "expiry",
    "security_code",
    "billing_zip",
];

/// The island around the add form. `messages` holds the text of each of `LIVE_PROBLEMS`;
/// `brand_label` is "Card type:" in the page's language.
#[island]
pub fn LiveChecks(
    messages: Vec<(MethodProblem, String)>,
    brand_label: String,
    year: u16,
    month: u8,
    children: Children,
) -> impl IntoView {
    // Fields the customer has left once, and fields changed since the page loaded.
    let touched = StoredValue::new(HashSet::<String>::new());
    let edited = StoredValue::new(HashSet::<String>::new());
    let messages = StoredValue::new(messages);
    let refresh = move |input: &HtmlInputElement| {
        let id = input.id();
        let checked_now = LIVE_FIELDS.contains(&id.as_str())
            && touched.with_value(|t| t.contains(&id))
            && edited.with_value(|e| e.contains(&id));
        if !checked_now {
            return; // the server's verdict (if any) stays until the field was left and edited
        }
        let problem = live_problem(&id, &input.value(), field_value, year, month);
        let text = problem.and_then(|p| {
            messages.with_value(|m| m.iter().find(|(q, _)| *q == p).map(|(_, t)| t.clone()))
        });
        show_error(input, text.as_deref());
    };
    let on_input = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else {
            return;
        };
        let id = input.id();
        edited.update_value(|e| {
            e.insert(id.clone());
        });
        refresh(&input);
        match id.as_str() {
            "routing_number" => name_the_bank(input.value(), refresh),
            "card_number" => {
                let brand = CardBrand::detect(&input.value());
                let text = (brand != CardBrand::Unknown)
                    .then(|| format!("{brand_label} {}", brand.display_name()));
                if let Some(shown) = element("card-brand") {
                    shown.set_text_content(text.as_deref());
                }
            }
            _ => {}
        }
    };
    let on_focusout = move |ev: leptos::ev::FocusEvent| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else {
            return;
        };
        touched.update_value(|t| {
            t.insert(input.id());
        });
        refresh(&input);
    };
    view! { <div class="live-checks" on:input=on_input on:focusout=on_focusout>{children()}</div> }
}

/// Fills in the bank's name from the routing directory once the routing number is valid,
/// unless the customer has typed one.
fn name_the_bank(routing: String, refresh: impl Fn(&HtmlInputElement) + 'static) {
    if RoutingNumber::parse(&routing).is_err() || !field_value("bank_name").trim().is_empty() {
        return;
    }
    leptos::task::spawn_local(async move {
        if let Ok(Some(name)) = bank_for_routing(routing).await {
            if let Some(bank) =
                element("bank_name").and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
            {
                if bank.value().trim().is_empty() {
                    bank.set_value(&name);
                    refresh(&bank);
                }
            }
        }
    });
}

fn element(id: &str) -> Option<Element> {
    document().get_element_by_id(id)
}

fn field_value(id: &str) -> String {
    element(id)
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
        .map(|i| i.value())
        .unwrap_or_default()
}

/// Shows `message` as the input's error, or clears it: the same markup as the server's
/// (`TextField`), with `aria-invalid` and `aria-describedby` kept in step.
fn show_error(input: &HtmlInputElement, message: Option<&str>) {
    let id = input.id();
    let error_id = format!("{id}-error");
    let Some(field) = input.parent_element() else { return };
    let existing = element(&error_id);
    match message {
        Some(text) => {
            let shown = existing.or_else(|| {
                let p = document().create_element("p").ok()?;
                p.set_class_name("field-error");
                p.set_id(&error_id);
                field.insert_before(&p, Some(input)).ok()?;
                Some(p)
            });
            if let Some(shown) = shown {
                shown.set_text_content(Some(text));
            }
            let _ = field.class_list().add_1("has-error");
            let _ = input.set_attribute("aria-invalid", "true");
        }
        None => {
            if let Some(old) = existing {
                old.remove();
            }
            let _ = field.class_list().remove_1("has-error");
            let _ = input.remove_attribute("aria-invalid");
        }
    }
    let hint_id = format!("{id}-hint");
    let described: Vec<&str> =
        [(element(&hint_id).is_some(), hint_id.as_str()), (message.is_some(), error_id.as_str())]
            .into_iter()
            .filter(|(on, _)| *on)
            .map(|(_, id)| id)
            .collect();
    if described.is_empty() {
        let _ = input.remove_attribute("aria-describedby");
    } else {
        let _ = input.set_attribute("aria-describedby", &described.join(" "));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payments::entry::LIVE_PROBLEMS;

    fn nothing_else(_: &str) -> String {
        String::new()
    }

    #[test]
    fn each_field_is_checked_by_the_servers_parsers() {
        assert_eq!(
            live_problem("routing_number", "12345", nothing_else, 2026, 11),
            Some(MethodProblem::RoutingLength)
        );
        assert_eq!(live_problem("routing_number", "011000015", nothing_else, 2026, 11), None);
        assert_eq!(
            live_problem("bank_name", "  ", nothing_else, 2026, 11),
            Some(MethodProblem::BankNameEmpty)
        );
        assert_eq!(
            live_problem("card_number", "4111111111111112", nothing_else, 2026, 11),
            Some(MethodProblem::CardChecksum)
        );
        assert_eq!(
            live_problem("expiry", "10/26", nothing_else, 2026, 11),
            Some(MethodProblem::ExpiryPast)
        );
        assert_eq!(live_problem("expiry", "12/26", nothing_else, 2026, 11), None);
        assert_eq!(
            live_problem("billing_zip", "9021", nothing_else, 2026, 11),
            Some(MethodProblem::ZipFormat)
        );
        assert!(!LIVE_FIELDS.contains(&"make_default"));
    }

    #[test]
    fn checks_that_depend_on_another_field_read_it() {
        let typed = |id: &str| match id {
            "account_number" => "123456789".to_string(),
            "card_number" => "378282246310005".to_string(), // American Express: four digits
            _ => String::new(),
        };
        assert_eq!(live_problem("account_number_confirm", "123456789", typed, 2026, 11), None);
        assert_eq!(
            live_problem("account_number_confirm", "123456780", typed, 2026, 11),
            Some(MethodProblem::AccountMismatch)
        );
        assert_eq!(
            live_problem("security_code", "123", typed, 2026, 11),
            Some(MethodProblem::CodeFour)
        );
        assert_eq!(live_problem("security_code", "1234", typed, 2026, 11), None);
    }

    #[test]
    fn every_problem_a_live_check_finds_has_a_message_for_the_island() {
        let samples = [
            "",
            " ",
            "abc",
            "1",
            "12345",
            "123456789",
            "999999999",
            "0123456789012345678",
            "4111111111111112",
            "13/26",
            "01/20",
            "12/99",
            "12",
            "12345-",
        ];
        for field in LIVE_FIELDS {
            for value in samples {
                if let Some(problem) =
                    live_problem(field, value, |_| "4111111111111111".to_string(), 2026, 11)
                {
                    assert!(
                        LIVE_PROBLEMS.contains(&problem),
                        "{field} {value:?}: {problem:?} has no message in LIVE_PROBLEMS"
                    );
                }
            }
        }
    }
}
