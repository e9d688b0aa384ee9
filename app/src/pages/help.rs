use crate::branding::{get_faq, get_terms, use_branding};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Faq() -> impl IntoView {
    let i18n = use_i18n();
    let branding = use_branding();
    // Blocking: the answers are in the HTML itself, for readers without JavaScript.
    let faq = Resource::new_blocking(|| (), |_| get_faq());
    view! {
        <Title text=t_string!(i18n, faq.title).to_string()/>
        <h1>{t!(i18n, faq.title)}</h1>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                let entries = faq.await.unwrap_or_default();
                view! {
                    <dl class="faq">
                        {entries.into_iter().map(|entry| {
                            let spanish = move || i18n.get_locale() == Locale::es;
                            let (q_en, q_es) = (entry.question_en.clone(), entry.question_es.clone());
                            let (a_en, a_es) = (entry.answer_en.clone(), entry.answer_es.clone());
                            view! {
                                <dt>{move || if spanish() { q_es.clone() } else { q_en.clone() }}</dt>
                                <dd>{move || if spanish() { a_es.clone() } else { a_en.clone() }}</dd>
                            }
                        }).collect_view()}
                    </dl>
                }
            })}
        </Suspense>
        <p>{t!(i18n, faq.contact)}" "
            <a href=format!("tel:{}", branding.phone)>{branding.phone.clone()}</a>" · "
            <a href=format!("mailto:{}", branding.email)>{branding.email.clone()}</a>
        </p>
    }
}

#[component]
pub fn TermsPage() -> impl IntoView {
    let i18n = use_i18n();
    let terms = Resource::new_blocking(|| (), |_| get_terms());
    view! {
        <Title text=t_string!(i18n, terms.title).to_string()/>
        <h1>{t!(i18n, terms.title)}</h1>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                terms.await.ok().map(|terms| {
                    let spanish = move || i18n.get_locale() == Locale::es;
                    let (en, es) = (terms.text_en.clone(), terms.text_es.clone());
                    view! {
                        <p class="terms-version">{t!(i18n, terms.version)}" " {terms.version.clone()}</p>
                        <div class="terms-text"><p>{move || if spanish() { es.clone() } else { en.clone() }}</p></div>
                    }
                })
            })}
        </Suspense>
    }
}
