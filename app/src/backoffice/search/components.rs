//! The search box and a page of results: props in, markup out, rendered on the server. The
//! box is a plain GET form, so a search lives in the address (Back returns to it) and works
//! without JavaScript; pages are links.

use super::{staff_search, SearchAnswer, SearchHit, SearchPage};
use crate::backoffice::StaffPage;
use crate::domain::staff_search::{SearchQueryError, MAX_CHARS};
use crate::forms::I18n;
use crate::i18n::*;
use crate::paths;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/staff/customers?q=…&page=…`: the box, and what it found. The search is a resource of
/// the page itself, not of the staff-only part inside it: a resource created inside
/// another's suspense would be created again on the server's second pass.
#[component]
pub fn StaffSearchPage() -> impl IntoView {
    let i18n = use_i18n();
    let query_map = use_query_map();
    let asked = move || {
        let map = query_map.read();
        (map.get("q").unwrap_or_default(), map.get("page").unwrap_or_default())
    };
    let answer = Resource::new_blocking(asked, |(q, page)| staff_search(q, page));
    let typed = StoredValue::new(query_map.read_untracked().get("q").unwrap_or_default());
    view! {
        <Title text=t_string!(i18n, backoffice.search_title).to_string()/>
        <StaffPage>
            <h1>{t!(i18n, backoffice.search_title)}</h1>
            <SearchBox query=typed.get_value()/>
            <Suspense fallback=|| ()>
                {move || answer.get().map(|found| match found {
                    Ok(SearchAnswer::Blank) => ().into_any(),
                    Ok(SearchAnswer::Refused(error)) => view! { <SearchProblem error/> }.into_any(),
                    Ok(SearchAnswer::Found(results)) => {
                        view! { <SearchResults query=typed.get_value() results/> }.into_any()
                    }
                    Err(_) => view! { <crate::forms::ErrorNotice/> }.into_any(),
                })}
            </Suspense>
        </StaffPage>
    }
}

/// The one search box, holding what was searched for.
#[component]
pub fn SearchBox(#[prop(into)] query: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <form class="staff-search" method="get" action=paths::STAFF_CUSTOMERS role="search">
            <div class="field">
                <label for="staff-search-q">{t!(i18n, backoffice.search_label)}</label>
                <p class="hint" id="staff-search-hint">{t!(i18n, backoffice.search_hint)}</p>
                <input id="staff-search-q" type="search" name="q" value=query
                    maxlength=MAX_CHARS.to_string() autocomplete="off" spellcheck="false"
                    aria-describedby="staff-search-hint"/>
            </div>
            <button type="submit">{t!(i18n, backoffice.search_button)}</button>
        </form>
    }
}

/// Why the search was not made, in the staff member's language.
pub fn search_problem_text(i18n: I18n, error: SearchQueryError) -> &'static str {
    match error {
        SearchQueryError::Empty => t_string!(i18n, backoffice.error_empty),
        SearchQueryError::TooLong => t_string!(i18n, backoffice.error_too_long),
        SearchQueryError::TooShort => t_string!(i18n, backoffice.error_too_short),
        SearchQueryError::Email => t_string!(i18n, backoffice.error_email),
        SearchQueryError::Phone => t_string!(i18n, backoffice.error_phone),
        SearchQueryError::Number => t_string!(i18n, backoffice.error_number),
    }
}

/// The reason a search was refused, announced.
#[component]
pub fn SearchProblem(error: SearchQueryError) -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="notice" role="alert">{search_problem_text(i18n, error)}</p> }
}

/// A page of results for `query` (as typed: the page links repeat it).
#[component]
pub fn SearchResults(#[prop(into)] query: String, results: SearchPage) -> impl IntoView {
    let i18n = use_i18n();
    if results.hits.is_empty() && results.page == 0 {
        return view! { <p class="notice" role="status">{t!(i18n, backoffice.no_results)}</p> }
            .into_any();
    }
    let SearchPage { hits, page, more } = results;
    view! {
        <div class="table-scroll"><table class="staff-results">
            <caption>
                {t!(i18n, backoffice.results_caption)}
                {format!(" · {} {}", t_string!(i18n, backoffice.page_label), page + 1)}
            </caption>
            <thead><tr>
                <th scope="col">{t!(i18n, backoffice.col_name)}</th>
                <th scope="col">{t!(i18n, backoffice.col_number)}</th>
                <th scope="col">{t!(i18n, backoffice.col_address)}</th>
                <th scope="col">{t!(i18n, backoffice.col_registered)}</th>
            </tr></thead>
            <tbody>{hits.into_iter().map(|hit| view! { <HitRow hit/> }).collect_view()}</tbody>
        </table></div>
        <Pages query page more/>
    }
    .into_any()
}

#[component]
fn HitRow(hit: SearchHit) -> impl IntoView {
    let i18n = use_i18n();
    let registered = if hit.registered {
        t_string!(i18n, backoffice.answer_yes)
    } else {
        t_string!(i18n, backoffice.answer_no)
    };
    view! {
        <tr>
            <th scope="row"><a href=paths::staff_customer(hit.customer_id)>{hit.name}</a></th>
            <td class="reference">{hit.number}</td>
            <td>{hit.service_address}</td>
            <td>{registered}</td>
        </tr>
    }
}

/// Links to the page before and after, when there are.
#[component]
fn Pages(query: String, page: u32, more: bool) -> impl IntoView {
    let i18n = use_i18n();
    let before = (page > 0).then(|| paths::staff_search(&query, page - 1));
    let after = more.then(|| paths::staff_search(&query, page + 1));
    (before.is_some() || after.is_some()).then(|| {
        view! {
            <nav class="pages" aria-label=t_string!(i18n, backoffice.results_pages)>
                {before.map(|href| view! {
                    <a href=href rel="prev">{t!(i18n, backoffice.previous_page)}</a>
                })}
                " "
                {after.map(|href| view! {
                    <a href=href rel="next">{t!(i18n, backoffice.next_page)}</a>
                })}
            </nav>
        }
    })
}
