//! A proxy between the app and the simulator that can make Bluum fail on demand: answer 500 or
//! 429, answer too slowly, or pass the request on and then lose the answer. It records every
//! request it sees, so a test can check what was sent, and how often.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;

/// How the proxy treats the next requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Passes every request on and its answer back.
    None,
    /// Answers 500 with Bluum's error envelope, without passing the request on.
    ServerError,
    /// Answers 429 with `Retry-After: 1`, without passing the request on.
    TooManyRequests,
    /// Waits this long before passing the request on (past the app's timeout).
    Slow(Duration),
    /// Passes the request on (so Bluum acts on it) and answers 500: the answer is lost.
    LoseAnswer,
}

/// One request as the proxy saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: Method,
    pub path: String,
    pub idempotency_key: Option<String>,
}

#[derive(Clone)]
struct Shared {
    upstream: String,
    /// The fault, and whether it applies to writes (POST, PATCH, DELETE) only.
    fault: Arc<Mutex<(Fault, bool)>>,
    seen: Arc<Mutex<Vec<Seen>>>,
    http: reqwest::Client,
}

pub struct FaultProxy {
    /// The address to give the app as `BLUUM_BASE_URL` (with `/v1`).
    pub base_url: String,
    shared: Shared,
}

impl FaultProxy {
    /// Starts a proxy in front of `upstream` (a base URL ending in `/v1`).
    pub async fn start(upstream: &str) -> Self {
        let shared = Shared {
            upstream: upstream.trim_end_matches("/v1").to_owned(),
            fault: Arc::new(Mutex::new((Fault::None, false))),
            seen: Arc::new(Mutex::new(Vec::new())),
            http: reqwest::Client::new(),
        };
        let router = Router::new().fallback(forward).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        Self {
            base_url: format!("http://{addr}/v1"),
            shared,
        }
    }

    /// Applies `fault` to every request.
    pub fn set(&self, fault: Fault) {
        *self.shared.fault.lock().unwrap() = (fault, false);
    }

    /// Applies `fault` to writes only; reads pass.
    pub fn set_for_writes(&self, fault: Fault) {
        *self.shared.fault.lock().unwrap() = (fault, true);
    }

    /// Every request seen since the last call, oldest first.
    pub fn take_seen(&self) -> Vec<Seen> {
        std::mem::take(&mut *self.shared.seen.lock().unwrap())
    }
}

async fn forward(
    State(shared): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (fault, writes_only) = *shared.fault.lock().unwrap();
    let fault = if writes_only && method == Method::GET {
        Fault::None
    } else {
        fault
    };
    shared.seen.lock().unwrap().push(Seen {
        method: method.clone(),
        path: uri.path().to_owned(),
        idempotency_key: headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    });
    let envelope = |status: StatusCode, code: &str| {
        let body = serde_json::json!({
            "error": { "type": "api_error", "code": code, "message": "injected by the fault proxy" }
        });
        let mut res = (status, axum::Json(body)).into_response();
        res.headers_mut()
            .insert("x-request-id", HeaderValue::from_static("req_fault_proxy"));
        res
    };
    match fault {
        Fault::ServerError => return envelope(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_ERROR"),
        Fault::TooManyRequests => {
            let mut res = envelope(StatusCode::TOO_MANY_REQUESTS, "RATE_LIMIT_EXCEEDED");
            res.headers_mut()
                .insert("retry-after", HeaderValue::from_static("1"));
            return res;
        }
        Fault::None | Fault::LoseAnswer | Fault::Slow(_) => {}
    }
    let url = format!(
        "{}{}",
        shared.upstream,
        uri.path_and_query().map(|p| p.as_str()).unwrap_or("/")
    );
    let mut request = shared.http.request(method, url).body(body);
    for name in ["authorization", "content-type", "accept", "idempotency-key"] {
        if let Some(value) = headers.get(name) {
            request = request.header(name, value.as_bytes());
        }
    }
    // Sent from a task of its own: like a slow server, Bluum acts on the request even after
    // the app stopped waiting for the answer.
    let sent = tokio::spawn(async move {
        if let Fault::Slow(delay) = fault {
            tokio::time::sleep(delay).await;
        }
        let answer = request.send().await?;
        let status = answer.status().as_u16();
        let headers = answer.headers().clone();
        let bytes = answer.bytes().await?;
        Ok::<_, reqwest::Error>((status, headers, bytes))
    });
    let Ok(Ok((status, answer_headers, bytes))) = sent.await else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    if fault == Fault::LoseAnswer {
        return envelope(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_ERROR");
    }
    let status = StatusCode::from_u16(status).unwrap();
    let mut out = HeaderMap::new();
    for name in ["content-type", "retry-after", "x-request-id"] {
        if let Some(value) = answer_headers.get(name) {
            out.insert(name, HeaderValue::from_bytes(value.as_bytes()).unwrap());
        }
    }
    (status, out, bytes).into_response()
}
