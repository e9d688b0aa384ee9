//! The staff's way in: enrollment from the link `server staff add` prints, sign-in with
//! email, password and a code, sign-out. Their sessions are `auth`'s.

mod pages;
#[cfg(feature = "ssr")]
pub mod service;

pub use pages::{StaffEnrollPage, StaffEnrolledPage, StaffSignInPage};

#[cfg(feature = "ssr")]
use crate::forms::{finish, internal};
use crate::forms::{FormProblem, I18n};
use crate::i18n::*;
use crate::paths;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What can be wrong with a staff form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    SignInFailed,
    TryLater(i64),
    Locked(i64),
    LinkUnknown,
    LinkExpired,
    LinkUsed,
    PasswordTooShort,
    PasswordTooLong,
    PasswordCommon,
    PasswordContainsEmail,
    PasswordMismatch,
    CodeEmpty,
    CodeShape,
    CodeWrong,
}

impl FormProblem for Problem {
    fn field(self) -> &'static str {
        use Problem::*;
        match self {
            PasswordTooShort | PasswordTooLong | PasswordCommon | PasswordContainsEmail => {
                "password"
            }
            PasswordMismatch => "password_confirm",
            CodeEmpty | CodeShape | CodeWrong => "code",
            SignInFailed | TryLater(_) | Locked(_) | LinkUnknown | LinkExpired | LinkUsed => "",
        }
    }

    fn message(self, i18n: I18n) -> String {
        use Problem::*;
        let minutes = |before: &str, m: i64, after: &str| format!("{before} {m} {after}");
        match self {
            SignInFailed => t_string!(i18n, staff.failed).into(),
            TryLater(m) => minutes(
                t_string!(i18n, staff.try_later_before),
                m,
                t_string!(i18n, staff.try_later_after),
            ),
            Locked(m) => minutes(
                t_string!(i18n, staff.locked_before),
                m,
                t_string!(i18n, staff.locked_after),
            ),
            LinkUnknown => t_string!(i18n, staff.link_unknown).into(),
            LinkExpired => t_string!(i18n, staff.link_expired).into(),
            LinkUsed => t_string!(i18n, staff.link_used).into(),
            PasswordTooShort => t_string!(i18n, register.password_too_short).into(),
            PasswordTooLong => t_string!(i18n, register.password_too_long).into(),
            PasswordCommon => t_string!(i18n, register.password_common).into(),
            PasswordContainsEmail => t_string!(i18n, register.password_contains_email).into(),
            PasswordMismatch => t_string!(i18n, register.password_mismatch).into(),
            CodeEmpty => t_string!(i18n, staff.code_empty).into(),
            CodeShape => t_string!(i18n, staff.code_shape).into(),
            CodeWrong => t_string!(i18n, staff.code_wrong).into(),
        }
    }
}

pub type StaffOutcome = crate::forms::Outcome<Problem>;

/// What the enrollment page shows for a valid link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollmentView {
    pub email: String,
    /// The key in text, in groups of four.
    pub secret: String,
    /// The QR code as a `data:` URL of its SVG.
    pub qr_src: String,
}

#[cfg(feature = "ssr")]
fn issuer() -> String {
    expect_context::<crate::platform::Config>().utility.name
}

#[server(endpoint = "staff_enrollment")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn staff_enrollment(
    token: String,
) -> Result<Result<EnrollmentView, Problem>, ServerFnError> {
    use base64::Engine;
    let db = expect_context::<crate::platform::Db>();
    let vault = expect_context::<crate::platform::vault::Vault>();
    let found = service::enrollment(&db, &vault, &issuer(), &token).await.map_err(internal)?;
    Ok(found.map(|e| EnrollmentView {
        email: e.email,
        secret: e.secret,
        qr_src: format!(
            "data:image/svg+xml;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(e.qr_svg)
        ),
    }))
}

/// Where the recovery codes wait for the page that shows them, once.
#[cfg(feature = "ssr")]
const RECOVERY_CODES_KEY: &str = "staff_recovery_codes";

#[server(endpoint = "staff_enroll")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn staff_enroll(
    token: String,
    password: String,
    password_confirm: String,
    code: String,
) -> Result<StaffOutcome, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let vault = expect_context::<crate::platform::vault::Vault>();
    let address = crate::platform::request::client_address().await;
    let form = service::EnrollForm {
        token: &token,
        password: &password,
        password_confirm: &password_confirm,
        code: &code,
    };
    let mut outcome = StaffOutcome::default();
    match service::enroll(&db, &vault, &issuer(), &address, form).await.map_err(internal)? {
        Ok(codes) => {
            let session = crate::auth::session::session().await?;
            session.insert(RECOVERY_CODES_KEY, codes).await.map_err(internal)?;
        }
        Err(problems) => outcome.problems = problems,
    }
    let back = format!("{}?token={}", paths::STAFF_ENROLL, urlencode(&token));
    if outcome.problems.is_empty() {
        leptos_axum::redirect(paths::STAFF_ENROLLED);
        return Ok(outcome);
    }
    crate::forms::keep_for_redirect("staff_enroll", &outcome).await;
    leptos_axum::redirect(&back);
    Ok(outcome)
}

#[cfg(feature = "ssr")]
fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[server(endpoint = "take_staff_enroll_outcome")]
pub async fn take_staff_enroll_outcome() -> Result<Option<StaffOutcome>, ServerFnError> {
    crate::forms::take_outcome("staff_enroll").await
}

/// The recovery codes of the enrollment just completed in this browser, once.
#[server(endpoint = "staff_recovery_codes")]
pub async fn staff_recovery_codes() -> Result<Vec<String>, ServerFnError> {
    let session = crate::auth::session::session().await?;
    Ok(session.remove::<Vec<String>>(RECOVERY_CODES_KEY).await.ok().flatten().unwrap_or_default())
}

#[server(endpoint = "staff_sign_in")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn staff_sign_in(
    email: String,
    password: String,
    code: String,
) -> Result<StaffOutcome, ServerFnError> {
    let db = expect_context::<crate::platform::Db>();
    let vault = expect_context::<crate::platform::vault::Vault>();
    let config = expect_context::<crate::platform::Config>();
    let client = crate::platform::request::client_address().await;
    let caller = crate::platform::throttle::Caller { client: &client, limits: &config.limits };
    let mut outcome = StaffOutcome::keeping([("email", email.clone())]);
    let form = service::SignInForm { email: &email, password: &password, code: &code };
    match service::sign_in(&db, &vault, &caller, &issuer(), form).await {
        Ok(Ok(staff)) => crate::auth::session::sign_in_staff(staff.id, staff.epoch).await?,
        Ok(Err(problem)) => outcome.problems.push(problem),
        Err(service::EnrollError::Service(crate::platform::ServiceError::Busy(_))) => {
            return Err(crate::forms::busy())
        }
        Err(e) => return Err(internal(e)),
    }
    finish("staff_sign_in", outcome, paths::STAFF_HOME).await
}

#[server(endpoint = "take_staff_sign_in_outcome")]
pub async fn take_staff_sign_in_outcome() -> Result<Option<StaffOutcome>, ServerFnError> {
    crate::forms::take_outcome("staff_sign_in").await
}

#[server(endpoint = "staff_sign_out")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn staff_sign_out() -> Result<(), ServerFnError> {
    if let Some(staff) = crate::auth::current_staff().await {
        crate::backoffice::audit_log::record(
            staff,
            crate::audit::AuditAction::SignOut,
            None,
            None,
            "{}",
        )
        .await?;
    }
    crate::auth::session::sign_out().await.map_err(internal)?;
    leptos_axum::redirect(&format!("{}?signed_out=1", paths::STAFF_SIGN_IN));
    Ok(())
}
