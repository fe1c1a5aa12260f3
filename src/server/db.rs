//! The Postgres pool: create the database when missing, connect, run `migrations/`.

use secrecy::{ExposeSecret, SecretString};
use sqlx::migrate::MigrateDatabase;
use sqlx::postgres::PgPoolOptions;
use sqlx::{PgPool, Postgres};
use std::time::Duration;

/// Why the database could not be made ready. Each case says what to do.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot reach Postgres at {target} ({source}). Fix: start Postgres, or set DATABASE_URL to a server that runs (the README's run command starts one for you)")]
    Connect {
        target: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot create database {target} ({source}). Fix: create it yourself, or give the DATABASE_URL user the CREATEDB right")]
    Create {
        target: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("database migrations failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// `host:port/database` of a URL, without user or password, for messages and logs.
pub fn redacted_target(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    rest.split('?').next().unwrap_or(rest).to_owned()
}

/// Creates the database if it does not exist yet, connects, and applies pending migrations.
pub async fn connect_and_migrate(url: &SecretString) -> Result<PgPool, DbError> {
    let url = url.expose_secret();
    let target = redacted_target(url);
    let exists = Postgres::database_exists(url)
        .await
        .map_err(|source| DbError::Connect {
            target: target.clone(),
            source,
        })?;
    if !exists {
        tracing::info!(database = %target, "creating database");
        Postgres::create_database(url)
            .await
            .map_err(|source| DbError::Create {
                target: target.clone(),
                source,
            })?;
    }
    let pool = PgPoolOptions::new()
        .max_connections(10)
        .acquire_timeout(Duration::from_secs(5))
        .connect(url)
        .await
        .map_err(|source| DbError::Connect { target, source })?;
    migrate(&pool).await?;
    Ok(pool)
}

/// Applies `migrations/` (embedded at compile time).
pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    sqlx::migrate!("./migrations").run(pool).await
}

#[cfg(test)]
mod tests {
    use super::redacted_target;

    #[test]
    fn redaction_drops_credentials() {
        assert_eq!(
            redacted_target("postgres://me:hunter2@db.example:5432/app?sslmode=require"),
            "db.example:5432/app"
        );
        assert_eq!(redacted_target("postgres://127.0.0.1/app"), "127.0.0.1/app");
    }
}
