//! Behaviour of the Bluum client against a tiny local mock server (not the simulator): auth,
//! idempotency keys, retries (and when not to retry), error mapping, timeouts, rate limiting.
//!
//! Run: `cargo test --features ssr --test bluum_client`.
#![cfg(feature = "ssr")]

use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::Engine as _;
use rust_decimal::Decimal;
use secrecy::SecretString;

use bluum_invest::bluum::client::{BluumClient, BluumClientConfig};
use bluum_invest::bluum::error::{BluumError, ConflictKind, UpstreamKind};
use bluum_invest::bluum::ids::{IdempotencyKey, InvestorId};
use bluum_invest::bluum::models::*;
use bluum_invest::error::AppError;

/// One request as the mock saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: Method,
    path: String,
    query: Option<String>,
    headers: HeaderMap,
    body: Bytes,
    at: Instant,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// What the mock answers.
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
    delay: Duration,
}

impl Reply {
    fn json(status: u16, body: &str) -> Self {
        Self {
            status,
            headers: vec![("x-request-id", "req_mock_1".into())],
            body: body.to_owned(),
            delay: Duration::ZERO,
        }
    }

    fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }

    fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// Chooses the reply to the `n`-th request (1-based).
type Responder = Arc<dyn Fn(usize, &Seen) -> Reply + Send + Sync>;

#[derive(Clone)]
struct MockState {
    seen: Arc<Mutex<Vec<Seen>>>,
    responder: Responder,
}

struct Mock {
    base_url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Mock {
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

async fn handle(
    State(state): State<MockState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let seen = Seen {
        method,
        path: uri.path().to_owned(),
        query: uri.query().map(str::to_owned),
        headers,
        body,
        at: Instant::now(),
    };
    let n = {
        let mut all = state.seen.lock().unwrap();
        all.push(seen.clone());
        all.len()
    };
    let reply = (state.responder)(n, &seen);
    tokio::time::sleep(reply.delay).await;
    let mut response = (
        StatusCode::from_u16(reply.status).unwrap(),
        [("content-type", "application/json")],
        reply.body,
    )
        .into_response();
    for (name, value) in reply.headers {
        response.headers_mut().insert(name, value.parse().unwrap());
    }
    response
}

async fn spawn_mock(responder: impl Fn(usize, &Seen) -> Reply + Send + Sync + 'static) -> Mock {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let state = MockState {
        seen: seen.clone(),
        responder: Arc::new(responder),
    };
    let app = Router::new().fallback(handle).with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Mock {
        base_url: format!("http://{addr}/v1"),
        seen,
    }
}

fn config(mock: &Mock) -> BluumClientConfig {
    BluumClientConfig {
        base_url: mock.base_url.clone(),
        api_key: "apk_test".into(),
        api_secret: SecretString::from("s3cret-value"),
        timeout: Duration::from_secs(5),
        max_retries: 3,
        requests_per_second: 1000,
    }
}

fn client(mock: &Mock) -> BluumClient {
    BluumClient::new(config(mock)).unwrap()
}

fn investor() -> InvestorId {
    InvestorId::parse("inv_01j9x8m2k7qpzwv3t5r6y8n0ab").unwrap()
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

const INVESTOR: &str = r#"{"id":"inv_01j9x8m2k7qpzwv3t5r6y8n0ab","object":"investor","created":1718455800,
    "livemode":false,"metadata":{},"status":"active","first_name":"Ada","last_name":"Lovelace"}"#;
const DEPOSIT: &str = r#"{"id":"dep_01abc","object":"deposit","investor_id":"inv_01j9x8m2k7qpzwv3t5r6y8n0ab",
    "funding_source_id":"fs_01abc","method":"ach","status":"pending","amount":"100.50","currency":"USD"}"#;
const WITHDRAWAL: &str = r#"{"id":"wd_01abc","object":"withdrawal","funding_source_id":"fs_01abc",
    "method":"ach","status":"pending","amount":"20.00","currency":"USD"}"#;
const ORDER: &str = r#"{"id":"ord_01abc","object":"order","symbol":"AAPL","side":"buy","type":"market",
    "time_in_force":"day","quantity":"2","status":"pending"}"#;
const UNAVAILABLE: &str =
    r#"{"error":{"type":"api_error","code":"BLUM-500-001","message":"Service unavailable"}}"#;

fn deposit_request() -> CreateDepositRequest {
    CreateDepositRequest {
        amount: dec("100.50"),
        currency: Some("USD".into()),
        method: TransferMethod::Ach,
        funding_source_id: Some("fs_01abc".parse().unwrap()),
        description: None,
        metadata: Default::default(),
    }
}

#[tokio::test]
async fn sends_basic_auth_and_uses_gen_c_paths() {
    let mock = spawn_mock(|_, _| Reply::json(200, INVESTOR)).await;
    let inv = client(&mock).get_investor(&investor()).await.unwrap();
    assert_eq!(inv.status, InvestorStatus::Active);

    let seen = mock.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, Method::GET);
    assert_eq!(seen[0].path, "/v1/investors/inv_01j9x8m2k7qpzwv3t5r6y8n0ab");
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("apk_test:s3cret-value")
    );
    assert_eq!(seen[0].header("authorization"), Some(expected.as_str()));
    assert_eq!(seen[0].header("idempotency-key"), None);
}

#[tokio::test]
async fn deposit_retry_reuses_the_same_idempotency_key() {
    let mock = spawn_mock(|n, _| match n {
        1 => Reply::json(503, UNAVAILABLE),
        _ => Reply::json(201, DEPOSIT),
    })
    .await;
    let key = IdempotencyKey::generate();
    let dep = client(&mock)
        .create_deposit(&investor(), &deposit_request(), &key)
        .await
        .unwrap();
    assert_eq!(dep.amount, dec("100.50"));

    let seen = mock.seen();
    assert_eq!(seen.len(), 2, "one 503, then the retry");
    for s in &seen {
        assert_eq!(s.method, Method::POST);
        assert_eq!(
            s.path,
            "/v1/investors/inv_01j9x8m2k7qpzwv3t5r6y8n0ab/deposits"
        );
        assert_eq!(s.header("idempotency-key"), Some(key.as_str()));
        assert_eq!(s.header("content-type"), Some("application/json"));
    }
    let body: serde_json::Value = serde_json::from_slice(&seen[0].body).unwrap();
    assert_eq!(body["amount"], "100.50");
    assert_eq!(body["funding_source_id"], "fs_01abc");
    assert_eq!(seen[0].body, seen[1].body, "the retry sends the same body");
}

#[tokio::test]
async fn withdrawal_and_order_send_the_callers_key() {
    let mock = spawn_mock(|n, s| {
        if s.path.ends_with("/withdrawals") {
            Reply::json(201, WITHDRAWAL)
        } else if n == 2 {
            // The first order attempt gets a 502; the retry must carry the same key.
            Reply::json(502, "")
        } else {
            Reply::json(201, ORDER)
        }
    })
    .await;
    let client = client(&mock);
    let wd_key = IdempotencyKey::parse("wdr-5f0c2b1e").unwrap();
    let wd = client
        .create_withdrawal(
            &investor(),
            &CreateWithdrawalRequest {
                amount: dec("20.00"),
                method: TransferMethod::Ach,
                currency: None,
                funding_source_id: "fs_01abc".parse().unwrap(),
                description: None,
            },
            &wd_key,
        )
        .await
        .unwrap();
    assert_eq!(wd.status, TransferStatus::Pending);

    let order_key = IdempotencyKey::generate();
    let order = client
        .create_order(
            &investor(),
            &CreateOrderRequest::market("AAPL", OrderSide::Buy, dec("2")),
            &order_key,
        )
        .await
        .unwrap();
    assert_eq!(order.status, OrderStatus::Pending);

    let seen = mock.seen();
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[0].header("idempotency-key"), Some("wdr-5f0c2b1e"));
    assert!(seen[1].path.ends_with("/orders"));
    assert_eq!(seen[1].header("idempotency-key"), Some(order_key.as_str()));
    assert_eq!(seen[2].header("idempotency-key"), Some(order_key.as_str()));
}

#[tokio::test]
async fn rate_limited_429_waits_retry_after_then_succeeds() {
    let mock = spawn_mock(|n, _| match n {
        1 => Reply::json(
            429,
            r#"{"error":{"type":"rate_limit_error","code":"BLUM-429-001","message":"Rate limit exceeded"}}"#,
        )
        .header("retry-after", "1"),
        _ => Reply::json(200, INVESTOR),
    })
    .await;
    client(&mock).get_investor(&investor()).await.unwrap();
    let seen = mock.seen();
    assert_eq!(seen.len(), 2);
    // Lower bound only: the retry did not come before Retry-After allowed it.
    let gap = seen[1].at.duration_since(seen[0].at);
    assert!(gap >= Duration::from_millis(950), "retried after {gap:?}");
}

#[tokio::test]
async fn get_is_retried_on_503_until_it_succeeds() {
    let mock = spawn_mock(|n, _| match n {
        1 | 2 => Reply::json(503, UNAVAILABLE),
        _ => Reply::json(
            200,
            r#"{"object":"list","url":"/v1/x","has_more":false,"data":[
                {"id":"wlt_01abc","currency":"USD","balance":"10.00","status":"active"}]}"#,
        ),
    })
    .await;
    let wallets = client(&mock).list_wallets(&investor()).await.unwrap();
    assert_eq!(wallets.data[0].balance, dec("10.00"));
    assert_eq!(mock.seen().len(), 3);
}

#[tokio::test]
async fn get_gives_up_after_max_retries() {
    let mock = spawn_mock(|_, _| Reply::json(503, UNAVAILABLE)).await;
    let err = client(&mock).get_investor(&investor()).await.unwrap_err();
    assert!(matches!(
        &err,
        BluumError::Upstream {
            kind: UpstreamKind::Server,
            ..
        }
    ));
    assert_eq!(err.request_id(), Some("req_mock_1"));
    assert_eq!(mock.seen().len(), 4, "1 attempt + max_retries (3)");
}

#[tokio::test]
async fn post_without_idempotency_key_is_not_retried() {
    let mock = spawn_mock(|_, _| Reply::json(503, UNAVAILABLE)).await;
    let client = client(&mock);
    let err = client
        .register_webhook(&CreateWebhookRequest {
            name: "app".into(),
            url: "https://example.com/hook".into(),
            event_type_names: vec!["order.*".into()],
            description: None,
        })
        .await
        .unwrap_err();
    assert!(matches!(err, BluumError::Upstream { .. }));
    assert_eq!(mock.seen().len(), 1);

    // A Plaid public token is single use: never sent twice.
    let err = client
        .connect_plaid(&investor(), Sensitive::new("public-sandbox-1"))
        .await
        .unwrap_err();
    assert!(matches!(err, BluumError::Upstream { .. }));
    assert_eq!(mock.seen().len(), 2);
    assert_eq!(mock.seen()[1].header("idempotency-key"), None);
}

#[tokio::test]
async fn validation_envelope_maps_to_the_field_and_is_not_retried() {
    let mock = spawn_mock(|_, _| {
        Reply::json(
            400,
            r#"{"error":{"type":"invalid_request_error","code":"BLUM-400-006","message":"Quantity must be positive","param":"quantity"}}"#,
        )
    })
    .await;
    let err = client(&mock)
        .create_order(
            &investor(),
            &CreateOrderRequest::market("AAPL", OrderSide::Buy, dec("0")),
            &IdempotencyKey::generate(),
        )
        .await
        .unwrap_err();
    match &err {
        BluumError::Validation {
            param,
            message,
            context,
        } => {
            assert_eq!(param.as_deref(), Some("quantity"));
            assert_eq!(message, "Quantity must be positive");
            assert_eq!(context.code.as_deref(), Some("BLUM-400-006"));
            assert_eq!(context.request_id.as_deref(), Some("req_mock_1"));
        }
        other => panic!("expected Validation, got {other:?}"),
    }
    assert_eq!(
        AppError::from(err),
        AppError::validation("quantity", "Quantity must be positive")
    );
    assert_eq!(
        mock.seen().len(),
        1,
        "4xx is never retried, even with a key"
    );
}

#[tokio::test]
async fn insufficient_funds_422() {
    let mock = spawn_mock(|_, _| {
        Reply::json(
            422,
            r#"{"error":{"type":"invalid_request_error","code":"BLUM-422-001","message":"Insufficient funds"}}"#,
        )
    })
    .await;
    let err = client(&mock)
        .create_withdrawal(
            &investor(),
            &CreateWithdrawalRequest {
                amount: dec("1000000"),
                method: TransferMethod::Ach,
                currency: None,
                funding_source_id: "fs_01abc".parse().unwrap(),
                description: None,
            },
            &IdempotencyKey::generate(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, BluumError::InsufficientFunds { .. }),
        "{err:?}"
    );
    assert_eq!(err.code(), Some("BLUM-422-001"));
    assert!(matches!(
        AppError::from(err),
        AppError::InsufficientFunds(_)
    ));
    assert_eq!(mock.seen().len(), 1);
}

#[tokio::test]
async fn idempotency_conflict_409() {
    let mock = spawn_mock(|_, _| {
        Reply::json(
            409,
            r#"{"error":{"type":"idempotency_error","code":"BLUM-409-002","message":"Idempotency conflict"}}"#,
        )
    })
    .await;
    let err = client(&mock)
        .create_deposit(&investor(), &deposit_request(), &IdempotencyKey::generate())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            BluumError::Conflict {
                kind: ConflictKind::Idempotency,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(mock.seen().len(), 1);
}

#[tokio::test]
async fn not_found_404() {
    let mock = spawn_mock(|_, _| {
        Reply::json(
            404,
            r#"{"code":"BLUM-404-001","message":"Account not found"}"#,
        )
    })
    .await;
    let err = client(&mock)
        .get_order(&investor(), &"ord_01abc".parse().unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, BluumError::NotFound { .. }), "{err:?}");
    assert_eq!(AppError::from(err), AppError::NotFound);
    assert_eq!(mock.seen().len(), 1);
}

#[tokio::test]
async fn timeout_becomes_upstream_after_retries() {
    let mock = spawn_mock(|_, _| Reply::json(200, INVESTOR).delayed(Duration::from_secs(3))).await;
    let client = BluumClient::new(BluumClientConfig {
        timeout: Duration::from_millis(200),
        max_retries: 2,
        ..config(&mock)
    })
    .unwrap();
    let err = client.get_investor(&investor()).await.unwrap_err();
    assert!(
        matches!(
            err,
            BluumError::Upstream {
                kind: UpstreamKind::Timeout,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(mock.seen().len(), 3, "1 attempt + 2 retries");
    assert!(matches!(AppError::from(err), AppError::Upstream { .. }));
}

#[tokio::test]
async fn connection_refused_is_retried_then_upstream() {
    // Bind and drop a listener to get a port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = BluumClient::new(BluumClientConfig {
        base_url: format!("http://127.0.0.1:{port}/v1"),
        api_key: "apk_test".into(),
        api_secret: SecretString::from("s"),
        timeout: Duration::from_secs(2),
        max_retries: 1,
        requests_per_second: 100,
    })
    .unwrap();
    let err = client.get_investor(&investor()).await.unwrap_err();
    assert!(
        matches!(
            err,
            BluumError::Upstream {
                kind: UpstreamKind::Transport,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn rate_limiter_spaces_a_burst() {
    let mock = spawn_mock(|_, _| Reply::json(200, INVESTOR)).await;
    let client = BluumClient::new(BluumClientConfig {
        requests_per_second: 5,
        ..config(&mock)
    })
    .unwrap();
    let start = Instant::now();
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let client = client.clone();
        calls.spawn(async move { client.get_investor(&investor()).await });
    }
    while let Some(result) = calls.join_next().await {
        result.unwrap().unwrap();
    }
    let elapsed = start.elapsed();
    let seen = mock.seen();
    assert_eq!(seen.len(), 10);
    // At 5/s with a burst of 5, requests 6..10 each wait another 200 ms: ≥ 0.8 s in total.
    assert!(elapsed >= Duration::from_millis(780), "took {elapsed:?}");
    // And no more than the burst can have arrived in the first 150 ms.
    let early = seen
        .iter()
        .filter(|s| s.at.duration_since(start) < Duration::from_millis(150))
        .count();
    assert!(early <= 5, "{early} requests in the first 150 ms");
}

#[tokio::test]
async fn queries_and_link_token_shapes_through_the_client() {
    let mock = spawn_mock(|_, s| {
        if s.path.ends_with("/link-token") {
            Reply::json(
                200,
                r#"{"status":"success","data":{"link_token":"link-sandbox-1","hosted_link_url":null}}"#,
            )
        } else {
            Reply::json(200, r#"{"object":"list","url":"/v1/x","has_more":false,"data":[]}"#)
        }
    })
    .await;
    let client = client(&mock);
    let token = client
        .create_plaid_link_token(&investor(), &LinkTokenRequest::default())
        .await
        .unwrap();
    assert_eq!(token.link_token, "link-sandbox-1");
    let list = client
        .list_funding_sources(&investor(), Some(FundingSourceType::Plaid))
        .await
        .unwrap();
    assert!(list.is_empty());
    client
        .get_assets_batch(&["AAPL", "MSFT"], None)
        .await
        .unwrap();
    let seen = mock.seen();
    let body: serde_json::Value = serde_json::from_slice(&seen[0].body).unwrap();
    assert_eq!(body, serde_json::json!({"enable_hosted_link": false}));
    assert_eq!(seen[1].query.as_deref(), Some("type=plaid"));
    assert_eq!(seen[2].path, "/v1/assets/batch");
    assert_eq!(seen[2].query.as_deref(), Some("symbols=AAPL%2CMSFT"));
}

#[tokio::test]
async fn document_upload_is_multipart() {
    let mock = spawn_mock(|_, _| {
        Reply::json(
            201,
            r#"{"document_id":"doc_01abc","object":"document","purpose":"kyc","status":"uploaded"}"#,
        )
    })
    .await;
    let doc = client(&mock)
        .upload_document(UploadDocumentRequest {
            investor_id: Some(investor()),
            document_type: "PASSPORT".into(),
            purpose: Some(DocumentPurpose::Kyc),
            file_name: "passport.png".into(),
            mime_type: "image/png".into(),
            bytes: b"\x89PNG fake image".to_vec(),
        })
        .await
        .unwrap();
    assert_eq!(doc.status, DocumentStatus::Uploaded);
    let seen = &mock.seen()[0];
    assert_eq!(seen.path, "/v1/documents");
    assert!(seen
        .header("content-type")
        .unwrap()
        .starts_with("multipart/form-data"));
    let body = String::from_utf8_lossy(&seen.body);
    for needle in [
        r#"name="document_type""#,
        r#"name="document"; filename="passport.png""#,
        r#"name="purpose""#,
        r#"name="investor_id""#,
        "inv_01j9x8m2k7qpzwv3t5r6y8n0ab",
    ] {
        assert!(body.contains(needle), "missing {needle}");
    }
}

#[tokio::test]
async fn invalid_amount_is_refused_before_any_request() {
    let mock = spawn_mock(|_, _| Reply::json(201, DEPOSIT)).await;
    let err = client(&mock)
        .create_deposit(
            &investor(),
            &CreateDepositRequest {
                amount: dec("10.555"),
                ..deposit_request()
            },
            &IdempotencyKey::generate(),
        )
        .await
        .unwrap_err();
    assert!(matches!(&err, BluumError::Validation { param: Some(p), .. } if p == "amount"));
    assert!(mock.seen().is_empty());
}
