//! Bill History and the printable bill. Rendered whole on the server (plain links, no
//! island): they read the same without JavaScript.

use super::{bill_history, bill_view, AccountBills, Bill, BillAnswer, HistoryBill};
use crate::domain::{format, BillId, Lang};
use crate::i18n::*;
use crate::paths;
use crate::print::PrintHeader;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_params_map;

#[component]
pub fn BillHistoryPage() -> impl IntoView {
    let i18n = use_i18n();
    let history = Resource::new_blocking(|| (), |_| bill_history());
    view! {
        <Title text=t_string!(i18n, bills.history_title).to_string()/>
        <Suspense fallback=|| ()>
            {move || history.get().map(|result| match result {
                Ok(Some(accounts)) => view! { <HistoryView accounts/> }.into_any(),
                Ok(None) => view! { <Redirect path=paths::SIGN_IN/> }.into_any(),
                Err(_) => view! { <crate::forms::ErrorNotice/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn HistoryView(accounts: Vec<AccountBills>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    view! {
        <h1>{t!(i18n, bills.history_title)}</h1>
        <p>{t!(i18n, bills.history_intro)}</p>
        {accounts.into_iter().map(|a| {
            let heading = format!("bills-{}", a.number);
            view! {
                <section class="account-card" aria-labelledby=heading.clone()>
                    <h2 id=heading.clone()>{format!("{} {}", t_string!(i18n, bills.account), a.number)}</h2>
                    <p>{a.service_address.clone()}</p>
                    {if a.bills.is_empty() {
                        view! { <p>{t!(i18n, bills.none)}</p> }.into_any()
                    } else {
                        view! { <HistoryTable number=a.number bills=a.bills lang/> }.into_any()
                    }}
                </section>
            }
        }).collect_view()}
    }
}

#[component]
fn HistoryTable(number: String, bills: Vec<HistoryBill>, lang: Lang) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="bills bill-history">
            <caption>{format!("{} {number}", t_string!(i18n, bills.caption))}</caption>
            <thead><tr>
                <th scope="col">{t!(i18n, bills.bill_date)}</th>
                <th scope="col">{t!(i18n, bills.due_date)}</th>
                <th scope="col">{t!(i18n, bills.amount)}</th>
                <th scope="col">{t!(i18n, bills.usage)}</th>
                <th scope="col">{t!(i18n, bills.bill)}</th>
            </tr></thead>
            <tbody>
                {bills.into_iter().map(|b| {
                    let date = format::long_date(b.bill_date, lang);
                    view! {
                        <tr>
                            <th scope="row">{date.clone()}</th>
                            <td>{format::long_date(b.due_date, lang)}</td>
                            <td class="amount">{format::money(b.amount, lang)}</td>
                            <td>{format::gallons(b.usage_gallons, lang)}</td>
                            <td><BillLinks id=b.id has_pdf=b.has_pdf date/></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// "View Bill": the utility's PDF when there is one (and the HTML bill, its accessible
/// version), else the HTML bill. The bill's date, unseen, tells the links apart for a
/// screen reader listing the page's links.
#[component]
fn BillLinks(id: BillId, has_pdf: bool, date: String) -> impl IntoView {
    let i18n = use_i18n();
    let which = format!(" {date}");
    if has_pdf {
        view! {
            <a href=paths::bill_pdf(id)>
                {t!(i18n, bills.view_bill)}<span class="visually-hidden">{which.clone()}</span>" ("{t!(i18n, bills.pdf)}")"
            </a>
            " · "
            <a href=paths::bill(id)>
                {t!(i18n, bills.accessible)}<span class="visually-hidden">{which}</span>
            </a>
        }
        .into_any()
    } else {
        view! {
            <a href=paths::bill(id)>
                {t!(i18n, bills.view_bill)}<span class="visually-hidden">{which}</span>
            </a>
        }
        .into_any()
    }
}

/// `/billing/bills/:bill_id`: the bill as a printable page.
#[component]
pub fn BillPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let bill = Resource::new_blocking(
        move || params.read().get("bill_id").and_then(|raw| raw.parse::<BillId>().ok()),
        |id| async move {
            match id {
                Some(id) => bill_view(id).await,
                None => Ok(BillAnswer::NotFound),
            }
        },
    );
    view! {
        <Title text=t_string!(i18n, bills.title).to_string()/>
        <Suspense fallback=|| ()>
            {move || bill.get().map(|result| match result {
                Ok(BillAnswer::Found(bill)) => view! { <BillView bill=*bill/> }.into_any(),
                Ok(BillAnswer::NotFound) => view! { <crate::pages::NotFound/> }.into_any(),
                Ok(BillAnswer::SignedOut) => view! { <Redirect path=paths::SIGN_IN/> }.into_any(),
                Err(_) => view! { <crate::forms::ErrorNotice/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn BillView(bill: Bill) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let (street, city) = bill.service_address.clone();
    view! {
        <article class="printed-bill">
            <PrintHeader on_screen=true/>
            <h1>{format!("{} · {}", t_string!(i18n, bills.title), format::month_year(bill.bill_date, lang))}</h1>
            <dl class="facts">
                <dt>{t!(i18n, bills.customer)}</dt><dd>{bill.customer_name.clone()}</dd>
                <dt>{t!(i18n, bills.account)}</dt><dd>{bill.number.clone()}</dd>
                <dt>{t!(i18n, bills.service_address)}</dt><dd>{street}<br/>{city}</dd>
                <dt>{t!(i18n, bills.bill_date)}</dt><dd>{format::long_date(bill.bill_date, lang)}</dd>
                <dt>{t!(i18n, bills.due_date)}</dt><dd>{format::long_date(bill.due_date, lang)}</dd>
                <dt>{t!(i18n, bills.usage)}</dt><dd>{format::gallons(bill.usage_gallons, lang)}</dd>
                <dt>{t!(i18n, bills.amount_billed)}</dt><dd class="amount">{format::money(bill.amount, lang)}</dd>
                <dt>{t!(i18n, bills.balance)}</dt><dd class="amount bill-balance">{format::money(bill.balance, lang)}</dd>
            </dl>
            <HowToPay bill=bill.clone()/>
            <p class="actions no-print">
                {bill.has_pdf.then(|| view! { <a href=paths::bill_pdf(bill.id)>{t!(i18n, bills.open_pdf)}</a> })}
                <a href=paths::BILL_HISTORY>{t!(i18n, bills.back)}</a>
            </p>
        </article>
    }
}

#[component]
fn HowToPay(bill: Bill) -> impl IntoView {
    let i18n = use_i18n();
    let branding = crate::branding::use_branding();
    let tel =
        format!("tel:{}", branding.phone.replace(|c: char| !c.is_ascii_digit() && c != '+', ""));
    view! {
        <section aria-labelledby="how-to-pay">
            <h2 id="how-to-pay">{t!(i18n, bills.how_to_pay)}</h2>
            <ul>
                <li>{t!(i18n, bills.pay_online)}" "<a href=bill.portal_url.clone()>{bill.portal_url.clone()}</a>" "{t!(i18n, bills.pay_online_after)}</li>
                <li>{t!(i18n, bills.pay_phone)}" "<a href=tel>{branding.phone.clone()}</a>"."</li>
                <li>{t!(i18n, bills.pay_reference)}" "<strong>{bill.number.clone()}</strong></li>
            </ul>
        </section>
    }
}
