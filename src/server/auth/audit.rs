//! The audit log: who did what, when, from where, and how it ended.
//!
//! Sign-ins, failures, password changes, two-factor changes, and every money-moving request
//! (with its idempotency key and the id Bluum gave it). `detail` must never hold personal data
//! such as tax ids or full account numbers: those go to Bluum only.

use serde_json::Value;
use sqlx::PgExecutor;
use uuid::Uuid;

use super::AuthError;

/// How a recorded action ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
    /// Accepted upstream, final state not known yet (e.g. a transfer in flight).
    Pending,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Pending => "pending",
        }
    }
}

/// One audit record. Build with [`Entry::new`] and the `with_*` methods.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub user_id: Option<Uuid>,
    pub action: &'a str,
    pub detail: Value,
    pub idempotency_key: Option<&'a str>,
    pub upstream_id: Option<&'a str>,
    pub outcome: Outcome,
    pub ip: Option<&'a str>,
}

impl<'a> Entry<'a> {
    pub fn new(action: &'a str, user_id: Option<Uuid>, outcome: Outcome) -> Self {
        Self {
            user_id,
            action,
            detail: Value::Object(Default::default()),
            idempotency_key: None,
            upstream_id: None,
            outcome,
            ip: None,
        }
    }
    pub fn detail(mut self, detail: Value) -> Self {
        self.detail = detail;
        self
    }
    pub fn idempotency_key(mut self, key: &'a str) -> Self {
        self.idempotency_key = Some(key);
        self
    }
    pub fn upstream_id(mut self, id: &'a str) -> Self {
        self.upstream_id = Some(id);
        self
    }
    pub fn ip(mut self, ip: &'a str) -> Self {
        self.ip = Some(ip);
        self
    }
}

/// Writes one record. Pass a transaction to make it part of the change it describes.
pub async fn record(db: impl PgExecutor<'_>, entry: Entry<'_>) -> Result<(), AuthError> {
    sqlx::query(
        "INSERT INTO audit_log (user_id, action, detail, idempotency_key, upstream_id, result, ip)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(entry.user_id)
    .bind(entry.action)
    .bind(entry.detail)
    .bind(entry.idempotency_key)
    .bind(entry.upstream_id)
    .bind(entry.outcome.as_str())
    .bind(entry.ip)
    .execute(db)
    .await?;
    Ok(())
}

/// A transaction that ends with its own audit record: the change and the record of it commit
/// together, or neither does.
///
/// ```ignore
/// let mut tx = audit::begin(&pool).await?;
/// users::set_password(&mut *tx, user.id, &hash).await?;
/// tx.commit(Entry::new("password_changed", Some(user.id), Outcome::Success).ip(&ip)).await?;
/// ```
pub struct AuditedTx(sqlx::Transaction<'static, sqlx::Postgres>);

/// Starts an [`AuditedTx`].
pub async fn begin(pool: &sqlx::PgPool) -> Result<AuditedTx, AuthError> {
    Ok(AuditedTx(pool.begin().await?))
}

impl AuditedTx {
    /// Records `entry` and commits. Dropping the transaction instead rolls everything back.
    pub async fn commit(mut self, entry: Entry<'_>) -> Result<(), AuthError> {
        record(&mut *self.0, entry).await?;
        self.0.commit().await?;
        Ok(())
    }
}

impl std::ops::Deref for AuditedTx {
    type Target = sqlx::PgConnection;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for AuditedTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}
