//! Text messages (SMS): the shared home of every text the portal sends. A text is queued in
//! the database (`text_messages`) and handed to the utility's `SmsSender`; no vendor is
//! built in. The one implementation here, `DevOutbox`, keeps what it was handed in a table
//! for developers and tests, as maildev does for email.
//!
//! Consent and STOP: a text goes only to a number the customer gave with their consent
//! (`water` keeps it per account), never to a number that replied STOP (`text_opt_outs`),
//! checked when queued and again when sent. `reply` reads what a number answered (STOP,
//! START, HELP and their usual synonyms, in English and Spanish) from the sender's inbound
//! webhook.

pub mod data;
pub mod inbound;

use crate::domain::{Lang, Phone};
use crate::platform::Db;
use async_trait::async_trait;
use std::sync::Arc;

/// Attempts before a text is given up.
const MAX_ATTEMPTS: i64 = 5;
/// Texts handed to the sender per pass.
const BATCH: i64 = 100;

#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    /// The vendor could not take it now; tried again later.
    #[error("text sender unavailable: {0}")]
    Unavailable(String),
}

/// The utility's SMS vendor.
#[async_trait]
pub trait SmsSender: Send + Sync {
    async fn send(&self, to: &Phone, body: &str) -> Result<(), SmsError>;
}

/// The development sender: what a vendor would have been handed, kept in `text_dev_outbox`.
pub struct DevOutbox {
    db: Db,
}

#[async_trait]
impl SmsSender for DevOutbox {
    async fn send(&self, to: &Phone, body: &str) -> Result<(), SmsError> {
        data::into_dev_outbox(&self.db, to, body)
            .await
            .map_err(|e| SmsError::Unavailable(e.to_string()))
    }
}

/// Queues and sends texts, or none when the utility has no sender. Cheap to clone; reached
/// by server functions through context.
#[derive(Clone)]
pub struct Texter {
    sender: Option<Arc<dyn SmsSender>>,
}

/// What one pass of sending did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct TextsSent {
    pub sent: usize,
    pub failed: usize,
}

impl Texter {
    pub fn new(sender: Arc<dyn SmsSender>) -> Self {
        Self { sender: Some(sender) }
    }

    /// No sender: texts are not offered, and none is queued.
    pub fn disabled() -> Self {
        Self { sender: None }
    }

    /// The development outbox over `db`.
    pub fn dev_outbox(db: &Db) -> Self {
        Self::new(Arc::new(DevOutbox { db: db.clone() }))
    }

    /// The configured sender. The outbox sends nothing real, so it runs only in development
    /// mode.
    pub fn from_config(config: &crate::platform::Config, db: &Db) -> Result<Self, String> {
        match config.texts.sender.as_str() {
            "" => Ok(Self::disabled()),
            "outbox" if config.dev_mode => Ok(Self::dev_outbox(db)),
            "outbox" => Err("the text outbox sends nothing real: outside development mode, \
                             plug in an SMS vendor (texts.sender) or leave it unset"
                .into()),
            other => Err(format!("unknown texts.sender \"{other}\" (built in: outbox)")),
        }
    }

    /// Whether texts can be sent at all.
    pub fn enabled(&self) -> bool {
        self.sender.is_some()
    }

    /// Queues a text; `false` (nothing queued) when there is no sender or the number
    /// replied STOP.
    pub async fn queue(&self, db: &Db, to: &Phone, body: &str) -> Result<bool, sqlx::Error> {
        if !self.enabled() || data::stopped(db, to).await? {
            return Ok(false);
        }
        data::queue(db, to, body, false).await?;
        Ok(true)
    }

    /// Hands every due text to the sender, once each (a text another instance holds is
    /// left to it); one that fails waits and is tried again, at most `MAX_ATTEMPTS` times.
    #[tracing::instrument(skip_all)]
    pub async fn deliver_pending(&self, db: &Db) -> Result<TextsSent, sqlx::Error> {
        let mut done = TextsSent::default();
        let Some(sender) = &self.sender else { return Ok(done) };
        for id in data::due(db, BATCH).await? {
            let Some(text) = data::claim(db, id).await? else { continue };
            if !text.stop_reply && data::stopped(db, &text.to).await? {
                data::drop_text(db, id, "the number replied STOP").await?;
                continue;
            }
            match sender.send(&text.to, &text.body).await {
                Ok(()) => {
                    data::mark_sent(db, id).await?;
                    done.sent += 1;
                }
                Err(e) => {
                    tracing::warn!(error = %e, text = id, "text not sent");
                    data::mark_failed(db, id, &e.to_string(), MAX_ATTEMPTS).await?;
                    done.failed += 1;
                }
            }
        }
        Ok(done)
    }

    /// Sends what is due every minute, for as long as the server runs.
    pub async fn run(self, db: Db) {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tick.tick().await;
            if let Err(e) = self.deliver_pending(&db).await {
                tracing::error!(error = %e, "sending texts failed");
            }
        }
    }
}

/// What a number's answer asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keyword {
    Stop,
    Start,
    Help,
}

impl Keyword {
    /// The carriers' keywords (the whole message, any case), and their Spanish ones.
    pub fn of(body: &str) -> Option<Self> {
        match body.trim().to_uppercase().as_str() {
            "STOP" | "STOPALL" | "UNSUBSCRIBE" | "CANCEL" | "END" | "QUIT" | "PARAR" | "ALTO"
            | "CANCELAR" => Some(Self::Stop),
            "START" | "UNSTOP" | "YES" | "SUBSCRIBE" | "INICIAR" | "SI" | "SÍ" => {
                Some(Self::Start)
            }
            "HELP" | "INFO" | "AYUDA" => Some(Self::Help),
            _ => None,
        }
    }
}

/// Acts on a number's answer and queues the confirmation the carriers require (a STOP's
/// is the last text that number gets). Any other answer changes nothing.
#[tracing::instrument(skip(db, texter, body, utility))]
pub async fn reply(
    db: &Db,
    texter: &Texter,
    from: &Phone,
    body: &str,
    utility: &str,
) -> Result<Option<Keyword>, sqlx::Error> {
    let Some(keyword) = Keyword::of(body) else { return Ok(None) };
    // Answered in Spanish, confirmed in Spanish.
    let spanish = ["PARAR", "ALTO", "CANCELAR", "INICIAR", "SI", "SÍ", "AYUDA"];
    let lang =
        if spanish.contains(&body.trim().to_uppercase().as_str()) { Lang::Es } else { Lang::En };
    match keyword {
        Keyword::Stop => {
            data::stop(db, from).await?;
            data::queue(db, from, &confirmation(keyword, lang, utility), true).await?;
        }
        Keyword::Start => {
            data::restart(db, from).await?;
            texter.queue(db, from, &confirmation(keyword, lang, utility)).await?;
        }
        Keyword::Help => {
            texter.queue(db, from, &confirmation(keyword, lang, utility)).await?;
        }
    }
    Ok(Some(keyword))
}

fn confirmation(keyword: Keyword, lang: Lang, utility: &str) -> String {
    match (keyword, lang) {
        (Keyword::Stop, Lang::En) => format!("{utility}: you will get no more texts. Reply START to get them again."),
        (Keyword::Stop, Lang::Es) => format!("{utility}: no recibirá más mensajes. Responda START para volver a recibirlos."),
        (Keyword::Start, Lang::En) => format!("{utility}: water alerts by text are on again. Reply STOP to stop."),
        (Keyword::Start, Lang::Es) => format!("{utility}: las alertas de agua por mensaje están activas de nuevo. Responda STOP para cancelar."),
        (Keyword::Help, Lang::En) => format!("{utility} water alerts. Choose them on the portal under Water Use. Reply STOP to stop."),
        (Keyword::Help, Lang::Es) => format!("Alertas de agua de {utility}. Elíjalas en el portal, en Consumo de agua. Responda STOP para cancelar."),
    }
}

/// The line every alert text ends with.
pub fn stop_line(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Reply STOP to stop.",
        Lang::Es => "Responda STOP para cancelar.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_carriers_keywords_are_read_whole_in_any_case() {
        assert_eq!(Keyword::of(" stop "), Some(Keyword::Stop));
        assert_eq!(Keyword::of("Parar"), Some(Keyword::Stop));
        assert_eq!(Keyword::of("unstop"), Some(Keyword::Start));
        assert_eq!(Keyword::of("ayuda"), Some(Keyword::Help));
        assert_eq!(Keyword::of("please stop the leak"), None, "only the whole message");
    }
}
