//! Helpers for the simulator tests: start a simulator on a fresh database and talk to it
//! with raw HTTP and `serde_json::Value`, asserting the fact sheet's field names.
#![allow(dead_code)]

use std::time::Duration;

use bluum_invest::bluum_sim::{self, SimHandle, SimOptions};
use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{json, Value};
use sqlx::PgPool;

pub struct TestSim {
    pub handle: SimHandle,
    pub client: reqwest::Client,
    pub pool: PgPool,
}

/// Fast options for tests: short reviews and steps, no practical rate limit.
pub fn fast_options() -> SimOptions {
    SimOptions {
        api_key: "apk_test".into(),
        api_secret: SecretString::from("sk_test_secret"),
        requests_per_second: 10_000,
        kyc_review: Duration::from_millis(200),
        transfer_step: Duration::from_millis(100),
        webhook_retry_base: Duration::from_millis(50),
        webhook_timeout: Duration::from_secs(2),
        ..SimOptions::default()
    }
}

pub async fn start(pool: PgPool) -> TestSim {
    start_with(pool, fast_options()).await
}

pub async fn start_with(pool: PgPool, options: SimOptions) -> TestSim {
    bluum_invest::server::telemetry::init(false);
    let handle = bluum_sim::start(pool.clone(), options)
        .await
        .expect("simulator starts");
    TestSim {
        handle,
        client: reqwest::Client::new(),
        pool,
    }
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub body: Value,
}

impl Reply {
    pub async fn from_response(response: reqwest::Response) -> Self {
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Self {
            status,
            headers,
            text,
            body,
        }
    }

    /// Asserts the error envelope's status, code and (when given) param.
    pub fn assert_error(&self, status: u16, code: &str, param: Option<&str>) {
        assert_eq!(self.status.as_u16(), status, "{}", self.text);
        assert_eq!(self.body["error"]["code"], code, "{}", self.text);
        assert!(self.body["error"]["type"].is_string(), "{}", self.text);
        assert!(self.body["error"]["message"].is_string(), "{}", self.text);
        if let Some(param) = param {
            assert_eq!(self.body["error"]["param"], param, "{}", self.text);
        }
    }
}

impl TestSim {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.handle.base_url)
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client.request(method, self.url(path)).basic_auth(
            &self.handle.api_key,
            Some(self.handle.api_secret.expose_secret()),
        )
    }

    pub async fn send(&self, builder: reqwest::RequestBuilder) -> Reply {
        Reply::from_response(builder.send().await.expect("request sent")).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(self.request(reqwest::Method::GET, path)).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(self.request(reqwest::Method::POST, path).json(&body))
            .await
    }

    pub async fn post_with_key(&self, path: &str, key: &str, body: Value) -> Reply {
        self.send(
            self.request(reqwest::Method::POST, path)
                .header("Idempotency-Key", key)
                .json(&body),
        )
        .await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(self.request(reqwest::Method::DELETE, path)).await
    }

    /// GETs `path` until `done` holds (up to 10 s); returns the last body.
    pub async fn poll(&self, path: &str, done: impl Fn(&Value) -> bool) -> Value {
        let mut last = Value::Null;
        for _ in 0..200 {
            let reply = self.get(path).await;
            assert_eq!(reply.status, 200, "{}", reply.text);
            if done(&reply.body) {
                return reply.body;
            }
            last = reply.body;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("condition never held for {path}; last body: {last}");
    }

    pub async fn create_investor(&self, email: &str, last_name: &str) -> Value {
        let reply = self
            .post("/investors", investor_body(email, last_name))
            .await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        reply.body
    }

    /// A new investor that has passed KYC.
    pub async fn active_investor(&self, email: &str) -> String {
        let investor = self.create_investor(email, "Lovelace").await;
        let id = investor["id"].as_str().expect("id").to_owned();
        self.poll(&format!("/investors/{id}"), |b| b["status"] == "active")
            .await;
        id
    }

    /// Links Plaid and returns the checking account's `fs_` id.
    pub async fn plaid_source(&self, investor: &str) -> String {
        let token = format!("public-sandbox-{}", uuid::Uuid::new_v4());
        let reply = self
            .post(
                &format!("/investors/{investor}/funding-sources/connect"),
                json!({ "type": "plaid", "public_token": token }),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        reply.body["data"][0]["id"]
            .as_str()
            .expect("fs id")
            .to_owned()
    }

    /// Deposits `amount` by manual bank transfer and completes it with the admin route
    /// (independent of `transfer_step`).
    pub async fn funded_manually(&self, investor: &str, amount: &str) {
        let reply = self
            .post_with_key(
                &format!("/investors/{investor}/deposits"),
                &format!("dep-{}", uuid::Uuid::new_v4()),
                json!({ "amount": amount, "method": "manual_bank_transfer" }),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        let id = reply.body["id"].as_str().expect("dep id");
        let done = self
            .post(&format!("/simulator/deposits/{id}/complete"), json!({}))
            .await;
        assert_eq!(done.status, 200, "{}", done.text);
    }

    /// Deposits `amount` by ACH and waits until it completed.
    pub async fn funded(&self, investor: &str, amount: &str) {
        let source = self.plaid_source(investor).await;
        let reply = self
            .post_with_key(
                &format!("/investors/{investor}/deposits"),
                &format!("dep-{}", uuid::Uuid::new_v4()),
                json!({ "amount": amount, "currency": "USD", "method": "ach", "funding_source_id": source }),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        let id = reply.body["id"].as_str().expect("dep id").to_owned();
        self.poll(&format!("/investors/{investor}/deposits/{id}"), |b| {
            b["status"] == "completed"
        })
        .await;
    }

    pub async fn wallet(&self, investor: &str) -> Value {
        let reply = self.get(&format!("/investors/{investor}/wallets")).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        reply.body["data"][0].clone()
    }
}

/// A complete, valid `POST /investors` body (US resident, employed).
pub fn investor_body(email: &str, last_name: &str) -> Value {
    json!({
        "account_type": "individual",
        "first_name": "Ada",
        "last_name": last_name,
        "date_of_birth": "1990-12-10",
        "email": email,
        "phone": "+14155550123",
        "address": {
            "street": ["1 Main St"],
            "city": "San Francisco",
            "state": "CA",
            "postal_code": "94105",
            "country": "US"
        },
        "tax_id": "444-55-4321",
        "tax_id_type": "SSN",
        "country_of_citizenship": "US",
        "country_of_birth": "US",
        "country_of_tax_residence": "US",
        "funding_source": ["employment_income"],
        "annual_income": { "min": "75000", "max": "99999" },
        "liquid_net_worth": { "min": "10000", "max": "49999" },
        "is_control_person": false,
        "is_affiliated_exchange_or_finra": false,
        "is_politically_exposed": false,
        "immediate_family_exposed": false,
        "employment_status": "employed",
        "employer_name": "Analytical Engines Ltd",
        "employer_address": "2 Market St, San Francisco, CA",
        "employment_position": "Engineer",
        "signed_agreements": [
            { "type": "investor_agreement", "signed_at": "2026-11-25T09:00:00Z", "ip_address": "203.0.113.7" },
            { "type": "margin_disclosure_acknowledged", "signed_at": "2026-11-25T09:00:00Z", "ip_address": "203.0.113.7" }
        ],
        "metadata": { "app_user": "u_1" }
    })
}

/// `prefix_` followed by 26 lower-case base32 characters.
pub fn is_prefixed_id(value: &Value, prefix: &str) -> bool {
    value
        .as_str()
        .and_then(|s| s.strip_prefix(prefix))
        .and_then(|s| s.strip_prefix('_'))
        .is_some_and(|body| {
            body.len() == 26
                && body
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
        })
}
