//! AutoPay rules: how much is drafted for a bill, and when. Pure.

use super::Cents;
use serde::{Deserialize, Serialize};

/// The most days before the due date a customer may ask to be drafted.
pub const MAX_DAYS_BEFORE_DUE: i64 = 10;
/// The largest fixed amount or maximum accepted: far above any water bill, and within what
/// one NACHA entry can carry.
pub const MAX_AMOUNT: Cents = Cents(10_000_000);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AmountRule {
    /// The bill's whole balance (the default).
    FullBalance,
    /// A set amount each bill, never more than the balance.
    Fixed(Cents),
}

/// What a customer chose. Built only by [`AutopayRule::parse`], so it is always valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutopayRule {
    pub amount: AmountRule,
    /// 0: on the due date.
    pub days_before_due: i64,
    /// Above this, nothing is drafted and the customer is emailed instead.
    pub maximum: Option<Cents>,
}

impl Default for AutopayRule {
    fn default() -> Self {
        Self { amount: AmountRule::FullBalance, days_before_due: 0, maximum: None }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RuleProblem {
    AmountRuleMissing,
    FixedEmpty,
    FixedFormat,
    FixedRange,
    TimingMissing,
    DaysRange,
    MaximumEmpty,
    MaximumFormat,
    MaximumRange,
}

/// What the form sends, as typed (a field the form left out is empty).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RuleForm {
    /// "full" or "fixed".
    pub amount_rule: String,
    pub fixed_amount: String,
    /// "due" or "before".
    pub timing: String,
    pub days_before: String,
    /// "on" when the maximum box is ticked.
    pub use_maximum: String,
    pub maximum: String,
}

impl RuleForm {
    /// Each field with the name of its input in the forms, in the forms' order.
    pub fn fields(&self) -> [(&'static str, &str); 6] {
        [
            ("amount_rule", &self.amount_rule),
            ("fixed_amount", &self.fixed_amount),
            ("timing", &self.timing),
            ("days_before", &self.days_before),
            ("use_maximum", &self.use_maximum),
            ("maximum", &self.maximum),
        ]
    }

    /// The form read back from its inputs' names (`value` gives each one's value).
    pub fn from_fields(value: impl Fn(&str) -> String) -> Self {
        Self {
            amount_rule: value("amount_rule"),
            fixed_amount: value("fixed_amount"),
            timing: value("timing"),
            days_before: value("days_before"),
            use_maximum: value("use_maximum"),
            maximum: value("maximum"),
        }
    }
}

fn amount(
    raw: &str,
    empty: RuleProblem,
    format: RuleProblem,
    range: RuleProblem,
) -> Result<Cents, RuleProblem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(empty);
    }
    let cents = Cents::parse_dollars(raw).map_err(|_| format)?;
    if cents.0 <= 0 || cents > MAX_AMOUNT {
        return Err(range);
    }
    Ok(cents)
}

impl AutopayRule {
    pub fn parse(form: &RuleForm) -> Result<Self, Vec<RuleProblem>> {
        let mut problems = Vec::new();
        let amount_rule = match form.amount_rule.trim() {
            "full" | "" => Some(AmountRule::FullBalance),
            "fixed" => match amount(
                &form.fixed_amount,
                RuleProblem::FixedEmpty,
                RuleProblem::FixedFormat,
                RuleProblem::FixedRange,
            ) {
                Ok(c) => Some(AmountRule::Fixed(c)),
                Err(p) => {
                    problems.push(p);
                    None
                }
            },
            _ => {
                problems.push(RuleProblem::AmountRuleMissing);
                None
            }
        };
        let days = match form.timing.trim() {
            "due" | "" => Some(0),
            "before" => match form.days_before.trim().parse::<i64>() {
                Ok(d) if (1..=MAX_DAYS_BEFORE_DUE).contains(&d) => Some(d),
                _ => {
                    problems.push(RuleProblem::DaysRange);
                    None
                }
            },
            _ => {
                problems.push(RuleProblem::TimingMissing);
                None
            }
        };
        let maximum = if form.use_maximum.trim().is_empty() {
            Some(None)
        } else {
            match amount(
                &form.maximum,
                RuleProblem::MaximumEmpty,
                RuleProblem::MaximumFormat,
                RuleProblem::MaximumRange,
            ) {
                Ok(c) => Some(Some(c)),
                Err(p) => {
                    problems.push(p);
                    None
                }
            }
        };
        match (amount_rule, days, maximum) {
            (Some(amount), Some(days_before_due), Some(maximum)) if problems.is_empty() => {
                Ok(Self { amount, days_before_due, maximum })
            }
            _ => Err(problems),
        }
    }

    /// The form that parses back to this rule: for the "Change" page and the review's
    /// hidden fields.
    pub fn to_form(&self) -> RuleForm {
        let dollars = |c: Cents| format!("{}.{:02}", c.0 / 100, c.0 % 100);
        RuleForm {
            amount_rule: match self.amount {
                AmountRule::FullBalance => "full".into(),
                AmountRule::Fixed(_) => "fixed".into(),
            },
            fixed_amount: match self.amount {
                AmountRule::Fixed(c) => dollars(c),
                AmountRule::FullBalance => String::new(),
            },
            timing: if self.days_before_due == 0 { "due".into() } else { "before".into() },
            days_before: if self.days_before_due == 0 {
                String::new()
            } else {
                self.days_before_due.to_string()
            },
            use_maximum: if self.maximum.is_some() { "on".into() } else { String::new() },
            maximum: self.maximum.map(dollars).unwrap_or_default(),
        }
    }

    /// What to do with a bill's balance.
    pub fn decide(&self, balance: Cents) -> Draft {
        if balance.0 <= 0 {
            return Draft::NothingDue;
        }
        let amount = match self.amount {
            AmountRule::FullBalance => balance,
            AmountRule::Fixed(fixed) => fixed.min(balance),
        };
        match self.maximum {
            Some(max) if amount > max => Draft::OverMaximum { amount, maximum: max },
            _ => Draft::Pay(amount),
        }
    }

    /// Stored form: ("full"|"fixed", fixed cents, days before, maximum cents).
    pub fn columns(&self) -> (&'static str, Option<i64>, i64, Option<i64>) {
        match self.amount {
            AmountRule::FullBalance => {
                ("full", None, self.days_before_due, self.maximum.map(|c| c.0))
            }
            AmountRule::Fixed(c) => {
                ("fixed", Some(c.0), self.days_before_due, self.maximum.map(|c| c.0))
            }
        }
    }

    /// Back from the stored columns (which were written by [`Self::columns`]).
    pub fn from_columns(
        rule: &str,
        fixed: Option<i64>,
        days_before_due: i64,
        maximum: Option<i64>,
    ) -> Self {
        let amount = match (rule, fixed) {
            ("fixed", Some(c)) => AmountRule::Fixed(Cents(c)),
            _ => AmountRule::FullBalance,
        };
        Self {
            amount,
            days_before_due: days_before_due.clamp(0, MAX_DAYS_BEFORE_DUE),
            maximum: maximum.map(Cents),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Draft {
    Pay(Cents),
    /// Nothing is drafted; the customer is told.
    OverMaximum {
        amount: Cents,
        maximum: Cents,
    },
    NothingDue,
}

/// The calendar side of the rule. Server only: dates come from `time`.
#[cfg(feature = "ssr")]
pub mod calendar {
    use super::AutopayRule;
    use time::{Date, Duration};

    /// The day a bill is drafted.
    pub fn draft_date(rule: &AutopayRule, due: Date) -> Date {
        due - Duration::days(rule.days_before_due)
    }

    /// A run on `today` drafts a bill from its draft date up to its due date, so that a day
    /// the run did not happen (a server down) is caught up the next day, but a bill already
    /// past due is never drafted behind the customer's back.
    pub fn drafts_on(rule: &AutopayRule, due: Date, today: Date) -> bool {
        draft_date(rule, due) <= today && today <= due
    }

    /// The reminder goes out `reminder_days` before the draft date, until the draft.
    pub fn reminds_on(rule: &AutopayRule, due: Date, today: Date, reminder_days: i64) -> bool {
        let draft = draft_date(rule, due);
        draft - Duration::days(reminder_days) <= today && today < draft
    }

    pub fn parse_iso(text: &str) -> Option<Date> {
        Date::parse(text, &time::format_description::well_known::Iso8601::DATE).ok()
    }

    /// `YYYY-MM-DD`, as the database stores dates.
    pub fn iso(date: Date) -> String {
        format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use time::macros::date;

        #[test]
        fn drafts_from_the_draft_date_to_the_due_date_only() {
            let rule = AutopayRule { days_before_due: 3, ..Default::default() };
            let due = date!(2026 - 12 - 10);
            assert_eq!(draft_date(&rule, due), date!(2026 - 12 - 07));
            assert!(!drafts_on(&rule, due, date!(2026 - 12 - 06)));
            assert!(drafts_on(&rule, due, date!(2026 - 12 - 07)));
            assert!(drafts_on(&rule, due, date!(2026 - 12 - 10)));
            assert!(!drafts_on(&rule, due, date!(2026 - 12 - 11)));
        }

        #[test]
        fn reminds_before_the_draft_never_on_it() {
            let rule = AutopayRule::default();
            let due = date!(2026 - 12 - 10);
            assert!(!reminds_on(&rule, due, date!(2026 - 12 - 06), 3));
            assert!(reminds_on(&rule, due, date!(2026 - 12 - 07), 3));
            assert!(reminds_on(&rule, due, date!(2026 - 12 - 09), 3));
            assert!(!reminds_on(&rule, due, date!(2026 - 12 - 10), 3));
        }

        #[test]
        fn iso_dates() {
            assert_eq!(parse_iso("2026-02-28"), Some(date!(2026 - 02 - 28)));
            assert_eq!(parse_iso("2026-02-30"), None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn form(
        amount_rule: &str,
        fixed: &str,
        timing: &str,
        days: &str,
        max: Option<&str>,
    ) -> RuleForm {
        RuleForm {
            amount_rule: amount_rule.into(),
            fixed_amount: fixed.into(),
            timing: timing.into(),
            days_before: days.into(),
            use_maximum: if max.is_some() { "on".into() } else { String::new() },
            maximum: max.unwrap_or_default().into(),
        }
    }

    #[test]
    fn a_form_reads_back_from_its_fields() {
        let sent = form("fixed", "40.00", "before", "3", Some("90.00"));
        let fields = sent.fields();
        let value = |name: &str| {
            fields.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string()).unwrap_or_default()
        };
        assert_eq!(RuleForm::from_fields(value), sent);
    }

    #[test]
    fn the_default_is_the_full_balance_on_the_due_date() {
        assert_eq!(AutopayRule::parse(&RuleForm::default()), Ok(AutopayRule::default()));
        assert_eq!(AutopayRule::default().decide(Cents(6120)), Draft::Pay(Cents(6120)));
    }

    #[test]
    fn a_fixed_amount_never_drafts_more_than_is_owed() {
        let rule = AutopayRule::parse(&form("fixed", "50.00", "due", "", None)).unwrap();
        assert_eq!(rule.decide(Cents(6120)), Draft::Pay(Cents(5000)));
        assert_eq!(rule.decide(Cents(3000)), Draft::Pay(Cents(3000)));
        assert_eq!(rule.decide(Cents(0)), Draft::NothingDue);
        assert_eq!(rule.decide(Cents(-500)), Draft::NothingDue);
    }

    #[test]
    fn above_the_maximum_nothing_is_drafted() {
        let rule = AutopayRule::parse(&form("full", "", "before", "3", Some("$100"))).unwrap();
        assert_eq!(rule.days_before_due, 3);
        assert_eq!(rule.decide(Cents(10_000)), Draft::Pay(Cents(10_000)));
        assert_eq!(
            rule.decide(Cents(10_001)),
            Draft::OverMaximum { amount: Cents(10_001), maximum: Cents(10_000) }
        );
    }

    #[test]
    fn each_bad_field_is_named() {
        assert_eq!(
            AutopayRule::parse(&form("fixed", "", "due", "", None)),
            Err(vec![RuleProblem::FixedEmpty])
        );
        assert_eq!(
            AutopayRule::parse(&form("fixed", "12.345", "due", "", None)),
            Err(vec![RuleProblem::FixedFormat])
        );
        assert_eq!(
            AutopayRule::parse(&form("fixed", "0", "due", "", None)),
            Err(vec![RuleProblem::FixedRange])
        );
        assert_eq!(
            AutopayRule::parse(&form("fixed", "-5", "due", "", None)),
            Err(vec![RuleProblem::FixedRange])
        );
        assert_eq!(
            AutopayRule::parse(&form("full", "", "before", "0", None)),
            Err(vec![RuleProblem::DaysRange])
        );
        assert_eq!(
            AutopayRule::parse(&form("full", "", "before", "11", None)),
            Err(vec![RuleProblem::DaysRange])
        );
        assert_eq!(
            AutopayRule::parse(&form("full", "", "before", "x", None)),
            Err(vec![RuleProblem::DaysRange])
        );
        assert_eq!(
            AutopayRule::parse(&form("full", "", "due", "", Some(""))),
            Err(vec![RuleProblem::MaximumEmpty])
        );
        assert_eq!(
            AutopayRule::parse(&form("weekly", "", "soon", "", Some("abc"))),
            Err(vec![
                RuleProblem::AmountRuleMissing,
                RuleProblem::TimingMissing,
                RuleProblem::MaximumFormat
            ])
        );
        assert_eq!(
            AutopayRule::parse(&form("full", "", "due", "", Some("200000"))),
            Err(vec![RuleProblem::MaximumRange])
        );
    }

    proptest! {
        #[test]
        fn every_rule_survives_its_form_and_its_columns(fixed in proptest::option::of(1i64..=10_000_000), days in 0i64..=10, max in proptest::option::of(1i64..=10_000_000)) {
            let rule = AutopayRule {
                amount: fixed.map(|c| AmountRule::Fixed(Cents(c))).unwrap_or(AmountRule::FullBalance),
                days_before_due: days,
                maximum: max.map(Cents),
            };
            prop_assert_eq!(AutopayRule::parse(&rule.to_form()), Ok(rule));
            let (r, f, d, m) = rule.columns();
            prop_assert_eq!(AutopayRule::from_columns(r, f, d, m), rule);
        }

        #[test]
        fn a_draft_is_never_above_the_balance_or_the_maximum(balance in -10_000i64..10_000_000, fixed in proptest::option::of(1i64..=10_000_000), max in proptest::option::of(1i64..=10_000_000)) {
            let rule = AutopayRule {
                amount: fixed.map(|c| AmountRule::Fixed(Cents(c))).unwrap_or(AmountRule::FullBalance),
                days_before_due: 0,
                maximum: max.map(Cents),
            };
            if let Draft::Pay(amount) = rule.decide(Cents(balance)) {
                prop_assert!(amount.0 > 0 && amount.0 <= balance);
                prop_assert!(max.is_none_or(|m| amount.0 <= m));
            }
        }
    }
}
