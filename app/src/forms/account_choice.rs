//! The account a page shows, for a customer with more than one: a GET form, so the choice
//! is the page's address and works without JavaScript.

use crate::domain::AccountId;
use leptos::prelude::*;

/// A select of the customer's accounts posted to `action` (a GET), keeping `keep` (a
/// hidden field's name and value) as it was.
#[component]
pub fn AccountChoice(
    action: &'static str,
    id: &'static str,
    accounts: Vec<(AccountId, String)>,
    chosen: AccountId,
    #[prop(optional)] keep: Option<(&'static str, String)>,
) -> impl IntoView {
    use crate::i18n::*;
    let i18n = use_i18n();
    (accounts.len() > 1).then(|| view! {
        <form class="usage-account" method="get" action=action>
            {keep.map(|(name, value)| view! { <input type="hidden" name=name value=value/> })}
            <div class="field">
                <label for=id>{t!(i18n, usage.account)}</label>
                <select id=id name="account">
                    {accounts.iter().map(|(account, number)| view! {
                        <option value=account.to_string() selected=*account == chosen>{number.clone()}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="secondary">{t!(i18n, usage.show)}</button>
        </form>
    })
}
