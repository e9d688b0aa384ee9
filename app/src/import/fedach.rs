//! The FedACH participant directory (the Federal Reserve's fixed-width format): routing
//! number in columns 1–9, institution name in 36–71, city in 108–127, state in 128–129.
//! Every line is checked before anything is written; a bad line names its number.

use super::{row_error, Expected, ImportError, ImportProblem};
use crate::domain::RoutingNumber;
use crate::payments::data::directory::DirectoryEntry;

/// Columns, 1-based and inclusive, as the Federal Reserve documents them.
const ROUTING: (usize, usize) = (1, 9);
const NAME: (usize, usize) = (36, 71);
const CITY: (usize, usize) = (108, 127);
const STATE: (usize, usize) = (128, 129);

fn column(line: &[char], (from, to): (usize, usize)) -> String {
    line.get(from - 1..to.min(line.len()))
        .unwrap_or_default()
        .iter()
        .collect::<String>()
        .trim()
        .to_string()
}

pub fn parse(text: &str) -> Result<Vec<DirectoryEntry>, ImportError> {
    let mut entries = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line_no = i as u64 + 1;
        let raw = raw.trim_end_matches('\r');
        if raw.trim().is_empty() {
            continue;
        }
        let chars: Vec<char> = raw.chars().collect();
        if chars.len() < STATE.1 {
            let problem = ImportProblem::RecordTooShort {
                expected: STATE.1 as u64,
                found: chars.len() as u64,
            };
            return Err(row_error(line_no, problem));
        }
        let routing = RoutingNumber::parse(&column(&chars, ROUTING)).map_err(|_| {
            row_error(line_no, ImportProblem::invalid("routing", Expected::RoutingNumber))
        })?;
        let bank_name = column(&chars, NAME);
        if bank_name.is_empty() {
            let column = "institution name (36-71)".to_string();
            return Err(row_error(line_no, ImportProblem::Empty { column }));
        }
        entries.push(DirectoryEntry {
            routing,
            bank_name,
            city: column(&chars, CITY),
            state: column(&chars, STATE),
        });
    }
    Ok(entries)
}

/// A few public routing numbers, for the demo.
pub const DEMO_DIRECTORY: &str = include_str!("../../data/fedach-demo.txt");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_directory_parses() {
        let entries = parse(DEMO_DIRECTORY).unwrap();
        assert!(entries.len() >= 4);
        let chase = entries.iter().find(|e| e.routing.as_str() == "021000021").unwrap();
        assert_eq!(chase.bank_name, "JPMORGAN CHASE BANK, NA");
        assert_eq!(chase.state, "FL");
    }

    #[test]
    fn a_bad_line_names_its_number() {
        let good = DEMO_DIRECTORY.lines().next().unwrap();
        let bad = format!("{good}\n123456789{}", &good[9..]);
        let error = parse(&bad).unwrap_err();
        let first = error.first_row().unwrap();
        let routing = ImportProblem::invalid("routing", Expected::RoutingNumber);
        assert!(first.line == 2 && first.problem == routing, "{error}");
        assert_eq!(parse("021000021 short").unwrap_err().first_row().unwrap().line, 1);
    }
}
