//! Identity: who is signed in, in one place. The session's identity keys and the checks
//! on them (`session`), the SQL about logins and whom they belong to (`data`), a login's
//! sign-in lockout and its password reset link (`service`, for the customer's journeys and
//! the utility's staff alike), the server
//! functions that keep or end a session, and the markup every feature shows about it (the
//! sign-in notice, the sign-out button). Features ask `current_customer()`; registration's
//! journeys start sessions here and end them here.

mod components;
#[cfg(feature = "ssr")]
pub mod data;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod staff_data;

pub use components::{SignInNotice, SignOutButton};
#[cfg(feature = "ssr")]
pub use session::{
    current_customer, current_customer_login, current_customer_named, current_principal,
    current_staff, customer_of_request, require_admin, require_staff, RequestIdentity,
};

use crate::domain::staff::StaffRole;
use crate::domain::{CustomerId, LoginId, StaffId};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A customer signed in with their login (one login per customer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CustomerLogin {
    pub login: LoginId,
    pub customer: CustomerId,
}

/// A member of the utility's staff, signed in with their second factor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StaffMember {
    pub id: StaffId,
    pub role: StaffRole,
}

/// The person a session is for: a customer, or a member of the utility's staff. Whatever
/// asks for a customer gets `None` for staff, and the other way round, so a staff session
/// opens no customer page and a customer session no staff page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Principal {
    Customer(CustomerLogin),
    Staff(StaffMember),
}

impl Principal {
    pub fn customer(self) -> Option<CustomerLogin> {
        match self {
            Self::Customer(c) => Some(c),
            Self::Staff(_) => None,
        }
    }

    pub fn staff(self) -> Option<StaffMember> {
        match self {
            Self::Staff(s) => Some(s),
            Self::Customer(_) => None,
        }
    }
}

/// Who is signed in, as the header shows it: the name, and when the session reaches its
/// absolute end (`session_max_hours` after signing in).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SignedInUser {
    pub name: String,
    /// Epoch seconds. An instant rather than the seconds left, so that the answer is the
    /// same whichever instance of the portal gives it.
    pub ends_at: i64,
}

impl SignedInUser {
    /// Seconds until the session ends by the server's clock, which is the one that ends it
    /// (0 or less: it has). The header asks while the server renders it: it is no island.
    pub fn seconds_left(&self) -> i64 {
        #[cfg(feature = "ssr")]
        let now = crate::platform::db::now();
        // Only reached if the whole app ran in the browser, which Aqueduct never does (as
        // `branding::unreachable_on_client`): then the session counts as ending now.
        #[cfg(not(feature = "ssr"))]
        let now = self.ends_at;
        self.ends_at.saturating_sub(now)
    }
}

#[cfg(feature = "ssr")]
use crate::forms::internal;

/// The signed-in customer's name and the end of the session, for the header: one check
/// of the session. `None` when nobody is signed in.
#[server(endpoint = "current_user")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn current_user() -> Result<Option<SignedInUser>, ServerFnError> {
    let Some(signed_in) = session::signed_in().await else { return Ok(None) };
    if signed_in.principal.customer().is_none() {
        return Ok(None);
    }
    Ok(Some(SignedInUser { name: signed_in.name, ends_at: signed_in.ends_at }))
}

#[server(endpoint = "sign_out")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn sign_out() -> Result<(), ServerFnError> {
    session::sign_out().await.map_err(internal)?;
    leptos_axum::redirect(&format!("{}?signed_out=1", crate::paths::SIGN_IN));
    Ok(())
}

/// Keeps an idle session alive when the customer asks to (any request does; this one says
/// so). Harmless when signed out.
#[server(endpoint = "stay_signed_in")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn stay_signed_in() -> Result<bool, ServerFnError> {
    Ok(session::touch().await)
}

/// Ends a session the page saw go idle (the server's own timeout ends it too; this makes
/// sure a shared computer is signed out even if another tab kept the session alive), and
/// shows the sign-in page saying why.
#[server(endpoint = "end_idle_session")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn end_idle_session() -> Result<(), ServerFnError> {
    session::sign_out().await.map_err(internal)?;
    leptos_axum::redirect(&format!("{}?expired=1", crate::paths::SIGN_IN));
    Ok(())
}
