#![no_main]
//! Any debits and names: the writer refuses them, or writes a file whose reader finds the
//! same entries, prenotes and total, with 94-character records blocked to 10.
use app::domain::{BankAccountType, RoutingNumber};
use app::nacha::{self, Batch, Entry, File, Sec};
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Debit {
    savings: bool,
    routing: u32,
    account_number: String,
    amount_cents: u32,
    individual_id: String,
    individual_name: String,
}

#[derive(Debug, Arbitrary)]
struct Input {
    web: bool,
    company_name: String,
    entry_description: String,
    debits: Vec<Debit>,
}

/// A valid routing number from `seed`: a Federal Reserve prefix, and its check digit computed.
fn routing(seed: u32) -> RoutingNumber {
    let prefixes: Vec<u32> = (1..=12).chain(21..=32).chain(61..=72).chain([80]).collect();
    let prefix = prefixes[seed as usize % prefixes.len()];
    let base = format!("{prefix:02}{:06}", seed / prefixes.len() as u32 % 1_000_000);
    let weights = [3, 7, 1, 3, 7, 1, 3, 7];
    let sum: u32 = base.bytes().zip(weights).map(|(b, w)| u32::from(b - b'0') * w).sum();
    RoutingNumber::parse(&format!("{base}{}", (10 - sum % 10) % 10)).expect("a computed check digit")
}

fuzz_target!(|input: Input| {
    let entries: Vec<Entry> = input
        .debits
        .iter()
        .take(500)
        .enumerate()
        .map(|(i, d)| Entry {
            account_type: if d.savings { BankAccountType::Savings } else { BankAccountType::Checking },
            prenote: d.amount_cents == 0,
            routing: routing(d.routing),
            account_number: d.account_number.clone(),
            amount_cents: i64::from(d.amount_cents),
            individual_id: d.individual_id.clone(),
            individual_name: d.individual_name.clone(),
            single: input.web && d.savings,
            trace_sequence: i as u64 + 1,
        })
        .collect();
    let total: u64 = entries.iter().map(|e| e.amount_cents as u64).sum();
    let prenotes = entries.iter().filter(|e| e.prenote).count();
    let count = entries.len();
    let file = File {
        bank_routing: routing(7),
        bank_name: "FUZZ BANK".into(),
        origin_id: "1234567890".into(),
        origin_name: "FUZZ WATER".into(),
        created_date: "261126".into(),
        created_time: "1200".into(),
        file_id_modifier: 'A',
        batches: vec![Batch {
            sec: if input.web { Sec::Web } else { Sec::Ppd },
            company_name: input.company_name,
            company_id: "1234567890".into(),
            entry_description: input.entry_description,
            effective_date: "261127".into(),
            entries,
        }],
    };
    let Ok(text) = nacha::write(&file) else { return };
    assert!(text.lines().all(|line| line.len() == 94), "94-character records");
    assert_eq!(text.lines().count() % 10, 0, "blocked to 10");
    let summary = nacha::read(&text).expect("what the writer wrote reads back");
    assert_eq!((summary.entries, summary.prenotes, summary.total_debit_cents), (count, prenotes, total));
});
