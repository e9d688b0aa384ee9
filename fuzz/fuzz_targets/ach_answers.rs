#![no_main]
//! Any text as the bank's return/NOC file: an error naming a line of it, or entries each on
//! a line of it. Never a panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let lines = text.lines().count();
    match app::nacha::read_answers(text) {
        Ok(entries) => assert!(entries.iter().all(|e| e.line >= 1 && e.line <= lines)),
        Err(e) => assert!(e.line <= lines + 1),
    }
});
