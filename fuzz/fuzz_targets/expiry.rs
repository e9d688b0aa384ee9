#![no_main]
//! Any text and any "today": an error, or a real month that is not in the past.
use app::domain::Expiry;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, u16, u8)| {
    let (text, year, month) = input;
    if let Ok(expiry) = Expiry::parse(text, year, month) {
        assert!((1..=12).contains(&expiry.month()));
        if (1..=12).contains(&month) {
            assert!(!expiry.is_expired(year, month), "{text:?} accepted as {expiry} on {year}-{month}");
        }
    }
});
