#![no_main]
//! Any text: an error or an address that reads back as itself.
use app::domain::Email;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(email) = Email::parse(text) {
        assert_eq!(Email::parse(email.as_str()).ok(), Some(email.clone()));
        assert!(email.as_str().contains('@'));
    }
});
