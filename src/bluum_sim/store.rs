//! Persistence in the `bluum_sim` schema: every resource is one JSON row in
//! `bluum_sim.objects`, written through on each change and loaded at start, so the simulated
//! sandbox survives an app restart. `bluum-sim reset` calls [`wipe`].

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use sqlx::{PgPool, Postgres, Transaction};

/// A resource the simulator stores. `KIND` is its `objects.kind`.
pub trait Record: Serialize + DeserializeOwned + Clone {
    const KIND: &'static str;
    fn id(&self) -> &str;
    fn investor_id(&self) -> Option<&str>;
}

/// A row waiting to be written: the serialized resource, as captured at the change.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    pub kind: &'static str,
    pub investor_id: Option<String>,
    pub body: Value,
}

impl Row {
    pub fn of<R: Record>(record: &R) -> Self {
        Self {
            id: record.id().to_owned(),
            kind: R::KIND,
            investor_id: record.investor_id().map(str::to_owned),
            body: serde_json::to_value(record).unwrap_or(Value::Null),
        }
    }
}

/// Upserts `rows` inside `tx`.
pub async fn write(tx: &mut Transaction<'_, Postgres>, rows: &[Row]) -> Result<(), sqlx::Error> {
    for row in rows {
        sqlx::query(
            "INSERT INTO bluum_sim.objects (id, kind, investor_id, body)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body, updated_at = now()",
        )
        .bind(&row.id)
        .bind(row.kind)
        .bind(&row.investor_id)
        .bind(&row.body)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Deletes the rows of `ids` inside `tx`.
pub async fn delete(tx: &mut Transaction<'_, Postgres>, ids: &[String]) -> Result<(), sqlx::Error> {
    if !ids.is_empty() {
        sqlx::query("DELETE FROM bluum_sim.objects WHERE id = ANY($1)")
            .bind(ids)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Every stored resource as `(kind, body)`, oldest id first.
pub async fn load_all(pool: &PgPool) -> Result<Vec<(String, Value)>, sqlx::Error> {
    sqlx::query_as::<_, (String, Value)>("SELECT kind, body FROM bluum_sim.objects ORDER BY id")
        .fetch_all(pool)
        .await
}

/// Empties the simulator's schema: resources, idempotency keys and webhook deliveries.
pub async fn wipe(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::query(
        "TRUNCATE bluum_sim.objects, bluum_sim.idempotency_keys,
                  bluum_sim.webhook_attempts, bluum_sim.webhook_deliveries",
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Deserializes one stored body; a row that no longer fits the current shape is skipped
/// with a warning rather than stopping the simulator.
pub fn decode<R: Record>(body: Value) -> Option<R> {
    match serde_json::from_value::<R>(body) {
        Ok(record) => Some(record),
        Err(err) => {
            tracing::warn!(kind = R::KIND, error = %err, "skipping a stored simulator object");
            None
        }
    }
}
