//! Email: every message goes into the `emails` outbox first (so nothing is lost when the
//! mail server is down), then a delivery loop sends it over SMTP with lettre — or, in
//! development mode without SMTP, logs it and leaves it readable at `/dev/outbox`. Bills by
//! email (`paperless`: the verification link, back to paper) live here too, for the
//! customer's delivery page and the utility's staff alike.

pub mod compose;
pub mod data;
pub mod paperless;

pub use compose::{Composed, Lang, Letterhead};

use crate::domain::EmailId;
use crate::platform::config::{SmtpConfig, SmtpSecurity};
use crate::platform::{Config, Db};
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    #[error("outside development mode, configure SMTP (smtp.host, smtp.from, …): customers need their emails")]
    NoSmtp,
    #[error("smtp.from is not an email address: {0}")]
    BadFrom(String),
    #[error("SMTP relay {0}: {1}")]
    Relay(String, String),
}

/// Queues and delivers email. Cheap to clone; reached by server functions through context.
#[derive(Clone)]
pub struct Mailer {
    inner: Arc<Inner>,
}

struct Inner {
    smtp: Option<(AsyncSmtpTransport<Tokio1Executor>, Mailbox)>,
    letterhead: Letterhead,
    wake: Notify,
}

/// What replaces a delivered message's token in the stored copy (URL-safe, so the stored
/// link stays readable and plainly dead).
pub const SECRET_REMOVED: &str = "removed-after-delivery";

/// What one pass of the delivery loop did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    pub failed: usize,
}

impl Mailer {
    pub fn from_config(config: &Config) -> Result<Self, MailerError> {
        let smtp = match &config.smtp {
            Some(smtp) => Some(transport(smtp, &config.utility.name)?),
            None if config.dev_mode => None,
            None => return Err(MailerError::NoSmtp),
        };
        Ok(Self {
            inner: Arc::new(Inner {
                smtp,
                letterhead: Letterhead::from_config(config),
                wake: Notify::new(),
            }),
        })
    }

    pub fn letterhead(&self) -> &Letterhead {
        &self.inner.letterhead
    }

    /// Stores the message in the outbox and wakes the delivery loop.
    #[tracing::instrument(skip_all, fields(kind = m.kind))]
    pub async fn queue(&self, db: &Db, m: &Composed) -> Result<EmailId, sqlx::Error> {
        let id = data::insert(db, m).await?;
        self.inner.wake.notify_one();
        Ok(id)
    }

    /// Wakes the delivery loop after messages were queued in a transaction.
    pub fn wake(&self) {
        self.inner.wake.notify_one();
    }

    /// Sends what is waiting. Safe to run on several instances at once: each message is
    /// claimed by one of them.
    #[tracing::instrument(skip_all)]
    pub async fn deliver_pending(&self, db: &Db) -> Result<Delivered, sqlx::Error> {
        let mut done = Delivered::default();
        loop {
            let ids = data::due(db, 50).await?;
            if ids.is_empty() {
                return Ok(done);
            }
            for id in ids {
                let Some(email) = data::claim(db, id).await? else { continue };
                match self.send(&email).await {
                    Ok(()) => {
                        data::mark_sent(db, id).await?;
                        self.forget_secret(db, id).await?;
                        done.sent += 1;
                    }
                    Err((error, permanent)) => {
                        tracing::warn!(email_id = id.0, kind = %email.kind, %error, "email not delivered");
                        data::mark_failed(db, id, &error, permanent).await?;
                        if permanent || email.attempts + 1 >= data::MAX_ATTEMPTS {
                            self.forget_secret(db, id).await?;
                        }
                        done.failed += 1;
                    }
                }
            }
        }
    }

    /// Delivers until the process ends: when woken by `queue`, and every 15 seconds for
    /// retries and for messages other instances or commands queued.
    pub async fn run(self, db: Db) {
        loop {
            if let Err(e) = self.deliver_pending(&db).await {
                tracing::error!(error = %e, "email delivery pass failed");
            }
            tokio::select! {
                _ = self.inner.wake.notified() => {}
                _ = tokio::time::sleep(Duration::from_secs(15)) => {}
            }
        }
    }

    /// A message that is delivered (or given up) keeps no usable link in the outbox: a copy
    /// of the database must not open accounts. In development without SMTP the outbox
    /// page IS the mailbox (developers and tests read the links there), so links stay.
    async fn forget_secret(&self, db: &Db, id: EmailId) -> Result<(), sqlx::Error> {
        if self.inner.smtp.is_none() {
            return Ok(());
        }
        data::forget_secret(db, id, SECRET_REMOVED).await
    }

    /// Err((reason, permanent)).
    #[tracing::instrument(skip_all, fields(email_id = %email.id, kind = %email.kind))]
    async fn send(&self, email: &data::StoredEmail) -> Result<(), (String, bool)> {
        let Some((transport, from)) = &self.inner.smtp else {
            // Development outbox: the log and /dev/outbox are the mailbox.
            tracing::info!(
                to = %email.to_address,
                subject = %email.subject,
                "development outbox (no SMTP configured):\n{}",
                email.body_text
            );
            return Ok(());
        };
        let to: Mailbox =
            email.to_address.parse().map_err(|e| (format!("recipient address: {e}"), true))?;
        let message = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(email.subject.clone())
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(email.body_text.clone()),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(email.body_html.clone()),
                    ),
            )
            .map_err(|e| (format!("building the message: {e}"), true))?;
        match transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) => Err((e.to_string(), e.is_permanent())),
        }
    }
}

fn transport(
    smtp: &SmtpConfig,
    utility_name: &str,
) -> Result<(AsyncSmtpTransport<Tokio1Executor>, Mailbox), MailerError> {
    let from: Mailbox = format!("{utility_name} <{}>", smtp.from)
        .parse()
        .or_else(|_| smtp.from.parse())
        .map_err(|_| MailerError::BadFrom(smtp.from.clone()))?;
    let relay_err =
        |e: lettre::transport::smtp::Error| MailerError::Relay(smtp.host.clone(), e.to_string());
    let mut builder = match smtp.security {
        SmtpSecurity::Starttls => {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host).map_err(relay_err)?
        }
        SmtpSecurity::Tls => {
            AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host).map_err(relay_err)?
        }
        SmtpSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
    }
    .port(smtp.port)
    .timeout(Some(Duration::from_secs(20)));
    if let (Some(user), Some(password)) = (&smtp.username, &smtp.password) {
        builder = builder.credentials(Credentials::new(user.clone(), password.0.clone()));
    }
    Ok((builder.build(), from))
}
