//! Radio buttons: one markup for every choice of the portal's forms.

use leptos::prelude::*;

/// One radio button: its input's id and value, and its label.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub id: String,
    pub value: String,
    pub label: String,
}

impl Choice {
    pub fn new(id: impl Into<String>, value: impl Into<String>, label: impl Into<String>) -> Self {
        Self { id: id.into(), value: value.into(), label: label.into() }
    }
}

/// The radio buttons named `name`, each with its label; the one whose value is `checked`
/// is chosen.
#[component]
pub fn Choices(
    #[prop(into)] name: String,
    choices: Vec<Choice>,
    #[prop(into)] checked: String,
) -> impl IntoView {
    choices
        .into_iter()
        .map(|choice| {
            let chosen = choice.value == checked;
            view! {
                <span class="choice">
                    <input type="radio" id=choice.id.clone() name=name.clone() value=choice.value checked=chosen/>
                    <label for=choice.id>{choice.label}</label>
                </span>
            }
        })
        .collect_view()
}

/// A group of radio buttons: a fieldset with its legend, a hint, the group's error (its
/// problems name the first choice's id), the choices, and what follows them (`children`,
/// e.g. the field a choice needs).
#[component]
pub fn RadioGroup(
    #[prop(into)] name: String,
    #[prop(into)] legend: String,
    choices: Vec<Choice>,
    #[prop(into)] checked: String,
    #[prop(default = "choice-group")] class: &'static str,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] error: Option<Signal<Option<String>>>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <fieldset class=class>
            <legend>{legend}</legend>
            {hint.map(|hint| view! { <p class="hint">{hint}</p> })}
            {error.map(|error| move || error.get().map(|m| view! { <p class="field-error">{m}</p> }))}
            <Choices name choices checked/>
            {children.map(|children| children())}
        </fieldset>
    }
}
