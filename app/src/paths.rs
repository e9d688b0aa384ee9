//! The path of every page of the portal, in one place: links, redirects, emails and tests
//! name pages from here. The routes (`App` in lib.rs) are the same paths, written as
//! literals because leptos' `path!` macro reads them at compile time.

use crate::domain::{AccountId, BillId, CustomerId, MethodId, PaymentId, SubmissionId};

pub const HOME: &str = "/";
pub const FAQ: &str = "/faq";
pub const TERMS: &str = "/terms";
pub const REGISTER: &str = "/register";
pub const CREATE_LOGIN: &str = "/register/login";
pub const SIGN_IN: &str = "/sign-in";
pub const FORGOT_PASSWORD: &str = "/forgot-password";
pub const RESET_PASSWORD: &str = "/reset-password";
pub const ACCOUNT: &str = "/account";
pub const BILL_SETTINGS: &str = "/billing/settings";
pub const AUTOPAY_SETTINGS: &str = "/billing/settings/autopay";
pub const DELIVERY_SETTINGS: &str = "/billing/settings/delivery";
pub const WALLET: &str = "/billing/settings/wallet";
pub const ADD_METHOD: &str = "/billing/settings/wallet/add";
pub const VERIFY_EMAIL: &str = "/billing/verify-email";
pub const AUTOPAY_ENROLL: &str = "/billing/autopay/enroll";
pub const AUTOPAY_REVIEW: &str = "/billing/autopay/review";
pub const AUTOPAY_DONE: &str = "/billing/autopay/done";
pub const PAY: &str = "/billing/pay";
pub const PAY_REVIEW: &str = "/billing/pay/review";
pub const PAY_DONE: &str = "/billing/pay/done";

/// Quick Pay, without a login: find the bill, choose, enter the method, review, done.
pub const QUICK_PAY: &str = "/pay";
pub const QUICK_PAY_DETAILS: &str = "/pay/details";
pub const QUICK_PAY_METHOD: &str = "/pay/method";
pub const QUICK_PAY_REVIEW: &str = "/pay/review";
pub const QUICK_PAY_DONE: &str = "/pay/done";

pub fn quick_pay_done(submission: SubmissionId) -> String {
    format!("{QUICK_PAY_DONE}?ref={submission}")
}

/// Make a Payment with only `account` ticked (the overview's Pay Now).
pub fn pay_account(account: AccountId) -> String {
    format!("{PAY}?account={account}")
}

pub const BILL_HISTORY: &str = "/billing/bills";
/// The route of a bill's PDF (an axum route: `{bill_id}` is its parameter).
pub const BILL_PDF_ROUTE: &str = "/billing/bills/{bill_id}/pdf";

/// A bill as a printable page (the accessible version of every bill).
pub fn bill(id: BillId) -> String {
    format!("{BILL_HISTORY}/{id}")
}

/// The utility's PDF of a bill.
pub fn bill_pdf(id: BillId) -> String {
    BILL_PDF_ROUTE.replace("{bill_id}", &id.to_string())
}

pub const PAYMENT_HISTORY: &str = "/billing/payments";
/// Payment History as a CSV file (an axum route, beside the page rather than under it).
pub const PAYMENT_HISTORY_CSV: &str = "/billing/payments.csv";

pub const WATER_USE: &str = "/billing/water-use";
/// What to check for a leak (linked from every alert).
pub const WHAT_TO_CHECK: &str = "/billing/water-use/what-to-check";
/// Green Button "Download My Data" of the shown period (ESPI XML, an axum route).
pub const WATER_USE_GREEN_BUTTON: &str = "/billing/water-use/green-button.xml";
/// Water Use's chart as a CSV file (an axum route beside the page).
pub const WATER_USE_CSV: &str = "/billing/water-use.csv";
/// An account's alert choices (which alerts, how, a normal use, days away).
pub const WATER_ALERTS: &str = "/billing/water-use/alerts";
/// The SMS vendor's inbound webhook (a customer's STOP).
pub const SMS_INBOUND: &str = "/sms/inbound";

/// Payment History of one account (the overview's link).
pub fn payment_history_of(account: AccountId) -> String {
    format!("{PAYMENT_HISTORY}?account={account}")
}

/// A payment's printable receipt.
pub fn payment_receipt(id: PaymentId) -> String {
    format!("{PAYMENT_HISTORY}/{id}")
}

/// The confirmation of a submitted payment form (Pay Now's, printable again).
pub fn pay_done(submission: SubmissionId) -> String {
    format!("{PAY_DONE}?ref={submission}")
}

/// AutoPay's enroll page of `account` (its change page when `changing`), with `method`
/// chosen.
pub fn autopay_enroll(account: AccountId, method: Option<MethodId>, changing: bool) -> String {
    let method = method.map(|m| format!("&method={m}")).unwrap_or_default();
    format!("{AUTOPAY_ENROLL}?account={account}{method}{}", change(changing))
}

/// The add-payment-method page opened from AutoPay's "Add New" for `account`: it comes
/// back to AutoPay.
pub fn add_method_for_autopay(account: AccountId, changing: bool) -> String {
    format!("{ADD_METHOD}?autopay={account}{}", change(changing))
}

/// The back office (issue 18): finding a customer (`?q=…&page=…`), and the customer's page.
/// Routed with the staff's sign-in.
pub const STAFF_CUSTOMERS: &str = "/staff/customers";

/// The back office's page of a customer.
pub fn staff_customer(id: CustomerId) -> String {
    format!("{STAFF_CUSTOMERS}/{id}")
}

/// Page `page` (from 0) of the search for `query`, as typed.
pub fn staff_search(query: &str, page: u32) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("q", query)
        .append_pair("page", &page.to_string())
        .finish();
    format!("{STAFF_CUSTOMERS}?{query}")
}

fn change(changing: bool) -> &'static str {
    if changing {
        "&change=1"
    } else {
        ""
    }
}

/// The back office (the utility's staff).
pub const STAFF_HOME: &str = "/staff";
pub const STAFF_SIGN_IN: &str = "/staff/sign-in";
pub const STAFF_ENROLL: &str = "/staff/enroll";
pub const STAFF_ENROLLED: &str = "/staff/enroll/done";
pub const STAFF_AUDIT: &str = "/staff/audit";
pub const STAFF_AUDIT_CSV: &str = "/staff/audit.csv";
/// Admins' imports: the page, and where its form posts the file.
pub const STAFF_IMPORTS: &str = "/staff/imports";
pub const STAFF_IMPORTS_UPLOAD: &str = "/staff/imports/upload";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_path_is_routed() {
        let routes = include_str!("lib.rs");
        for path in [
            HOME,
            FAQ,
            TERMS,
            REGISTER,
            CREATE_LOGIN,
            SIGN_IN,
            FORGOT_PASSWORD,
            RESET_PASSWORD,
            ACCOUNT,
            BILL_SETTINGS,
            ADD_METHOD,
            VERIFY_EMAIL,
            AUTOPAY_ENROLL,
            AUTOPAY_REVIEW,
            AUTOPAY_DONE,
            PAY,
            PAY_REVIEW,
            PAY_DONE,
            QUICK_PAY,
            QUICK_PAY_DETAILS,
            QUICK_PAY_METHOD,
            QUICK_PAY_REVIEW,
            QUICK_PAY_DONE,
            BILL_HISTORY,
            PAYMENT_HISTORY,
            WATER_USE,
            WHAT_TO_CHECK,
        ] {
            assert!(routes.contains(&format!("path!(\"{path}\")")), "{path} has no route");
        }
        // Bill Settings' sections share one route.
        for path in [AUTOPAY_SETTINGS, DELIVERY_SETTINGS, WALLET] {
            assert!(path.starts_with(&format!("{BILL_SETTINGS}/")), "{path}");
        }
        assert!(routes.contains("path!(\"/billing/settings/:section\")"));
        assert!(routes.contains("path!(\"/billing/bills/:bill_id\")"));
        assert_eq!(bill(BillId(7)), "/billing/bills/7");
        assert_eq!(bill_pdf(BillId(7)), "/billing/bills/7/pdf");
        assert!(routes.contains("path!(\"/billing/payments/:payment_id\")"));
        assert_eq!(payment_receipt(PaymentId(7)), "/billing/payments/7");
        assert_eq!(pay_done(SubmissionId(7)), "/billing/pay/done?ref=7");
        assert_eq!(payment_history_of(AccountId(3)), "/billing/payments?account=3");
    }

    #[test]
    fn autopay_paths_carry_the_account_the_method_and_the_change() {
        assert_eq!(autopay_enroll(AccountId(3), None, false), "/billing/autopay/enroll?account=3");
        assert_eq!(
            autopay_enroll(AccountId(3), Some(MethodId(9)), true),
            "/billing/autopay/enroll?account=3&method=9&change=1"
        );
        assert_eq!(
            add_method_for_autopay(AccountId(3), true),
            "/billing/settings/wallet/add?autopay=3&change=1"
        );
    }
}
