#![no_main]
//! Any two texts (typed, then typed again): an error, or digits whose last four exist.
use app::domain::BankAccountNumber;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|typed: (&str, &str)| {
    let (first, again) = typed;
    if let Ok(number) = BankAccountNumber::confirm(first, again) {
        assert_eq!(number.last4().len(), 4);
        assert!(number.expose().bytes().all(|b| b.is_ascii_digit()));
    }
});
