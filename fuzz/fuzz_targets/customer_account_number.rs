#![no_main]
//! Any text: an error or a number that reads back as itself.
use app::domain::CustomerAccountNumber;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(number) = CustomerAccountNumber::parse(text) {
        assert_eq!(CustomerAccountNumber::parse(&number.to_string()).ok(), Some(number));
    }
});
