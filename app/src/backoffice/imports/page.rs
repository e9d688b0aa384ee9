//! `/staff/imports`: the upload form, how the last upload went (`?id=` or `?problem=`),
//! and the history. Admins only.

use super::progress::UploadProgress;
use super::{
    kind_label, staff_import_history, ImportEntry, ImportKind, UploadProblem, MAX_FILE_BYTES,
};
use crate::backoffice::audit_log::page::utc;
use crate::backoffice::StaffPage;
use crate::forms::{Choice, RadioGroup};
use crate::i18n::*;
use crate::paths;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StaffImportsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let shown = query.read_untracked().get("id").and_then(|id| id.parse::<i64>().ok());
    let problem = query.read_untracked().get("problem").and_then(|p| UploadProblem::parse(&p));
    let history = Resource::new_blocking(|| (), |_| staff_import_history());
    view! {
        <Title text=t_string!(i18n, imports.title).to_string()/>
        <StaffPage admin=true>
            <h1>{t!(i18n, imports.title)}</h1>
            {problem.map(|p| view! { <p class="notice" role="alert">{p.message(i18n)}</p> })}
            <Suspense fallback=|| ()>
                {move || history.get().map(|found| match found {
                    Ok(entries) => {
                        let last = shown.and_then(|id| entries.iter().find(|e| e.id == id).cloned());
                        view! {
                            {last.map(|entry| view! { <Result entry/> })}
                            <UploadForm/>
                            <History entries/>
                        }.into_any()
                    }
                    Err(_) => view! { <crate::forms::ErrorNotice/> }.into_any(),
                })}
            </Suspense>
        </StaffPage>
    }
}

/// How one import went: what it changed, or each problem by line (nothing was written).
#[component]
fn Result(entry: ImportEntry) -> impl IntoView {
    let i18n = use_i18n();
    let heading = format!("{} · {}", entry.file_name, named(i18n, &entry.kind));
    let summary = entry.summary.as_ref().map(|s| s.text(i18n)).unwrap_or_default();
    if entry.imported {
        return view! {
            <section class="notice" role="status" aria-labelledby="import-result">
                <h2 id="import-result">{heading}</h2>
                <p><strong>{t!(i18n, imports.imported)}</strong>" "{summary}</p>
            </section>
        }
        .into_any();
    }
    view! {
        <section class="error-summary" role="alert" aria-labelledby="import-result">
            <h2 id="import-result">{heading}</h2>
            <p><strong>{t!(i18n, imports.refused)}</strong></p>
            <ul>
                {entry.problems.into_iter().map(|p| {
                    let at = if p.line == 0 {
                        t_string!(i18n, imports.whole_file).to_string()
                    } else {
                        format!("{} {}", t_string!(i18n, imports.line), p.line)
                    };
                    let why = crate::forms::import_problem_text(i18n.get_locale_untracked(), &p.problem);
                    view! { <li>{at}": "{why}</li> }
                }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

fn named(i18n: crate::forms::I18n, kind: &str) -> String {
    ImportKind::parse(kind).map_or_else(|| kind.to_string(), |k| kind_label(k, i18n).to_string())
}

#[component]
fn UploadForm() -> impl IntoView {
    let i18n = use_i18n();
    let choices = ImportKind::ALL
        .into_iter()
        .map(|k| Choice::new(format!("kind-{}", k.as_str()), k.as_str(), kind_label(k, i18n)))
        .collect();
    let limit = format!("{} {} MB.", t_string!(i18n, imports.file_hint), MAX_FILE_BYTES >> 20);
    view! {
        <UploadProgress sent=t_string!(i18n, imports.sent).to_string()
            checking=t_string!(i18n, imports.checking).to_string()
            failed=t_string!(i18n, imports.upload_failed).to_string()>
            <form class="form staff-upload" method="post" action=paths::STAFF_IMPORTS_UPLOAD
                enctype="multipart/form-data">
                <RadioGroup name="kind" legend=t_string!(i18n, imports.kind_legend) choices checked=""/>
                <div class="field">
                    <label for="import-file">{t!(i18n, imports.file_label)}</label>
                    <p class="hint" id="import-file-hint">{limit}" "{t!(i18n, imports.zip_hint)}</p>
                    <input id="import-file" type="file" name="file" required
                        accept=".csv,.txt,.ach,.zip" aria-describedby="import-file-hint"/>
                </div>
                <button type="submit" class="primary">{t!(i18n, imports.upload)}</button>
            </form>
        </UploadProgress>
    }
}

#[component]
fn History(entries: Vec<ImportEntry>) -> impl IntoView {
    let i18n = use_i18n();
    if entries.is_empty() {
        return view! { <p>{t!(i18n, imports.none)}</p> }.into_any();
    }
    view! {
        <div class="table-scroll"><table class="imports">
            <caption>{t!(i18n, imports.history)}</caption>
            <thead><tr>
                <th scope="col">{t!(i18n, imports.when)}</th>
                <th scope="col">{t!(i18n, imports.who)}</th>
                <th scope="col">{t!(i18n, imports.kind)}</th>
                <th scope="col">{t!(i18n, imports.file)}</th>
                <th scope="col">{t!(i18n, imports.rows)}</th>
                <th scope="col">{t!(i18n, imports.outcome)}</th>
            </tr></thead>
            <tbody>
                {entries.into_iter().map(|e| {
                    let outcome = if e.imported {
                        t_string!(i18n, imports.imported)
                    } else {
                        t_string!(i18n, imports.refused)
                    };
                    view! {
                        <tr>
                            <th scope="row">
                                <a href=format!("{}?id={}", paths::STAFF_IMPORTS, e.id)>{utc(e.at)}</a>
                            </th>
                            <td>{e.actor}</td>
                            <td>{named(i18n, &e.kind)}</td>
                            <td>{e.file_name}</td>
                            <td class="amount">{e.rows.to_string()}</td>
                            <td class:warning=!e.imported>{outcome}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
    }
    .into_any()
}
