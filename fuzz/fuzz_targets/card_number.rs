#![no_main]
//! Any text: an error, or digits that pass the Luhn check and keep their brand and last four.
use app::domain::CardNumber;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(card) = CardNumber::parse(text) {
        assert_eq!(card.last4().len(), 4);
        let again = CardNumber::parse(card.expose()).expect("the digits alone parse again");
        assert_eq!(again.brand(), card.brand());
    }
});
