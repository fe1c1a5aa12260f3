//! Sending email: one interface, two ways.
//!
//! - [`EmailSender::Smtp`] when `SMTP_URL` is set (`lettre`, TLS per the URL's scheme);
//! - [`EmailSender::Outbox`] otherwise, in development and demos only: messages are stored in
//!   `email_outbox` and shown at `/dev/outbox`, so flows such as a password reset work on one
//!   machine. Production refuses to start without SMTP (see `Config`).

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;
use sqlx::PgPool;
use uuid::Uuid;

use super::AuthError;
use crate::server::Config;

/// A message to one recipient, in plain text.
#[derive(Debug, Clone)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// One row of the development outbox.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxEmail {
    pub id: Uuid,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub created_at: time::OffsetDateTime,
}

#[derive(Clone)]
pub enum EmailSender {
    Smtp {
        // Boxed: the transport is large, and the sender is cloned into every request's state.
        transport: Box<AsyncSmtpTransport<Tokio1Executor>>,
        from: Mailbox,
    },
    Outbox(PgPool),
}

impl std::fmt::Debug for EmailSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Smtp { from, .. } => write!(f, "EmailSender::Smtp(from {from})"),
            Self::Outbox(_) => f.write_str("EmailSender::Outbox"),
        }
    }
}

impl EmailSender {
    /// SMTP when configured, else the outbox. Config has already checked the URL and sender.
    pub fn from_config(config: &Config, pool: &PgPool) -> Result<Self, AuthError> {
        match &config.smtp_url {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
                    .map_err(|e| AuthError::Email(format!("SMTP_URL: {e}")))?
                    .build();
                let transport = Box::new(transport);
                let from = config
                    .email_from
                    .parse::<Mailbox>()
                    .map_err(|e| AuthError::Email(format!("EMAIL_FROM: {e}")))?;
                Ok(Self::Smtp { transport, from })
            }
            None => Ok(Self::Outbox(pool.clone())),
        }
    }

    pub fn is_outbox(&self) -> bool {
        matches!(self, Self::Outbox(_))
    }

    /// Sends `email` from a task of its own and logs a failure instead of returning it, for
    /// answers that must not depend on whether (or how fast) the email went out.
    pub fn send_in_background(&self, email: Email) {
        let sender = self.clone();
        tokio::spawn(async move {
            let subject = email.subject.clone();
            if let Err(error) = sender.send(email).await {
                tracing::error!(%subject, %error, "sending an email failed");
            }
        });
    }

    pub async fn send(&self, email: Email) -> Result<(), AuthError> {
        match self {
            Self::Smtp { transport, from } => {
                let to = email
                    .to
                    .parse::<Mailbox>()
                    .map_err(|e| AuthError::Email(format!("recipient: {e}")))?;
                let message = Message::builder()
                    .from(from.clone())
                    .to(to)
                    .subject(email.subject)
                    .body(email.body)
                    .map_err(|e| AuthError::Email(e.to_string()))?;
                transport
                    .send(message)
                    .await
                    .map_err(|e| AuthError::Email(e.to_string()))?;
                Ok(())
            }
            Self::Outbox(pool) => {
                sqlx::query(
                    "INSERT INTO email_outbox (id, to_address, subject, body) VALUES ($1, $2, $3, $4)",
                )
                .bind(Uuid::now_v7())
                .bind(&email.to)
                .bind(&email.subject)
                .bind(&email.body)
                .execute(pool)
                .await?;
                tracing::info!(subject = %email.subject, "email stored in the development outbox (/dev/outbox)");
                Ok(())
            }
        }
    }
}

/// The newest messages in the outbox, newest first.
pub async fn outbox(pool: &PgPool, limit: i64) -> Result<Vec<OutboxEmail>, AuthError> {
    Ok(sqlx::query_as::<_, OutboxEmail>(
        "SELECT id, to_address, subject, body, created_at FROM email_outbox
         ORDER BY created_at DESC, id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?)
}
