//! Return rates of the utility's ACH debits against Nacha's thresholds (the 2026 rules ask
//! every originator to watch them): unauthorized returns 0.5%, administrative returns 3.0%,
//! all returns 15.0%, each of the debits sent in the window. Pure: counts in, rates out.
//! Rates are kept as exact fractions (returns / debits) and compared in integers; only the
//! printed percentage is rounded.

use super::ach_return::ReturnClass;

/// The return codes Nacha counts as administrative (R02, R03, R04).
pub const ADMINISTRATIVE: [&str; 3] = ["R02", "R03", "R04"];

/// One of Nacha's three return-rate measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Unauthorized,
    Administrative,
    Overall,
}

impl Measure {
    pub const ALL: [Measure; 3] = [Self::Unauthorized, Self::Administrative, Self::Overall];

    /// Nacha's threshold, in basis points (hundredths of a percent).
    pub fn threshold_bp(self) -> u64 {
        match self {
            Self::Unauthorized => 50,
            Self::Administrative => 300,
            Self::Overall => 1500,
        }
    }

    /// Whether a return with `code` counts towards this measure.
    pub fn counts(self, code: &str) -> bool {
        let code = code.trim();
        match self {
            // The same codes that make the portal wait for a new authorization.
            Self::Unauthorized => ReturnClass::of(code) == ReturnClass::Unauthorized,
            Self::Administrative => ADMINISTRATIVE.contains(&code),
            Self::Overall => code.starts_with('R'),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Unauthorized => "unauthorized (R05 R07 R10 R11 R29 R51)",
            Self::Administrative => "administrative (R02 R03 R04)",
            Self::Overall => "overall (every return)",
        }
    }
}

/// Where a rate stands against its threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// At most half the threshold.
    Ok,
    /// Above half the threshold: the operator is warned before Nacha's limit is reached.
    Watch,
    /// Above the threshold itself.
    Over,
}

/// One measure's returns among the debits sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub measure: Measure,
    pub returns: u64,
    pub debits: u64,
}

impl Rate {
    pub fn standing(&self) -> Standing {
        // returns / debits > threshold / 10,000, in integers (no rounding decides it).
        let scaled = self.returns as u128 * 10_000;
        let limit = self.measure.threshold_bp() as u128 * self.debits as u128;
        if self.debits == 0 || scaled * 2 <= limit {
            Standing::Ok
        } else if scaled <= limit {
            Standing::Watch
        } else {
            Standing::Over
        }
    }

    /// The rate as a percentage with two decimals, rounded half up: "0.42%".
    pub fn percent(&self) -> String {
        percent(self.returns, self.debits)
    }
}

/// `part / whole` as a percentage with two decimals, rounded half up ("0.00%" of nothing).
pub fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0.00%".into();
    }
    let hundredths = (part as u128 * 10_000 * 2 + whole as u128) / (whole as u128 * 2);
    format!("{}.{:02}%", hundredths / 100, hundredths % 100)
}

/// A threshold in basis points as Nacha writes it: "0.5%", "3.0%", "15.0%".
pub fn threshold_text(bp: u64) -> String {
    format!("{}.{}%", bp / 100, (bp % 100) / 10)
}

/// The three rates of `debits` debits, given the return codes of those returned (with how
/// many returned with each code).
pub fn rates(debits: u64, returns: &[(String, u64)]) -> [Rate; 3] {
    Measure::ALL.map(|measure| Rate {
        measure,
        returns: returns.iter().filter(|(code, _)| measure.counts(code)).map(|(_, n)| n).sum(),
        debits,
    })
}

/// Whether any rate is above half its threshold: the daily check emails the operator then.
pub fn needs_alert(rates: &[Rate]) -> bool {
    rates.iter().any(|r| r.standing() != Standing::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(list: &[(&str, u64)]) -> Vec<(String, u64)> {
        list.iter().map(|(c, n)| (c.to_string(), *n)).collect()
    }

    #[test]
    fn each_code_counts_towards_its_measures() {
        let [unauthorized, administrative, overall] = rates(
            1000,
            &codes(&[("R01", 7), ("R02", 2), ("R03", 1), ("R10", 3), ("R51", 1), ("R16", 4)]),
        );
        assert_eq!(unauthorized.returns, 4);
        assert_eq!(administrative.returns, 3);
        assert_eq!(overall.returns, 18);
        assert!([unauthorized, administrative, overall].iter().all(|r| r.debits == 1000));
    }

    #[test]
    fn standing_is_decided_exactly_at_half_and_at_the_threshold() {
        let r = |returns, debits| Rate { measure: Measure::Unauthorized, returns, debits };
        // 0.5%: half is 0.25%. 1 of 400 is exactly 0.25%: not above half.
        assert_eq!(r(1, 400).standing(), Standing::Ok);
        assert_eq!(r(1, 399).standing(), Standing::Watch);
        // 1 of 200 is exactly 0.5%: above half, not above the threshold.
        assert_eq!(r(1, 200).standing(), Standing::Watch);
        assert_eq!(r(1, 199).standing(), Standing::Over);
        assert_eq!(r(0, 0).standing(), Standing::Ok);
        let admin = |returns, debits| Rate { measure: Measure::Administrative, returns, debits };
        assert_eq!(admin(3, 200).standing(), Standing::Ok); // 1.5%
        assert_eq!(admin(4, 200).standing(), Standing::Watch); // 2.0%
        assert_eq!(admin(7, 200).standing(), Standing::Over); // 3.5%
        let overall = |returns, debits| Rate { measure: Measure::Overall, returns, debits };
        assert_eq!(overall(15, 200).standing(), Standing::Ok); // 7.5%
        assert_eq!(overall(16, 200).standing(), Standing::Watch); // 8.0%
        assert_eq!(overall(31, 200).standing(), Standing::Over); // 15.5%
    }

    #[test]
    fn an_alert_is_needed_when_any_rate_passes_half_its_threshold() {
        assert!(!needs_alert(&rates(1000, &codes(&[("R01", 70), ("R10", 2)]))));
        assert!(needs_alert(&rates(1000, &codes(&[("R10", 3)]))));
        assert!(needs_alert(&rates(1000, &codes(&[("R01", 76)]))));
        assert!(!needs_alert(&rates(0, &[])));
    }

    #[test]
    fn percentages_are_rounded_half_up_to_two_decimals() {
        assert_eq!(percent(1, 400), "0.25%");
        assert_eq!(percent(1, 3), "33.33%");
        assert_eq!(percent(2, 3), "66.67%");
        assert_eq!(percent(1, 8), "12.50%");
        assert_eq!(percent(1, 80_000), "0.00%");
        assert_eq!(percent(1, 20_000), "0.01%"); // 0.005% rounds up
        assert_eq!(percent(0, 0), "0.00%");
        assert_eq!(threshold_text(50), "0.5%");
        assert_eq!(threshold_text(300), "3.0%");
        assert_eq!(threshold_text(1500), "15.0%");
    }
}
