//! What every back-office page shares: the bar that says who is signed in (with the way
//! out), the back-office menu, and the notice a visitor or a customer gets instead of the
//! page.

use crate::domain::staff::StaffRole;
use crate::i18n::*;
use crate::paths;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// The signed-in staff member, as the bar shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffBarInfo {
    pub email: String,
    pub role: StaffRole,
}

/// The signed-in staff member; `None` for a visitor or a customer.
#[server(endpoint = "staff_header")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn staff_header() -> Result<Option<StaffBarInfo>, ServerFnError> {
    let Some(member) = crate::auth::current_staff().await else { return Ok(None) };
    let db = expect_context::<crate::platform::Db>();
    let row =
        crate::auth::staff_data::by_id(&db, member.id).await.map_err(crate::forms::internal)?;
    Ok(row.map(|r| StaffBarInfo { email: r.email, role: member.role }))
}

/// A back-office page: its content only for signed-in staff (admins only, when `admin`).
/// The page's own resources are created by the page, outside this: one created inside
/// these children would be created again on the server's second pass, and its page
/// never finish rendering.
#[component]
pub fn StaffPage(#[prop(optional)] admin: bool, children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let header = Resource::new_blocking(|| (), |_| staff_header());
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| ()>
            {move || header.get().map(|found| match found {
                Ok(Some(staff)) if !admin || staff.role == StaffRole::Admin => view! {
                    <StaffBar staff/>
                    {children.read_value()()}
                }.into_any(),
                Ok(_) => view! {
                    <Title text=t_string!(i18n, staff.sign_in_title).to_string()/>
                    <h1>{t!(i18n, staff.home_title)}</h1>
                    <p class="notice" role="alert">{t!(i18n, staff.not_signed_in)}</p>
                    <p><a href=paths::STAFF_SIGN_IN>{t!(i18n, staff.sign_in_link)}</a></p>
                }.into_any(),
                Err(_) => view! { <crate::forms::ErrorNotice/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn StaffBar(staff: StaffBarInfo) -> impl IntoView {
    let i18n = use_i18n();
    let sign_out = ServerAction::<super::access::StaffSignOut>::new();
    let role = match staff.role {
        StaffRole::Agent => t_string!(i18n, staff.role_agent),
        StaffRole::Admin => t_string!(i18n, staff.role_admin),
    };
    let is_admin = staff.role == StaffRole::Admin;
    view! {
        <nav class="staff-bar" aria-label=t_string!(i18n, staff.nav_label)>
            <ul>
                <li><a href=paths::STAFF_HOME>{t!(i18n, staff.nav_search)}</a></li>
                {is_admin.then(|| view! {
                    <li><a href=paths::STAFF_IMPORTS>{t!(i18n, staff.nav_imports)}</a></li>
                    <li><a href=paths::STAFF_AUDIT>{t!(i18n, staff.nav_audit)}</a></li>
                })}
            </ul>
            <p>{t!(i18n, staff.signed_in_as)}" "{staff.email}" ("{role}")"</p>
            <ActionForm action=sign_out>
                <button type="submit" class="secondary">{t!(i18n, staff.sign_out)}</button>
            </ActionForm>
        </nav>
    }
}

#[component]
pub fn StaffHomePage() -> impl IntoView {
    let i18n = use_i18n();
    let figures = super::dashboard::dashboard_resource();
    view! {
        <Title text=t_string!(i18n, staff.home_title).to_string()/>
        <StaffPage>
            <h1>{t!(i18n, staff.home_title)}</h1>
            <super::search::SearchBox query=""/>
            <super::dashboard::Dashboard figures/>
        </StaffPage>
    }
}
