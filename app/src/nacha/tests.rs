use super::*;
use std::sync::atomic::{AtomicU64, Ordering};

/// Trace sequences unique across the tests' files.
static NEXT_TRACE: AtomicU64 = AtomicU64::new(1);

fn entry(routing: &str, account: &str, cents: i64, prenote: bool, name: &str) -> Entry {
    Entry {
        account_type: if account.ends_with('1') {
            BankAccountType::Savings
        } else {
            BankAccountType::Checking
        },
        prenote,
        routing: RoutingNumber::parse(routing).unwrap(),
        account_number: account.into(),
        amount_cents: cents,
        individual_id: "12345678-1234567".into(),
        single: false,
        individual_name: name.into(),
        trace_sequence: NEXT_TRACE.fetch_add(1, Ordering::Relaxed),
    }
}

fn file(batches: Vec<Batch>) -> File {
    File {
        bank_routing: RoutingNumber::parse("123000220").unwrap(),
        bank_name: "U.S. Bank".into(),
        origin_id: "1930123456".into(),
        origin_name: "Medford Water".into(),
        created_date: "261126".into(),
        created_time: "0215".into(),
        file_id_modifier: 'A',
        batches,
    }
}

fn batch(sec: Sec, entries: Vec<Entry>) -> Batch {
    Batch {
        sec,
        company_name: "Medford Water".into(),
        company_id: "1930123456".into(),
        entry_description: "WATER BILL".into(),
        effective_date: "261201".into(),
        entries,
    }
}

#[test]
fn a_written_file_reads_back_with_its_totals_and_hash() {
    let f = file(vec![
        batch(
            Sec::Web,
            vec![
                entry("021000021", "000123456789", 6120, false, "María López"),
                entry("111000025", "987654321", 0, true, "Alex Rivera"),
            ],
        ),
        batch(Sec::Ppd, vec![entry("121000358", "5555444411", 10250, false, "Sam Chen")]),
    ]);
    let text = write(&f).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 10, "7 records padded to one block of 10");
    assert!(lines.iter().all(|l| l.len() == 94));
    assert_eq!(&lines[1][50..53], "WEB");
    assert!(lines[2].contains("MARIA LOPEZ"), "accents folded, upper case: {}", lines[2]);
    assert_eq!(&lines[2][1..3], "27");
    assert_eq!(&lines[3][1..3], "38", "a savings prenote");
    assert_eq!(&lines[2][76..78], "R ", "WEB debits recur");
    let summary = read(&text).unwrap();
    assert_eq!(
        summary,
        FileSummary {
            batches: 2,
            entries: 3,
            prenotes: 1,
            total_debit_cents: 16370,
            entry_hash: 2100002 + 11100002 + 12100035
        }
    );
}

#[test]
fn the_entry_hash_keeps_its_rightmost_ten_digits_and_files_block_to_ten() {
    let entries: Vec<Entry> = (0..1200)
        .map(|i| entry("121000358", &format!("{:09}", i + 1000), 100, false, "X"))
        .collect();
    let text = write(&file(vec![batch(Sec::Web, entries)])).unwrap();
    let summary = read(&text).unwrap();
    assert_eq!(summary.entry_hash, 1200 * 12100035);
    assert!(summary.entry_hash > 10_000_000_000, "the hash overflows ten digits and is cut");
    assert_eq!(text.lines().count() % 10, 0);
}

#[test]
fn bad_input_is_refused_before_a_file_is_written() {
    let mut e = entry("021000021", "12ab", 100, false, "X");
    assert_eq!(
        write(&file(vec![batch(Sec::Web, vec![e.clone()])])).unwrap_err(),
        WriteError::AccountNumber
    );
    e.account_number = "1234".into();
    e.amount_cents = -5;
    assert_eq!(
        write(&file(vec![batch(Sec::Web, vec![e.clone()])])).unwrap_err(),
        WriteError::Amount
    );
    e.amount_cents = 0;
    assert_eq!(
        write(&file(vec![batch(Sec::Web, vec![e])])).unwrap_err(),
        WriteError::Amount,
        "zero only for prenotes"
    );
}

#[test]
fn the_reader_catches_tampering() {
    let text = write(&file(vec![batch(
        Sec::Web,
        vec![entry("021000021", "000123456789", 6120, false, "A")],
    )]))
    .unwrap();
    let changed_amount = text.replacen("0000006120", "0000006121", 1);
    let fault = read(&changed_amount).unwrap_err().reason;
    assert!(matches!(fault, NachaFault::BatchTotals | NachaFault::FileTotals), "{fault:?}");
    let short = text.lines().take(9).map(|l| format!("{l}\n")).collect::<String>();
    assert!(read(&short).is_err());
}

#[test]
fn a_web_debit_authorized_once_is_marked_single() {
    let mut once = entry("021000021", "000123456789", 8417, false, "Pat Doe");
    once.single = true;
    let recurring = entry("021000021", "000123456789", 6120, false, "Pat Doe");
    let text = write(&file(vec![batch(Sec::Web, vec![once, recurring])])).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(&lines[2][76..78], "S ", "Pay Now is a single entry");
    assert_eq!(&lines[3][76..78], "R ", "AutoPay recurs");
    assert_eq!(read(&text).unwrap().total_debit_cents, 14537);
}

#[test]
fn each_entry_carries_the_trace_number_it_was_given_and_a_repeated_one_is_refused() {
    let mut first = entry("011000015", "1234567890", 6120, false, "Ana Reyes");
    first.trace_sequence = 4_560_001;
    let text = write(&file(vec![batch(Sec::Ppd, vec![first.clone()])])).unwrap();
    let bank = RoutingNumber::parse("123000220").unwrap();
    assert_eq!(trace_number(&bank, 4_560_001), "123000224560001");
    assert!(text.lines().nth(2).unwrap().ends_with("123000224560001"));
    let twice = file(vec![batch(Sec::Ppd, vec![first.clone()]), batch(Sec::Web, vec![first])]);
    assert_eq!(write(&twice), Err(WriteError::Trace));
}
