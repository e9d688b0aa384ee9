#![no_main]
//! Any text: an error or a ZIP code that reads back as itself.
use app::domain::Zip;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(zip) = Zip::parse(text) {
        assert_eq!(Zip::parse(zip.as_str()).ok(), Some(zip));
    }
});
