//! Money moves at most once: every deposit, withdrawal and order a user asks for goes through
//! [`run_once`], with the idempotency key its form was rendered with.
//!
//! - **Scoped to the user.** `(user_id, key)` is the primary key of `idempotency_requests`, so a
//!   key sent by one user can never replay, or collide with, another user's request.
//! - **Stable upstream key.** The `Idempotency-Key` sent to Bluum is derived from the user and
//!   the form's key ([`upstream_key`]): the same on every retry of the same form, and different
//!   between users even if two browsers chose the same key (Bluum scopes keys to our API key
//!   pair, which every user shares).
//! - **Double clicks wait.** A request holds its key (a lease in the row, so no database
//!   connection is held during the Bluum call) until Bluum answers; a second submit of the same
//!   form waits for that answer and gets it again instead of sending a second request.
//! - **Same key, other details: refused** with `Conflict`, as Bluum does.
//! - **Failures.** When Bluum refused the request without acting on it (validation, insufficient
//!   funds, market closed, …) the key is released so the user can correct the form and send it
//!   again, under a fresh upstream key. When the outcome is unknown (timeout, 5xx, a conflict)
//!   the key stays taken: a retry of the same form reuses it and Bluum deduplicates, and other
//!   details are refused.
//! - **Audited.** Every attempt that reaches Bluum is written to the audit log with the form's key
//!   and Bluum's id, inside the same transaction as the stored answer.
//!
//! - **Reconciled, not guessed.** The Bluum call itself ([`MoneyCall`]) is kept with the key
//!   until its answer is recorded. If the app dies, or Bluum times out, between sending it and
//!   recording the answer, [`reconcile`] sends it again under the same upstream key once the
//!   lease has passed: Bluum answers a repeat with the original (or, if the first never
//!   arrived, acts on it now, once), and the answer is recorded as if it had come the first
//!   time. It runs every [`RECONCILE_EVERY`] in every instance and for the user's own requests
//!   when the transfers page is opened.
//!
//! Stored answers are kept for 24 hours, like Bluum's keys ([`purge_expired`]).

use std::future::Future;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

use crate::bluum::client::BluumClient;
use crate::bluum::error::BluumError;
use crate::bluum::ids::{IdempotencyKey, InvestorId};
use crate::bluum::models::orders::{CreateOrderRequest, Order};
use crate::bluum::models::transfers::{
    CreateDepositRequest, CreateWithdrawalRequest, Deposit, TransferStatus, Withdrawal,
};
use crate::error::AppError;
use crate::server::auth::audit::{self, Entry, Outcome};

/// How long a stored answer is replayed.
pub const RETENTION_HOURS: i32 = 24;
/// How long a request holds its key while it talks to Bluum. Longer than the client's own
/// timeouts and retries; after it a crashed request's key can be taken by a retry, which asks
/// Bluum again under the same upstream key.
const LEASE: std::time::Duration = std::time::Duration::from_secs(120);
/// How long a second submit of the same form waits for the first one's answer.
const WAIT_FOR_OTHER: std::time::Duration = std::time::Duration::from_secs(30);
/// How often each instance looks for requests whose answer was never recorded.
pub const RECONCILE_EVERY: std::time::Duration = std::time::Duration::from_secs(30);
/// Requests older than this are not sent again: Bluum forgets keys after 24 hours, so a repeat
/// could act twice.
const REPLAY_WITHIN_HOURS: i32 = 23;

/// The Bluum call a money request makes, for the investor it acts for. Stored (as JSON) with
/// the key until the answer is recorded, so it can be sent again under the same upstream key.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum MoneyCall {
    Deposit {
        investor: InvestorId,
        body: CreateDepositRequest,
    },
    Withdrawal {
        investor: InvestorId,
        body: CreateWithdrawalRequest,
    },
    Order {
        investor: InvestorId,
        body: CreateOrderRequest,
    },
}

impl MoneyCall {
    /// What it does, for the audit log.
    pub fn action(&self) -> &'static str {
        match self {
            Self::Deposit { .. } => "deposit",
            Self::Withdrawal { .. } => "withdrawal",
            Self::Order { .. } => "order",
        }
    }
}

/// One money-moving request of a signed-in user.
#[derive(Debug, Clone, Copy)]
pub struct MoneyRequest<'a> {
    pub user_id: Uuid,
    /// The key the form was rendered with (a hidden field), as the browser sent it.
    pub key: &'a str,
    /// The Bluum call: what identifies the request (its hash tells one request from another
    /// under the same key) and what [`reconcile`] sends again.
    pub call: &'a MoneyCall,
    /// The client address, for the audit log.
    pub ip: Option<&'a str>,
}

/// A Bluum answer to a money-moving request: its id and how far it got.
pub trait MoneyResult {
    fn upstream_id(&self) -> String;
    fn outcome(&self) -> Outcome;
}

/// The `Idempotency-Key` sent to Bluum for `key` of `user_id`, at its `attempt`-th use (the
/// count of earlier attempts Bluum turned down).
pub fn upstream_key(user_id: Uuid, key: &str, attempt: i32) -> IdempotencyKey {
    let mut hasher = Sha256::new();
    hasher.update(user_id.as_bytes());
    hasher.update(attempt.to_be_bytes());
    hasher.update(key.as_bytes());
    IdempotencyKey::parse(format!("bi_{}", hex::encode(hasher.finalize())))
        .expect("hex is a valid key")
}

/// The hash that tells one request from another under the same key.
fn request_hash(call: &MoneyCall) -> Result<String, AppError> {
    let body = serde_json::to_vec(call).map_err(AppError::internal)?;
    Ok(hex::encode(Sha256::digest(body)))
}

/// Runs `send` (which makes `request.call` with the upstream key it is given) at most once for
/// `(request.user_id, request.key)` and returns its answer, or the stored answer of an earlier
/// run of the same request. See the module docs for the rules.
pub async fn run_once<T, F, Fut>(
    pool: &PgPool,
    request: MoneyRequest<'_>,
    send: F,
) -> Result<T, AppError>
where
    T: MoneyResult + Serialize + DeserializeOwned,
    F: FnOnce(IdempotencyKey) -> Fut,
    Fut: Future<Output = Result<T, BluumError>>,
{
    let key = IdempotencyKey::parse(request.key).map_err(|_| AppError::Validation {
        field: "idempotency_key".into(),
        message: "This form is out of date. Reload the page and try again.".into(),
    })?;
    let hash = request_hash(request.call)?;
    let action = request.call.action();

    let attempt = claim(pool, &request, &key, &hash).await?;
    let attempt = match attempt {
        Claim::Replay(answer) => {
            tracing::info!(action, "replaying the stored answer of a repeated request");
            return serde_json::from_value(answer).map_err(AppError::internal);
        }
        Claim::Run { attempt } => attempt,
    };
    let upstream = upstream_key(request.user_id, key.as_str(), attempt);
    let entry = |outcome| {
        let mut entry =
            Entry::new(action, Some(request.user_id), outcome).idempotency_key(key.as_str());
        if let Some(ip) = request.ip {
            entry = entry.ip(ip);
        }
        entry
    };
    let result = send(upstream).await;
    let mut tx = pool.begin().await?;
    match result {
        Ok(answer) => {
            let upstream_id = answer.upstream_id();
            sqlx::query(
                "UPDATE idempotency_requests
                 SET response = $3, upstream_id = $4, completed_at = now(), locked_until = NULL,
                     request = NULL
                 WHERE user_id = $1 AND key = $2",
            )
            .bind(request.user_id)
            .bind(key.as_str())
            .bind(serde_json::to_value(&answer).map_err(AppError::internal)?)
            .bind(&upstream_id)
            .execute(&mut *tx)
            .await?;
            audit::record(&mut *tx, entry(answer.outcome()).upstream_id(&upstream_id)).await?;
            tx.commit().await?;
            Ok(answer)
        }
        Err(err) => {
            let release = if refused_without_acting(&err) {
                // Released for a corrected request, which gets a fresh upstream key: Bluum
                // keeps its refusal under the old one.
                "UPDATE idempotency_requests
                 SET request_hash = NULL, request = NULL, attempt = attempt + 1,
                     locked_until = NULL
                 WHERE user_id = $1 AND key = $2"
            } else {
                // Unknown outcome: free the lease so a retry may ask Bluum again at once.
                "UPDATE idempotency_requests SET locked_until = NULL
                 WHERE user_id = $1 AND key = $2"
            };
            sqlx::query(release)
                .bind(request.user_id)
                .bind(key.as_str())
                .execute(&mut *tx)
                .await?;
            let detail =
                json!({ "error": err.code().unwrap_or("none"), "request_id": err.request_id() });
            audit::record(&mut *tx, entry(Outcome::Failure).detail(detail)).await?;
            tx.commit().await?;
            Err(err.into())
        }
    }
}

enum Claim {
    /// This request may call Bluum, as the `attempt`-th use of the key.
    Run { attempt: i32 },
    /// An earlier request with this key and these details has an answer.
    Replay(serde_json::Value),
}

/// Takes the key for this request: waits while another request holds it, refuses other
/// details under the same key, and hands back a stored answer when there is one.
async fn claim(
    pool: &PgPool,
    request: &MoneyRequest<'_>,
    key: &IdempotencyKey,
    hash: &str,
) -> Result<Claim, AppError> {
    sqlx::query(
        "INSERT INTO idempotency_requests (user_id, key, action) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
    )
    .bind(request.user_id)
    .bind(key.as_str())
    .bind(request.call.action())
    .execute(pool)
    .await?;
    let started = std::time::Instant::now();
    loop {
        let mut tx = pool.begin().await?;
        let (stored_hash, answer, attempt, busy): (
            Option<String>,
            Option<serde_json::Value>,
            i32,
            bool,
        ) = sqlx::query_as(
            "SELECT request_hash, response, attempt, coalesce(locked_until > now(), false)
             FROM idempotency_requests WHERE user_id = $1 AND key = $2 FOR UPDATE",
        )
        .bind(request.user_id)
        .bind(key.as_str())
        .fetch_one(&mut *tx)
        .await?;

        if stored_hash.as_deref().is_some_and(|stored| stored != hash) {
            return Err(AppError::Conflict(
                "This form was already sent with other details. Reload the page to start a new request."
                    .into(),
            ));
        }
        if let Some(answer) = answer {
            return Ok(Claim::Replay(answer));
        }
        if busy {
            // Another submit of this form is talking to Bluum: wait for its answer.
            drop(tx);
            if started.elapsed() > WAIT_FOR_OTHER {
                return Err(AppError::Conflict(
                    "This request is still being processed. Check your activity in a moment."
                        .into(),
                ));
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            continue;
        }
        sqlx::query(
            "UPDATE idempotency_requests
             SET request_hash = $3, action = $4, request = $6,
                 locked_until = now() + make_interval(secs => $5)
             WHERE user_id = $1 AND key = $2",
        )
        .bind(request.user_id)
        .bind(key.as_str())
        .bind(hash)
        .bind(request.call.action())
        .bind(LEASE.as_secs_f64())
        .bind(serde_json::to_value(request.call).map_err(AppError::internal)?)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        return Ok(Claim::Run { attempt });
    }
}

/// Bluum turned the request down before acting on it, so the same form may be sent again with
/// other details. Timeouts, server errors and conflicts leave the outcome unknown.
fn refused_without_acting(err: &BluumError) -> bool {
    !matches!(
        err,
        BluumError::Upstream { .. } | BluumError::Conflict { .. }
    )
}

/// Sends again, under the same upstream key, every money request whose answer was never
/// recorded and whose lease has passed (the instance that sent it died, or Bluum's answer was
/// lost), and records the answer; `user` limits it to one user's requests. Returns how many
/// were settled (answered, or turned down by Bluum and released). See the module docs.
pub async fn reconcile(
    pool: &PgPool,
    bluum: &BluumClient,
    user: Option<Uuid>,
) -> Result<usize, AppError> {
    let unanswered: Vec<(Uuid, String, serde_json::Value)> = sqlx::query_as(
        "SELECT user_id, key, request FROM idempotency_requests
         WHERE response IS NULL AND request IS NOT NULL AND request_hash IS NOT NULL
           AND (locked_until IS NULL OR locked_until < now())
           AND created_at > now() - make_interval(hours => $1)
           AND ($2::uuid IS NULL OR user_id = $2)
         ORDER BY created_at",
    )
    .bind(REPLAY_WITHIN_HOURS)
    .bind(user)
    .fetch_all(pool)
    .await?;
    let mut settled = 0;
    for (user_id, key, stored) in unanswered {
        let call: MoneyCall = match serde_json::from_value(stored) {
            Ok(call) => call,
            Err(error) => {
                tracing::error!(%error, %user_id, "an unanswered money request cannot be read");
                continue;
            }
        };
        let request = MoneyRequest {
            user_id,
            key: &key,
            call: &call,
            ip: None,
        };
        let outcome = match &call {
            MoneyCall::Deposit { investor, body } => {
                run_once(pool, request, |upstream| async move {
                    bluum.create_deposit(investor, body, &upstream).await
                })
                .await
                .map(|_| ())
            }
            MoneyCall::Withdrawal { investor, body } => {
                run_once(pool, request, |upstream| async move {
                    bluum.create_withdrawal(investor, body, &upstream).await
                })
                .await
                .map(|_| ())
            }
            MoneyCall::Order { investor, body } => run_once(pool, request, |upstream| async move {
                bluum.create_order(investor, body, &upstream).await
            })
            .await
            .map(|_| ()),
        };
        match outcome {
            Ok(()) => {
                tracing::info!(action = call.action(), %user_id, "reconciled an unanswered money request");
                settled += 1;
            }
            // Still unknown (Bluum down): left for the next round.
            Err(AppError::Upstream { .. } | AppError::Network | AppError::RateLimited) => {}
            // Another request holds the key right now: it will record the answer.
            Err(AppError::Conflict(_)) => {}
            // Bluum turned it down without acting: `run_once` released the key.
            Err(error) => {
                tracing::info!(action = call.action(), %user_id, %error, "an unanswered money request was turned down when sent again");
                settled += 1;
            }
        }
    }
    Ok(settled)
}

/// Runs [`reconcile`] for every user now and every [`RECONCILE_EVERY`], for the life of the
/// server: a request cut off by a crash is settled once its lease has passed.
pub async fn reconcile_periodically(pool: PgPool, bluum: BluumClient) {
    let mut every = tokio::time::interval(RECONCILE_EVERY);
    loop {
        every.tick().await;
        if let Err(error) = reconcile(&pool, &bluum, None).await {
            tracing::warn!(%error, "could not reconcile unanswered money requests");
        }
    }
}

/// Deletes stored answers older than [`RETENTION_HOURS`]; returns how many.
pub async fn purge_expired(pool: &PgPool) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "DELETE FROM idempotency_requests WHERE created_at < now() - make_interval(hours => $1)",
    )
    .bind(RETENTION_HOURS)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// Runs [`purge_expired`] every hour, for the life of the server.
pub async fn purge_hourly(pool: PgPool) {
    let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every_hour.tick().await;
        if let Err(error) = purge_expired(&pool).await {
            tracing::warn!(%error, "could not purge old idempotency records");
        }
    }
}

fn transfer_outcome(status: &TransferStatus) -> Outcome {
    match status {
        TransferStatus::Completed => Outcome::Success,
        TransferStatus::Cancelled | TransferStatus::Failed | TransferStatus::Expired => {
            Outcome::Failure
        }
        _ => Outcome::Pending,
    }
}

impl MoneyResult for Deposit {
    fn upstream_id(&self) -> String {
        self.id.to_string()
    }
    fn outcome(&self) -> Outcome {
        transfer_outcome(&self.status)
    }
}

impl MoneyResult for Withdrawal {
    fn upstream_id(&self) -> String {
        self.id.to_string()
    }
    fn outcome(&self) -> Outcome {
        transfer_outcome(&self.status)
    }
}

impl MoneyResult for Order {
    fn upstream_id(&self) -> String {
        self.id.to_string()
    }
    fn outcome(&self) -> Outcome {
        use crate::bluum::models::orders::OrderStatus;
        match self.status {
            OrderStatus::Filled => Outcome::Success,
            OrderStatus::Cancelled | OrderStatus::Failed => Outcome::Failure,
            _ => Outcome::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstream_keys_differ_by_user_key_and_attempt_and_are_stable() {
        let alice = Uuid::from_u128(1);
        let bob = Uuid::from_u128(2);
        let k = upstream_key(alice, "form-1", 0);
        assert_eq!(k, upstream_key(alice, "form-1", 0), "stable across retries");
        assert_ne!(k, upstream_key(bob, "form-1", 0), "scoped to the user");
        assert_ne!(k, upstream_key(alice, "form-2", 0));
        assert_ne!(k, upstream_key(alice, "form-1", 1), "new after a refusal");
        assert!(k.as_str().starts_with("bi_") && k.as_str().len() == 67);
    }

    fn deposit(amount: &str) -> MoneyCall {
        MoneyCall::Deposit {
            investor: InvestorId::parse("inv_01j9x8m2k7qpzwv3t5r6y8n0ab").unwrap(),
            body: CreateDepositRequest {
                amount: amount.parse().unwrap(),
                currency: Some("USD".into()),
                method: crate::bluum::models::transfers::TransferMethod::Ach,
                funding_source_id: Some(
                    crate::bluum::ids::FundingSourceId::parse("fs_01j9x8m2k7qpzwv3t5r6y8n0ab")
                        .unwrap(),
                ),
                description: None,
                metadata: Default::default(),
            },
        }
    }

    #[test]
    fn request_hashes_cover_the_call() {
        let a = request_hash(&deposit("10.00")).unwrap();
        assert_eq!(a, request_hash(&deposit("10.00")).unwrap());
        assert_ne!(a, request_hash(&deposit("10.01")).unwrap());
    }

    #[test]
    fn a_stored_call_reads_back_as_the_same_call_and_hash() {
        let call = deposit("1250.50");
        let stored = serde_json::to_value(&call).unwrap();
        assert_eq!(stored["action"], "deposit");
        let back: MoneyCall = serde_json::from_value(stored).unwrap();
        assert_eq!(back, call);
        assert_eq!(request_hash(&back).unwrap(), request_hash(&call).unwrap());
    }
}
