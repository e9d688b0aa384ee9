//! The Pay form's fields as they travel: in the review page's address (the form is sent by
//! GET), and in the one hidden field Submit Payment posts. One line per account, named by
//! the account's id: `pay_12`, `amount_12` (`balance` or `other`), `other_12`.

use crate::domain::{AccountId, MethodId};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PayForm {
    /// The one-time key the database holds a submission to (see `payments::data::one_time`).
    pub key: String,
    pub date: String,
    pub method: Option<MethodId>,
    /// A new method to enter on the review instead of a saved one (`method=new_echeck` or
    /// `method=new_card`).
    pub new: Option<NewMethod>,
    /// Ticked: pay although a payment is already on its way.
    pub again: bool,
    pub lines: Vec<LineForm>,
}

/// The Pay page's choices of a method not yet saved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NewMethod {
    Echeck,
    Card,
}

impl NewMethod {
    /// The value of its choice in the form's `method` field.
    pub fn value(self) -> &'static str {
        match self {
            Self::Echeck => "new_echeck",
            Self::Card => "new_card",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Echeck, Self::Card].into_iter().find(|n| n.value() == raw.trim())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LineForm {
    pub account_id: AccountId,
    pub pay: bool,
    /// Another amount than the balance.
    pub other_chosen: bool,
    pub other: String,
}

impl LineForm {
    fn new(account_id: AccountId) -> Self {
        Self { account_id, pay: false, other_chosen: false, other: String::new() }
    }
}

impl PayForm {
    /// Reads the fields; unknown names are ignored. Lines come in the order of their ids.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut form = Self::default();
        for (name, value) in pairs {
            match name {
                "key" => form.key = value.trim().to_string(),
                "date" => form.date = value.trim().to_string(),
                "method" => {
                    form.method = value.trim().parse().ok();
                    form.new = NewMethod::parse(value);
                }
                "again" => form.again = !value.is_empty(),
                _ => form.read_line_field(name, value),
            }
        }
        form.lines.sort_by_key(|l| l.account_id);
        form
    }

    fn read_line_field(&mut self, name: &str, value: &str) {
        let Some((field, id)) = name.split_once('_') else { return };
        let Ok(id) = id.parse::<AccountId>() else { return };
        let line = match self.lines.iter().position(|l| l.account_id == id) {
            Some(i) => &mut self.lines[i],
            None => {
                self.lines.push(LineForm::new(id));
                self.lines.last_mut().expect("just pushed")
            }
        };
        match field {
            "pay" => line.pay = !value.is_empty(),
            "amount" => line.other_chosen = value == "other",
            "other" => line.other = value.to_string(),
            _ => {}
        }
    }

    /// The fields as name and value, as the form sends them.
    pub fn pairs(&self) -> Vec<(String, String)> {
        let mut pairs = vec![("key".into(), self.key.clone()), ("date".into(), self.date.clone())];
        if let Some(method) = self.method {
            pairs.push(("method".into(), method.to_string()));
        } else if let Some(new) = self.new {
            pairs.push(("method".into(), new.value().into()));
        }
        if self.again {
            pairs.push(("again".into(), "1".into()));
        }
        for l in &self.lines {
            if l.pay {
                pairs.push((format!("pay_{}", l.account_id), "1".into()));
            }
            let choice = if l.other_chosen { "other" } else { "balance" };
            pairs.push((format!("amount_{}", l.account_id), choice.into()));
            pairs.push((format!("other_{}", l.account_id), l.other.clone()));
        }
        pairs
    }

    /// The fields as a query string (`application/x-www-form-urlencoded`).
    pub fn query(&self) -> String {
        form_urlencoded::Serializer::new(String::new()).extend_pairs(self.pairs()).finish()
    }

    pub fn from_query(query: &str) -> Self {
        let pairs: Vec<(String, String)> =
            form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        Self::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    pub fn line(&self, account_id: AccountId) -> Option<&LineForm> {
        self.lines.iter().find(|l| l.account_id == account_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_reads_back_from_its_query_as_it_was() {
        let form = PayForm::from_pairs([
            ("key", "k1"),
            ("date", "2026-12-10"),
            ("method", "7"),
            ("pay_12", "1"),
            ("amount_12", "other"),
            ("other_12", "$1,204.50 & more"),
            ("amount_3", "balance"),
            ("other_3", ""),
            ("nonsense_x", "1"),
            ("again", "1"),
        ]);
        assert_eq!(form.method, Some(MethodId(7)));
        assert_eq!(form.lines.len(), 2);
        assert_eq!(form.lines[0].account_id, AccountId(3), "in the order of their ids");
        assert!(!form.lines[0].pay);
        let line = form.line(AccountId(12)).unwrap();
        assert!(line.pay && line.other_chosen);
        assert_eq!(PayForm::from_query(&form.query()), form);
        let new = PayForm::from_pairs([("key", "k2"), ("method", "new_card")]);
        assert_eq!((new.method, new.new), (None, Some(NewMethod::Card)));
        assert_eq!(PayForm::from_query(&new.query()), new);
    }
}
