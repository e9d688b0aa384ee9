//! The water-use alerts' detectors (issue 19), over series where a missing interval is
//! unknown, never zero. Each detector answers, for every hour (or day) of a series, whether
//! its condition holds then (`On`), is known not to hold (`Off`), or cannot be told from
//! the reads there are (`Unknown`). `episodes` turns those answers into alerts: one when a
//! condition starts, none while it lasts, "resolved" when it is known to have stopped — so
//! the same leak read again by every import is alerted once, and a gap in the data neither
//! starts nor ends one.
//!
//! Use is in hundredths of a gallon (`CentiGallons`' unit), so every comparison is exact.

use serde::{Deserialize, Serialize};

/// What an alert is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AlertKind {
    /// Water running every hour for two days (a leak: a toilet flapper, a pipe).
    Continuous,
    /// A high flow for hours (a burst pipe, a hose left on).
    Burst,
    /// A day well above the usual one.
    HighUse,
    /// Use while the customer said they were away.
    Vacation,
}

impl AlertKind {
    pub const ALL: [Self; 4] = [Self::Continuous, Self::Burst, Self::HighUse, Self::Vacation];

    /// As `usage_alerts.kind` stores it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Continuous => "continuous",
            Self::Burst => "burst",
            Self::HighUse => "high_use",
            Self::Vacation => "vacation",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    /// Whether it is found hour by hour (else day by day).
    pub fn hourly(self) -> bool {
        matches!(self, Self::Continuous | Self::Burst)
    }
}

/// Whether a detector's condition holds at one hour or day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    On,
    Off,
    Unknown,
}

/// The rules of the hourly detectors, in hundredths of a gallon an hour. The defaults are the
/// published AMI rules for a residence; a utility may set its own per account class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowRules {
    /// Continuous flow: every hour of the window at or above this...
    pub continuous_centi_gph: i64,
    /// ...for this many hours.
    pub continuous_hours: usize,
    /// Burst: this many consecutive hours...
    pub burst_hours: usize,
    /// ...at or above this.
    pub burst_centi_gph: i64,
}

impl Default for FlowRules {
    fn default() -> Self {
        Self::RESIDENTIAL
    }
}

impl FlowRules {
    /// A residence: 3 gph for 48 hours; 30 gph for 8 hours.
    pub const RESIDENTIAL: Self = Self {
        continuous_centi_gph: 300,
        continuous_hours: 48,
        burst_hours: 8,
        burst_centi_gph: 3_000,
    };
    /// A commercial account: 10 gph for a week; the same burst rule.
    pub const COMMERCIAL: Self = Self {
        continuous_centi_gph: 1_000,
        continuous_hours: 168,
        burst_hours: 8,
        burst_centi_gph: 3_000,
    };
}

/// The billing system's class of an account, which picks its flow rules.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ServiceClass {
    #[default]
    Residential,
    Commercial,
}

impl ServiceClass {
    /// As `accounts.service_class` and the accounts file's `class` column write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Residential => "residential",
            Self::Commercial => "commercial",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "residential" => Some(Self::Residential),
            "commercial" => Some(Self::Commercial),
            _ => None,
        }
    }
}

/// The utility's rules for each class of account (`[usage_alerts]`); a class not set keeps
/// the published rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClassRules {
    pub residential: FlowRules,
    pub commercial: FlowRules,
}

impl Default for ClassRules {
    fn default() -> Self {
        Self { residential: FlowRules::RESIDENTIAL, commercial: FlowRules::COMMERCIAL }
    }
}

impl ClassRules {
    pub fn of(&self, class: ServiceClass) -> FlowRules {
        match class {
            ServiceClass::Residential => self.residential,
            ServiceClass::Commercial => self.commercial,
        }
    }
}

/// Whether every hour of each window ending at an hour is at or above `floor`: `On` when
/// all `hours` of it are read and at or above; `Off` when one read is below (the flow
/// stopped within the window); `Unknown` when none is below but some are missing, or the
/// series is not yet a window long.
fn sustained(series: &[Option<i64>], hours: usize, floor: i64) -> Vec<State> {
    (0..series.len())
        .map(|end| {
            let Some(start) = (end + 1).checked_sub(hours) else {
                let seen = &series[..=end];
                let below = seen.iter().any(|h| h.is_some_and(|v| v < floor));
                return if below { State::Off } else { State::Unknown };
            };
            let window = &series[start..=end];
            if window.iter().any(|h| h.is_some_and(|v| v < floor)) {
                State::Off
            } else if window.iter().all(Option::is_some) {
                State::On
            } else {
                State::Unknown
            }
        })
        .collect()
}

/// Continuous flow at each hour of `hourly`: every hour of the window at or above the rule,
/// after taking away the use the customer declared normal (a water softener's, in
/// hundredths of a gallon an hour).
pub fn continuous_flow(hourly: &[Option<i64>], rules: &FlowRules, declared: i64) -> Vec<State> {
    let floor = rules.continuous_centi_gph + declared.max(0);
    sustained(hourly, rules.continuous_hours, floor)
}

/// A burst at each hour of `hourly`: the rule's consecutive hours all at or above its flow.
pub fn burst(hourly: &[Option<i64>], rules: &FlowRules) -> Vec<State> {
    sustained(hourly, rules.burst_hours, rules.burst_centi_gph)
}

/// High use on each day of `daily`: a day above `factor` times the usual day (`usual`, the
/// average day of the same period last year, or of the last 30 days). Unknown for a day
/// not wholly read, or without a usual day to compare with.
pub fn high_use(daily: &[Option<i64>], usual: Option<i64>, factor: i64) -> Vec<State> {
    daily
        .iter()
        .map(|day| match (day, usual) {
            (Some(used), Some(usual)) if usual > 0 => {
                if *used > usual * factor {
                    State::On
                } else {
                    State::Off
                }
            }
            _ => State::Unknown,
        })
        .collect()
}

/// The average of the wholly read days, in hundredths of a gallon; `None` without one.
pub fn usual_day(daily: &[Option<i64>]) -> Option<i64> {
    let read: Vec<i64> = daily.iter().flatten().copied().collect();
    let count = i64::try_from(read.len()).ok().filter(|n| *n > 0)?;
    Some(read.iter().sum::<i64>() / count)
}

/// While the customer is away, each day above the use they allow.
pub fn vacation(daily: &[Option<i64>], allowed: i64) -> Vec<State> {
    daily
        .iter()
        .map(|day| match day {
            Some(used) if *used > allowed => State::On,
            Some(_) => State::Off,
            None => State::Unknown,
        })
        .collect()
}

/// What an alert does at a point of a series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// The condition started at this index: alert once.
    Started(usize),
    /// It is known to have stopped at this index: tell the customer it is resolved.
    Resolved(usize),
}

/// The alerts of a detector's answers, given whether an episode was already open before
/// the series (an earlier import alerted it): a start while one is open, or an end while
/// none is, is no alert. Unknown changes nothing.
pub fn episodes(states: &[State], open_before: bool) -> (Vec<Change>, bool) {
    let mut open = open_before;
    let mut changes = Vec::new();
    for (i, state) in states.iter().enumerate() {
        match (state, open) {
            (State::On, false) => {
                open = true;
                changes.push(Change::Started(i));
            }
            (State::Off, true) => {
                open = false;
                changes.push(Change::Resolved(i));
            }
            _ => {}
        }
    }
    (changes, open)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GPH: i64 = 100;

    fn hours(n: usize, gph_centi: i64) -> Vec<Option<i64>> {
        vec![Some(gph_centi); n]
    }

    #[test]
    fn a_flapper_at_4_gph_for_two_days_is_one_continuous_flow_alert() {
        let rules = FlowRules::RESIDENTIAL;
        let mut series = hours(24, 0);
        series.extend(hours(60, 4 * GPH));
        let states = continuous_flow(&series, &rules, 0);
        assert_eq!(states[24 + 46], State::Off, "47 hours are not 48");
        assert_eq!(states[24 + 47], State::On);
        let (changes, open) = episodes(&states, false);
        assert_eq!(changes, [Change::Started(24 + 47)], "once, not every hour it lasts");
        assert!(open);
        // The next import: the flow goes on, then stops.
        let mut next = hours(10, 4 * GPH);
        next.push(Some(50));
        let (changes, open) = episodes(&continuous_flow(&next, &rules, 0), true);
        assert_eq!(changes, [Change::Resolved(10)], "resolved when it stops, never re-sent");
        assert!(!open);
    }

    #[test]
    fn a_declared_softener_is_not_a_leak_and_a_leak_above_it_still_is() {
        let rules = FlowRules::RESIDENTIAL;
        let softener = hours(72, 4 * GPH);
        let declared = 2 * GPH;
        assert!(continuous_flow(&softener, &rules, declared).iter().all(|s| *s != State::On));
        let leak = hours(72, 6 * GPH);
        assert_eq!(continuous_flow(&leak, &rules, declared)[71], State::On);
    }

    #[test]
    fn irrigation_six_hours_a_night_is_neither_a_leak_nor_a_burst() {
        let rules = FlowRules::RESIDENTIAL;
        let mut series = Vec::new();
        for _night in 0..4 {
            series.extend(hours(6, 120 * GPH));
            series.extend(hours(18, GPH / 2));
        }
        assert!(continuous_flow(&series, &rules, 0).iter().all(|s| *s != State::On));
        assert!(burst(&series, &rules).iter().all(|s| *s != State::On), "6 hours are not 8");
        let (changes, _) = episodes(&burst(&series, &rules), false);
        assert!(changes.is_empty());
    }

    #[test]
    fn a_gap_in_the_data_neither_raises_nor_resolves_an_alert() {
        let rules = FlowRules::RESIDENTIAL;
        let mut series = hours(47, 4 * GPH);
        series[20] = None;
        series.extend(hours(5, 4 * GPH));
        let states = continuous_flow(&series, &rules, 0);
        assert!(states.iter().all(|s| *s == State::Unknown), "a missing hour is not zero");
        // An alert open before the gap stays open through it.
        let (changes, open) = episodes(&[State::Unknown; 5], true);
        assert!(changes.is_empty() && open);
    }

    #[test]
    fn a_burst_is_eight_hours_at_30_gph() {
        let rules = FlowRules::RESIDENTIAL;
        let mut series = hours(3, 0);
        series.extend(hours(8, 45 * GPH));
        series.extend(hours(3, 0));
        let states = burst(&series, &rules);
        assert_eq!(states[9], State::Off, "seven hours");
        assert_eq!(states[10], State::On);
        let (changes, open) = episodes(&states, false);
        assert_eq!(changes, [Change::Started(10), Change::Resolved(11)]);
        assert!(!open);
        let commercial = FlowRules::COMMERCIAL;
        assert_eq!(continuous_flow(&hours(168, 9 * GPH), &commercial, 0)[167], State::Off);
        assert_eq!(continuous_flow(&hours(168, 10 * GPH), &commercial, 0)[167], State::On);
    }

    #[test]
    fn high_use_is_a_day_above_twice_the_usual_one() {
        let last_year = [Some(100_000), Some(120_000), None, Some(110_000)];
        let usual = usual_day(&last_year);
        assert_eq!(usual, Some(110_000), "the missing day is left out, not counted as 0");
        let days = [Some(200_000), Some(220_001), None];
        assert_eq!(high_use(&days, usual, 2), [State::Off, State::On, State::Unknown]);
        assert_eq!(high_use(&days, None, 2), [State::Unknown; 3], "nothing to compare with");
        assert_eq!(usual_day(&[None, None]), None);
    }

    #[test]
    fn a_vacation_day_above_the_allowed_use_alerts_once() {
        let allowed = 2_000;
        let away = [Some(500), Some(2_000), None, Some(9_000), Some(12_000), Some(100)];
        let states = vacation(&away, allowed);
        let (changes, _) = episodes(&states, false);
        assert_eq!(changes, [Change::Started(3), Change::Resolved(5)]);
    }
}
