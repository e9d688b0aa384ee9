//! The markup every page shows about the session.

use super::SignOut;
use crate::i18n::*;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn SignOutButton() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SignOut>::new();
    view! {
        <ActionForm action=action attr:class="sign-out">
            <button type="submit" class="link-button">{t!(i18n, nav.sign_out)}</button>
        </ActionForm>
    }
}
