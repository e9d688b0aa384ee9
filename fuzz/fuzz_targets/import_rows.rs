#![no_main]
//! Any bytes as an accounts file, a bills file and a FedACH directory: rows or a line-numbered
//! error, never a panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let _ = app::import::parse_accounts(bytes);
    let _ = app::import::parse_bills(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        let _ = app::import::fedach::parse(text);
    }
});
