//! The alert choices page: rendered whole on the server, one plain form.

use super::*;
use crate::domain::alert_choices::ChoiceProblem;
use crate::domain::leak::AlertKind;
use crate::domain::phone::PhoneError;
use crate::forms::{
    kept_outcome, summary, AccountChoice, ErrorSummary, FormProblem, I18n, TextField,
};
use crate::i18n::*;
use crate::paths;
use leptos::form::ActionForm;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

impl FormProblem for AlertSettingsProblem {
    fn field(self) -> &'static str {
        use ChoiceProblem::*;
        match self {
            Self::Invalid(DeclaredGallons | DeclaredTooHigh) => "declared_gph",
            Self::Invalid(AwayFromDate | AwayBothDates) => "away_from",
            Self::Invalid(AwayUntilDate | AwayOrder | AwayOver | AwayTooLong) => "away_until",
            Self::Invalid(AwayGallons) => "away_gallons",
            Self::Invalid(Phone(_) | PhoneNeeded) => "text_phone",
            Self::Invalid(ConsentNeeded) => "text_consent",
            Self::NotFound | Self::SignInNeeded => "",
        }
    }

    fn message(self, i18n: I18n) -> String {
        use ChoiceProblem::*;
        let text = match self {
            Self::Invalid(DeclaredGallons) => t_string!(i18n, alerts.p_declared_gallons),
            Self::Invalid(DeclaredTooHigh) => t_string!(i18n, alerts.p_declared_too_high),
            Self::Invalid(AwayFromDate) => t_string!(i18n, alerts.p_away_from_date),
            Self::Invalid(AwayUntilDate) => t_string!(i18n, alerts.p_away_until_date),
            Self::Invalid(AwayBothDates) => t_string!(i18n, alerts.p_away_both),
            Self::Invalid(AwayOrder) => t_string!(i18n, alerts.p_away_order),
            Self::Invalid(AwayOver) => t_string!(i18n, alerts.p_away_over),
            Self::Invalid(AwayTooLong) => t_string!(i18n, alerts.p_away_too_long),
            Self::Invalid(AwayGallons) => t_string!(i18n, alerts.p_away_gallons),
            Self::Invalid(Phone(PhoneError::Empty | PhoneError::Digits)) => {
                t_string!(i18n, alerts.p_phone_digits)
            }
            Self::Invalid(Phone(PhoneError::NotAssignable)) => t_string!(i18n, alerts.p_phone_area),
            Self::Invalid(PhoneNeeded) => t_string!(i18n, alerts.p_phone_needed),
            Self::Invalid(ConsentNeeded) => t_string!(i18n, alerts.p_consent_needed),
            Self::NotFound => t_string!(i18n, alerts.p_not_found),
            Self::SignInNeeded => t_string!(i18n, alerts.p_sign_in),
        };
        text.to_string()
    }
}

#[component]
pub fn AlertSettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let settings = Resource::new_blocking(move || query.read().get("account"), alert_settings);
    let kept = Resource::new_blocking(|| (), |_| take_alert_settings_outcome());
    let outcome = kept_outcome(kept);
    let saved = move || query.read().get("saved").is_some() && outcome.read().problems.is_empty();
    view! {
        <Title text=t_string!(i18n, alerts.title).to_string()/>
        <h1>{t!(i18n, alerts.title)}</h1>
        <Suspense fallback=|| ()>
            <Show when=saved>
                <p class="notice" role="status">{t!(i18n, alerts.saved)}</p>
            </Show>
            {move || settings.get().map(|result| match result {
                Ok(Some(view)) => view! { <Settings view outcome/> }.into_any(),
                Ok(None) => view! { <Redirect path=paths::SIGN_IN/> }.into_any(),
                Err(_) => view! { <crate::forms::ErrorNotice/> }.into_any(),
            })}
        </Suspense>
    }
}

fn kind_name(i18n: I18n, kind: AlertKind) -> String {
    match kind {
        AlertKind::Continuous => t_string!(i18n, alerts.kind_continuous),
        AlertKind::Burst => t_string!(i18n, alerts.kind_burst),
        AlertKind::HighUse => t_string!(i18n, alerts.kind_high_use),
        AlertKind::Vacation => t_string!(i18n, alerts.kind_vacation),
    }
    .to_string()
}

/// The values the form shows: what was typed, after a problem; else what is saved.
struct Shown {
    email: Vec<AlertKind>,
    text: Vec<AlertKind>,
    declared: String,
    away: [String; 3],
    phone: String,
    /// The shown number is the one the customer agreed to get texts at.
    agreed: bool,
}

fn shown(view: &AlertSettingsView, outcome: &AlertSettingsOutcome) -> Shown {
    let retyped = !outcome.problems.is_empty()
        && outcome.parsed::<AccountId>("account") == Some(view.account);
    if retyped {
        let kinds = |field: &str| -> Vec<AlertKind> {
            outcome.value(field).split(',').filter_map(AlertKind::parse).collect()
        };
        return Shown {
            email: kinds("email"),
            text: kinds("text"),
            declared: outcome.value("declared_gph"),
            away: ["away_from", "away_until", "away_gallons"].map(|f| outcome.value(f)),
            phone: outcome.value("text_phone"),
            agreed: false,
        };
    }
    let c = &view.choices;
    let away = c.away.map(|a| {
        let iso = crate::domain::format::iso_date;
        [iso(a.from), iso(a.until), a.allowed.to_string()]
    });
    Shown {
        email: AlertKind::ALL.into_iter().filter(|k| c.channels(*k).email).collect(),
        text: AlertKind::ALL.into_iter().filter(|k| c.channels(*k).text).collect(),
        declared: c.declared.to_string(),
        away: away.unwrap_or_default(),
        phone: c.text_phone.map(|p| p.to_string()).unwrap_or_default(),
        agreed: c.text_phone.is_some(),
    }
}

#[component]
fn Settings(view: AlertSettingsView, outcome: Signal<AlertSettingsOutcome>) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SaveAlertSettings>::new();
    let shown = outcome.with_untracked(|o| shown(&view, o));
    let error = move |field: &'static str| crate::forms::field_error(i18n, outcome, field);
    let water_use = format!("{}?account={}", paths::WATER_USE, view.account);
    view! {
        <p>{t!(i18n, alerts.intro)}</p>
        <AccountChoice action=paths::WATER_ALERTS id="alerts-account" accounts=view.accounts.clone()
            chosen=view.account/>
        <ErrorSummary problems=summary(i18n, outcome)/>
        <ActionForm action=action attr:class="form alert-settings" attr:novalidate=true>
            <input type="hidden" name="account" value=view.account.to_string()/>
            <Channels view=view.clone() email=shown.email text=shown.text/>
            <TextField id="declared_gph" label=t_string!(i18n, alerts.declared_label).to_string()
                hint=t_string!(i18n, alerts.declared_hint).to_string() error=error("declared_gph")
                inputmode="decimal" value=shown.declared maxlength=10/>
            <fieldset>
                <legend>{t!(i18n, alerts.away_legend)}</legend>
                <p class="hint">{t!(i18n, alerts.away_hint)}</p>
                <TextField id="away_from" label=t_string!(i18n, alerts.away_from).to_string()
                    error=error("away_from") input_type="date" value=shown.away[0].clone()/>
                <TextField id="away_until" label=t_string!(i18n, alerts.away_until).to_string()
                    error=error("away_until") input_type="date" value=shown.away[1].clone()/>
                <TextField id="away_gallons" label=t_string!(i18n, alerts.away_gallons).to_string()
                    error=error("away_gallons") inputmode="decimal" value=shown.away[2].clone() maxlength=12/>
            </fieldset>
            {view.texts_offered.then(|| view! {
                <TextNumber stopped=view.phone_stopped phone=shown.phone agreed=shown.agreed outcome/>
            })}
            <button type="submit" class="primary">{t!(i18n, alerts.save)}</button>
        </ActionForm>
        <p><a href=water_use>{t!(i18n, alerts.back)}</a></p>
    }
}

/// Each kind of alert with its two ways of coming. Email goes to the verified address the
/// bills go to; without one, the page says how to get it.
#[component]
fn Channels(view: AlertSettingsView, email: Vec<AlertKind>, text: Vec<AlertKind>) -> impl IntoView {
    let i18n = use_i18n();
    let to = match &view.email {
        Some(address) => format!("{} {address}.", t_string!(i18n, alerts.email_to)),
        None => t_string!(i18n, alerts.email_none).to_string(),
    };
    let boxes = AlertKind::ALL.map(|kind| {
        let name = kind_name(i18n, kind);
        let email_id = format!("email_{}", kind.as_str());
        let text_id = format!("text_{}", kind.as_str());
        let text_box = view.texts_offered.then(|| view! {
            <div class="field checkbox">
                <input type="checkbox" id=text_id.clone() name=text_id.clone() value="yes" checked=text.contains(&kind)/>
                <label for=text_id>{t!(i18n, alerts.by_text)}</label>
            </div>
        });
        view! {
            <fieldset class="alert-kind">
                <legend>{name}</legend>
                <div class="field checkbox">
                    <input type="checkbox" id=email_id.clone() name=email_id.clone() value="yes" checked=email.contains(&kind)/>
                    <label for=email_id>{t!(i18n, alerts.by_email)}</label>
                </div>
                {text_box}
            </fieldset>
        }
    });
    view! {
        <h2>{t!(i18n, alerts.which)}</h2>
        <p class="hint">{to}" "<a href=paths::DELIVERY_SETTINGS>{t!(i18n, alerts.email_where)}</a></p>
        {boxes.into_iter().collect_view()}
    }
}

/// The mobile number texts go to, and the customer's consent: never ticked for them, and
/// asked again for a new number.
#[component]
fn TextNumber(
    stopped: bool,
    phone: String,
    agreed: bool,
    outcome: Signal<AlertSettingsOutcome>,
) -> impl IntoView {
    let i18n = use_i18n();
    let consent_error = crate::forms::field_error(i18n, outcome, "text_consent");
    view! {
        <h2>{t!(i18n, alerts.texts_title)}</h2>
        {stopped.then(|| view! { <p class="notice warning" role="status">{t!(i18n, alerts.stopped)}</p> })}
        {(agreed && !stopped).then(|| view! { <p class="notice" role="status">{t!(i18n, alerts.agreed)}</p> })}
        <TextField id="text_phone" label=t_string!(i18n, alerts.phone_label).to_string()
            hint=t_string!(i18n, alerts.phone_hint).to_string()
            error=crate::forms::field_error(i18n, outcome, "text_phone")
            input_type="tel" autocomplete="tel-national" value=phone maxlength=20/>
        <div class="field checkbox" class:has-error=move || consent_error.read().is_some()>
            {move || consent_error.get().map(|m| view! { <p class="field-error" id="text_consent-error">{m}</p> })}
            <input type="checkbox" id="text_consent" name="text_consent" value="yes"
                aria-describedby=move || consent_error.read().is_some().then_some("text_consent-error")/>
            <label for="text_consent">{t!(i18n, alerts.consent)}</label>
        </div>
    }
}
