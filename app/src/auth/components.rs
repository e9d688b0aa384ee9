//! The markup every feature shows about the session.

use super::SignOut;
use crate::i18n::*;
use leptos::form::ActionForm;
use leptos::prelude::*;

/// "Sign in to …" with the link to the sign-in page, where a page needs a signed-in
/// customer. The children say what signing in is for.
#[component]
pub fn SignInNotice(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="notice">{children()}" "<a href=crate::paths::SIGN_IN>{t!(i18n, nav.sign_in)}</a></p>
    }
}

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
