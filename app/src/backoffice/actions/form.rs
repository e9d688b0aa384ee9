//! An action as the customer's page offers it: a disclosure with the reason to give and
//! the button (a plain form: it works without JavaScript), and the answer the page shows
//! when the browser comes back.

use super::{Action, ActionOutcome, StaffAct};
use crate::domain::{AccountId, CustomerId, MethodId, PaymentId, Reason};
use crate::forms::FormProblem;
use crate::i18n::*;
use leptos::form::ActionForm;
use leptos::prelude::*;

/// An action with what it acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    ResendVerification(AccountId),
    SendPasswordReset,
    UnlockSignIn,
    CancelAutopay(AccountId),
    SwitchToPaper(AccountId),
    RemovePaymentMethod { method: MethodId, replacement: Option<MethodId> },
    ResendReceipt(PaymentId),
}

impl Target {
    /// The target of `action` from the form's `account`, `method`, `replacement` and
    /// `payment`; `None` when the one it needs is missing or does not read.
    pub fn read(action: Action, fields: [Option<String>; 4]) -> Option<Self> {
        let [account, method, replacement, payment] = fields.map(|f| {
            f.map(|text| text.trim().to_string()).filter(|text| !text.is_empty())
        });
        fn id<T: std::str::FromStr>(field: Option<String>) -> Option<T> {
            field.and_then(|text| text.parse().ok())
        }
        Some(match action {
            Action::ResendVerification => Self::ResendVerification(id(account)?),
            Action::SendPasswordReset => Self::SendPasswordReset,
            Action::UnlockSignIn => Self::UnlockSignIn,
            Action::CancelAutopay => Self::CancelAutopay(id(account)?),
            Action::SwitchToPaper => Self::SwitchToPaper(id(account)?),
            Action::RemovePaymentMethod => Self::RemovePaymentMethod {
                method: id(method)?,
                replacement: match replacement {
                    Some(text) => Some(text.parse().ok()?),
                    None => None,
                },
            },
            Action::ResendReceipt => Self::ResendReceipt(id(payment)?),
        })
    }

    pub fn action(self) -> Action {
        match self {
            Self::ResendVerification(_) => Action::ResendVerification,
            Self::SendPasswordReset => Action::SendPasswordReset,
            Self::UnlockSignIn => Action::UnlockSignIn,
            Self::CancelAutopay(_) => Action::CancelAutopay,
            Self::SwitchToPaper(_) => Action::SwitchToPaper,
            Self::RemovePaymentMethod { .. } => Action::RemovePaymentMethod,
            Self::ResendReceipt(_) => Action::ResendReceipt,
        }
    }

    /// The form's field naming what is acted on (none for the login).
    fn field(self) -> Option<(&'static str, String)> {
        match self {
            Self::ResendVerification(a) | Self::CancelAutopay(a) | Self::SwitchToPaper(a) => {
                Some(("account", a.to_string()))
            }
            Self::RemovePaymentMethod { method, .. } => Some(("method", method.to_string())),
            Self::ResendReceipt(p) => Some(("payment", p.to_string())),
            Self::SendPasswordReset | Self::UnlockSignIn => None,
        }
    }

    /// Does it, for `customer`.
    #[cfg(feature = "ssr")]
    pub async fn act(
        self,
        ctx: &super::service::ActionContext<'_>,
        customer: CustomerId,
    ) -> Result<super::service::Done, super::service::ActionError> {
        use super::service as s;
        match self {
            Self::ResendVerification(account) => s::resend_verification(ctx, customer, account).await,
            Self::SendPasswordReset => s::send_password_reset(ctx, customer).await,
            Self::UnlockSignIn => s::unlock_sign_in(ctx, customer).await,
            Self::CancelAutopay(account) => s::cancel_autopay(ctx, customer, account).await,
            Self::SwitchToPaper(account) => s::switch_to_paper(ctx, customer, account).await,
            Self::RemovePaymentMethod { method, replacement } => {
                s::remove_payment_method(ctx, customer, method, replacement).await
            }
            Self::ResendReceipt(payment) => s::resend_receipt(ctx, customer, payment).await,
        }
    }
}

/// The action `target` for `customer`, behind a disclosure: the reason (required) and the
/// button; for a method AutoPay pays with, the method it moves to (`replacements`: the
/// customer's other usable methods, labelled).
#[component]
pub fn ActOn(
    customer: CustomerId,
    target: Target,
    #[prop(optional)] replacements: Vec<(MethodId, String)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let act = ServerAction::<StaffAct>::new();
    let action = target.action();
    let field = target.field();
    let id = format!("{}-{}", action.as_str(), field.as_ref().map_or("login", |f| f.1.as_str()));
    let reason_id = format!("reason-{id}");
    let replacement_id = format!("replacement-{id}");
    let choose = (!replacements.is_empty()).then(|| {
        view! {
            <div class="field">
                <label for=replacement_id.clone()>{t!(i18n, staff_actions.replacement_label)}</label>
                <select id=replacement_id name="replacement">
                    {replacements.into_iter().map(|(method, label)| view! {
                        <option value=method.to_string()>{label}</option>
                    }).collect_view()}
                </select>
            </div>
        }
    });
    view! {
        <details class="staff-act" id=id>
            <summary>{action.label(i18n)}</summary>
            <ActionForm action=act attr:class="form">
                <input type="hidden" name="customer" value=customer.to_string()/>
                <input type="hidden" name="action" value=action.as_str()/>
                {field.map(|(name, value)| view! { <input type="hidden" name=name value=value/> })}
                {choose}
                <div class="field">
                    <label for=reason_id.clone()>{t!(i18n, staff_actions.reason_label)}</label>
                    <p class="hint">{t!(i18n, staff_actions.reason_hint)}</p>
                    <textarea id=reason_id name="reason" rows="2" required
                        maxlength=Reason::MAX_CHARS.to_string()></textarea>
                </div>
                <button type="submit" class="secondary">{action.label(i18n)}</button>
            </ActionForm>
        </details>
    }
}

/// How the last action went: done, or why not (with the reason given, to try again).
#[component]
pub fn ActionResult(outcome: ActionOutcome) -> impl IntoView {
    let i18n = use_i18n();
    let label = Action::parse(&outcome.value("action")).map(|a| a.label(i18n)).unwrap_or("");
    if !outcome.value("done").is_empty() {
        return view! {
            <p class="notice" role="status">
                {t!(i18n, staff_actions.done)}" "<strong>{label}</strong>
            </p>
        }
        .into_any();
    }
    if outcome.problems.is_empty() {
        return ().into_any();
    }
    let reason = outcome.value("reason");
    view! {
        <div class="error-summary" role="alert">
            <p>{t!(i18n, staff_actions.not_done)}" "<strong>{label}</strong></p>
            <ul>
                {outcome.problems.iter().map(|p| view! { <li>{p.message(i18n)}</li> }).collect_view()}
            </ul>
            {(!reason.is_empty()).then(|| view! {
                <p>{t!(i18n, staff_actions.reason_given)}" "{reason}</p>
            })}
        </div>
    }
    .into_any()
}
