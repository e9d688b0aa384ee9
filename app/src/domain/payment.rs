//! A one-time payment as a customer writes it: the amount (the balance or another amount),
//! the date (today, or later up to the due date), and the state a payment is in. Pure:
//! the pages and the server read the same rules.

use super::Cents;
use serde::{Deserialize, Serialize};
use time::Date;

/// The smallest amount a customer may choose to pay.
pub const MIN_PAYMENT: Cents = Cents(100);
/// The largest amount the form reads at all (a typo of many digits is refused clearly).
const MAX_DIGITS: usize = 9;

/// What is wrong with an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AmountProblem {
    #[error("enter an amount")]
    Empty,
    #[error("an amount is written like 84.17")]
    Format,
    /// `84,17`: a comma where the cents' point belongs. Read as 8,417 it would pay a
    /// hundred times too much, so it is refused and explained.
    #[error("write the cents after a point: 84.17")]
    CommaForPoint,
    #[error("the amount must be at least $1.00")]
    TooSmall,
    #[error("the amount is more than this account owes")]
    TooLarge,
    #[error("this account owes nothing now")]
    NothingOwed,
}

/// Reads an amount as people type it: `84.17`, `84.1`, `$84.17`, `1,204.50`, ` 84 `. Commas
/// may only group thousands; more than two decimals, signs, letters and `84,17` are refused.
pub fn parse_amount(raw: &str) -> Result<Cents, AmountProblem> {
    let text = raw.trim();
    let text = text.strip_prefix('$').unwrap_or(text).trim_start();
    if text.is_empty() {
        return Err(AmountProblem::Empty);
    }
    let (whole, cents) = match text.split_once('.') {
        Some((w, c)) => (w, Some(c)),
        None => (text, None),
    };
    let groups: Vec<&str> = whole.split(',').collect();
    if groups.len() > 1 {
        let grouped_thousands = groups[0].len() <= 3
            && !groups[0].is_empty()
            && groups[1..].iter().all(|g| g.len() == 3);
        if !grouped_thousands {
            let comma_cents = cents.is_none() && groups.len() == 2 && groups[1].len() <= 2;
            return Err(if comma_cents {
                AmountProblem::CommaForPoint
            } else {
                AmountProblem::Format
            });
        }
    }
    let digits: String = groups.concat();
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if digits.is_empty() || digits.len() > MAX_DIGITS || !all_digits(&digits) {
        return Err(AmountProblem::Format);
    }
    let cents = match cents {
        None => 0,
        Some(c) if (1..=2).contains(&c.len()) && all_digits(c) => {
            c.parse::<i64>().map_err(|_| AmountProblem::Format)? * if c.len() == 1 { 10 } else { 1 }
        }
        Some(_) => return Err(AmountProblem::Format),
    };
    let whole: i64 = digits.parse().map_err(|_| AmountProblem::Format)?;
    Ok(Cents(whole * 100 + cents))
}

/// The most a customer may pay on an account: what it owes plus the utility's overpayment
/// limit (none by default: no credit balance is created by mistake).
pub fn most_payable(balance: Cents, overpayment_limit: Cents) -> Cents {
    Cents(balance.0.max(0) + overpayment_limit.0.max(0))
}

/// An amount checked against the account: at least $1.00 (or the whole balance when less is
/// owed), at most `most_payable`.
pub fn check_amount(
    amount: Cents,
    balance: Cents,
    overpayment_limit: Cents,
) -> Result<Cents, AmountProblem> {
    let most = most_payable(balance, overpayment_limit);
    if most.0 <= 0 {
        return Err(AmountProblem::NothingOwed);
    }
    let least = if balance.0 > 0 && balance < MIN_PAYMENT { balance } else { MIN_PAYMENT };
    if amount < least {
        return Err(AmountProblem::TooSmall);
    }
    if amount > most {
        return Err(AmountProblem::TooLarge);
    }
    Ok(amount)
}

/// What is wrong with a payment date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum DateProblem {
    #[error("choose a payment date")]
    Empty,
    #[error("a date is written like 2026-12-10")]
    Format,
    #[error("the payment date cannot be in the past")]
    Past,
    #[error("the payment date cannot be after the due date")]
    AfterDue,
}

/// Reads a payment date (`YYYY-MM-DD`, as a date input sends it): today, or a later date up to
/// the latest due date of the accounts paid (a bill already past due can be paid today only).
pub fn payment_date(raw: &str, today: Date, latest_due: Option<Date>) -> Result<Date, DateProblem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(DateProblem::Empty);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = Date::parse(raw, &format).map_err(|_| DateProblem::Format)?;
    if date < today {
        return Err(DateProblem::Past);
    }
    if date > today && latest_due.is_none_or(|due| date > due) {
        return Err(DateProblem::AfterDue);
    }
    Ok(date)
}

/// A payment's state as the customer reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentState {
    Scheduled,
    Pending,
    SentToBank,
    Paid,
    Declined,
    Returned,
    Cancelled,
}

impl PaymentState {
    /// The state of a stored status (`skipped`: never sent, so cancelled for the customer).
    pub fn from_status(status: &str) -> Self {
        match status {
            "scheduled" => Self::Scheduled,
            "pending" => Self::Pending,
            "submitted" => Self::SentToBank,
            "paid" => Self::Paid,
            "failed" => Self::Declined,
            "returned" => Self::Returned,
            _ => Self::Cancelled,
        }
    }

    /// Money that is still on its way: a second payment now would pay twice.
    pub fn on_its_way(self) -> bool {
        matches!(self, Self::Scheduled | Self::Pending | Self::SentToBank)
    }
}

/// The reference number a customer quotes for one payment.
pub fn reference(payment_id: i64) -> String {
    format!("P{payment_id:08}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn amounts_are_read_as_people_type_them() {
        assert_eq!(parse_amount("84.17"), Ok(Cents(8417)));
        assert_eq!(parse_amount("84.1"), Ok(Cents(8410)));
        assert_eq!(parse_amount("$84.17"), Ok(Cents(8417)));
        assert_eq!(parse_amount(" $ 84 "), Ok(Cents(8400)));
        assert_eq!(parse_amount("1,204.50"), Ok(Cents(120450)));
        assert_eq!(parse_amount("12,345,678"), Ok(Cents(1234567800)));
    }

    #[test]
    fn doubtful_amounts_are_refused_with_their_reason() {
        assert_eq!(parse_amount("84,17"), Err(AmountProblem::CommaForPoint));
        assert_eq!(parse_amount("84,1"), Err(AmountProblem::CommaForPoint));
        assert_eq!(parse_amount(""), Err(AmountProblem::Empty));
        assert_eq!(parse_amount("  $ "), Err(AmountProblem::Empty));
        for bad in [
            "84.171",
            "-5",
            "1e3",
            "12,34,567",
            "abc",
            "84.",
            ".5",
            "1,2345",
            "9999999999",
            "84.1x",
        ] {
            assert_eq!(parse_amount(bad), Err(AmountProblem::Format), "{bad}");
        }
    }

    #[test]
    fn an_amount_is_at_least_a_dollar_and_at_most_the_balance_plus_the_limit() {
        let balance = Cents(8417);
        assert_eq!(check_amount(Cents(8417), balance, Cents(0)), Ok(Cents(8417)));
        assert_eq!(check_amount(Cents(99), balance, Cents(0)), Err(AmountProblem::TooSmall));
        assert_eq!(check_amount(Cents(8418), balance, Cents(0)), Err(AmountProblem::TooLarge));
        assert_eq!(check_amount(Cents(9417), balance, Cents(1000)), Ok(Cents(9417)));
        assert_eq!(check_amount(Cents(100), Cents(0), Cents(0)), Err(AmountProblem::NothingOwed));
        // Less than a dollar owed: that is what may be paid.
        assert_eq!(check_amount(Cents(50), Cents(50), Cents(0)), Ok(Cents(50)));
    }

    #[test]
    fn a_payment_date_is_today_or_later_up_to_the_due_date() {
        let today = date!(2026 - 12 - 02);
        let due = Some(date!(2026 - 12 - 10));
        assert_eq!(payment_date("2026-12-02", today, due), Ok(today));
        assert_eq!(payment_date("2026-12-10", today, due), Ok(date!(2026 - 12 - 10)));
        assert_eq!(payment_date("2026-12-11", today, due), Err(DateProblem::AfterDue));
        assert_eq!(payment_date("2026-12-01", today, due), Err(DateProblem::Past));
        assert_eq!(payment_date("12/10/2026", today, due), Err(DateProblem::Format));
        assert_eq!(payment_date("", today, due), Err(DateProblem::Empty));
        // Past due: today only.
        let overdue = Some(date!(2026 - 11 - 20));
        assert_eq!(payment_date("2026-12-02", today, overdue), Ok(today));
        assert_eq!(payment_date("2026-12-03", today, overdue), Err(DateProblem::AfterDue));
    }

    #[test]
    fn states_read_from_the_stored_status() {
        assert_eq!(PaymentState::from_status("submitted"), PaymentState::SentToBank);
        assert_eq!(PaymentState::from_status("failed"), PaymentState::Declined);
        assert_eq!(PaymentState::from_status("skipped"), PaymentState::Cancelled);
        assert!(PaymentState::Scheduled.on_its_way());
        assert!(!PaymentState::Paid.on_its_way());
        assert_eq!(reference(123), "P00000123");
    }
}
