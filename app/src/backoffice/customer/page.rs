//! `/staff/customers/:id`: the customer's page, with the answer of the action just taken.

use super::{staff_customer, CustomerPage};
use crate::backoffice::actions::take_staff_action_outcome;
use crate::backoffice::StaffPage;
use crate::forms::kept_outcome;
use crate::i18n::*;
use crate::paths;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The page's resources belong to the page itself, not to the staff-only part inside it:
/// a resource created inside another's suspense would be created again (and the view
/// logged twice) on the server's second pass.
#[component]
pub fn StaffCustomerPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let file = Resource::new_blocking(id, staff_customer);
    let kept = Resource::new_blocking(|| (), |_| take_staff_action_outcome());
    let outcome = kept_outcome(kept);
    view! {
        <Title text=t_string!(i18n, backoffice.customer_title).to_string()/>
        <StaffPage>
            <Suspense fallback=|| ()>
                {move || file.get().map(|found| match found {
                    Ok(Some(file)) => view! { <CustomerPage file outcome=outcome.get()/> }.into_any(),
                    Ok(None) => view! {
                        <h1>{t!(i18n, backoffice.customer_title)}</h1>
                        <p class="notice" role="alert">{t!(i18n, backoffice.no_such_customer)}</p>
                        <p><a href=paths::STAFF_HOME>{t!(i18n, backoffice.search_again)}</a></p>
                    }.into_any(),
                    Err(_) => view! { <crate::forms::ErrorNotice/> }.into_any(),
                })}
            </Suspense>
        </StaffPage>
    }
}
