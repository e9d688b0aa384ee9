use crate::i18n::*;
use crate::paths;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Home() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=""/>
        <section class="hero">
            <h1>{t!(i18n, home.title)}</h1>
            <p class="lead">{t!(i18n, home.intro)}</p>
            <p class="cta">
                <a class="button primary" href=paths::REGISTER>{t!(i18n, home.register_cta)}</a>
                <a class="button" href=paths::SIGN_IN>{t!(i18n, home.sign_in_cta)}</a>
            </p>
            <p><a href=paths::QUICK_PAY>{t!(i18n, quick_pay.link)}</a></p>
        </section>
        <section aria-labelledby="steps-heading">
            <h2 id="steps-heading">{t!(i18n, home.steps_heading)}</h2>
            <ol class="steps">
                <li>{t!(i18n, home.step_register)}</li>
                <li>{t!(i18n, home.step_autopay)}</li>
                <li>{t!(i18n, home.step_paperless)}</li>
            </ol>
        </section>
    }
}
