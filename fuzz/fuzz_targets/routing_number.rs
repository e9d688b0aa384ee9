#![no_main]
//! Any text: an error or nine digits that read back as themselves.
use app::domain::RoutingNumber;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(routing) = RoutingNumber::parse(text) {
        assert_eq!(routing.as_str().len(), 9);
        assert_eq!(RoutingNumber::parse(routing.as_str()).ok(), Some(routing.clone()));
    }
});
