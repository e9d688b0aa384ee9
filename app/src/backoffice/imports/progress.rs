//! The upload's progress bar. With JavaScript the form is sent by XMLHttpRequest, whose
//! upload events say how much of the file has gone, and the answer (the page that says how
//! the import went) is then opened as the form's own answer would have been. Without
//! JavaScript the form posts as it is, and the browser shows its own progress.

use leptos::prelude::*;
use leptos::wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{FormData, HtmlFormElement, ProgressEvent, XmlHttpRequest};

/// The texts, in the page's language: "Sent", "checking…", "did not finish".
#[island]
pub fn UploadProgress(
    sent: String,
    checking: String,
    failed: String,
    children: Children,
) -> impl IntoView {
    let progress = RwSignal::new(None::<(f64, f64)>);
    let failure = RwSignal::new(false);
    let status = move || {
        progress.get().map(|(loaded, total)| {
            let share = if total > 0.0 { (loaded / total * 100.0).round() } else { 0.0 };
            let text = if loaded >= total { checking.clone() } else { format!("{sent}: {share}%") };
            view! {
                <progress max=total value=loaded aria-label=sent.clone()></progress>
                <p>{text}</p>
            }
        })
    };
    view! {
        <div on:submit=move |ev| send(ev, progress, failure)>
            {children()}
            <div class="upload-progress" role="status">
                {status}
                {move || failure.get().then(|| view! { <p class="notice">{failed.clone()}</p> })}
            </div>
        </div>
    }
}

/// Sends the form by XMLHttpRequest; where the browser cannot, the form posts as usual.
fn send(
    ev: leptos::ev::SubmitEvent,
    progress: RwSignal<Option<(f64, f64)>>,
    failure: RwSignal<bool>,
) {
    let Some(form) = ev.target().and_then(|t| t.dyn_into::<HtmlFormElement>().ok()) else {
        return;
    };
    let (Ok(data), Ok(xhr)) = (FormData::new_with_form(&form), XmlHttpRequest::new()) else {
        return;
    };
    if xhr.open("POST", &form.action()).is_err() {
        return;
    }
    ev.prevent_default();
    failure.set(false);
    progress.set(Some((0.0, 1.0)));
    if let Ok(upload) = xhr.upload() {
        let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |e: ProgressEvent| {
            if e.length_computable() {
                progress.set(Some((e.loaded(), e.total())));
            }
        });
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        // Lives as long as the request (one per upload, and the page is left after it).
        on_progress.forget();
    }
    let answered = xhr.clone();
    let failed_form = form.clone();
    let on_load = Closure::<dyn FnMut()>::new(move || {
        let ok = answered.status().is_ok_and(|s| (200..300).contains(&s));
        match answered.response_url() {
            url if ok && !url.is_empty() => {
                let _ = window().location().assign(&url);
            }
            _ => fail(&failed_form, progress, failure),
        }
    });
    xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
    on_load.forget();
    let on_error = Closure::<dyn FnMut()>::new(move || fail(&form, progress, failure));
    xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    if xhr.send_with_opt_form_data(Some(&data)).is_err() {
        failure.set(true);
    }
}

/// The upload did not finish: say so, and let the form be sent again.
fn fail(form: &HtmlFormElement, progress: RwSignal<Option<(f64, f64)>>, failure: RwSignal<bool>) {
    progress.set(None);
    failure.set(true);
    // `FormsSendOnce` marks a sent form so that it is not sent twice.
    let _ = form.remove_attribute("data-sent");
}
