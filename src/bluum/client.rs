//! [`BluumClient`]: one typed method per Bluum endpoint the app uses.
//!
//! What every call gets, in one place ([`BluumClient::execute`]):
//! - HTTP Basic auth from the key pair (the secret stays in a `SecretString` and a
//!   sensitive header value);
//! - a per-request timeout;
//! - one process-wide rate limiter (governor), so all requests together stay under the key
//!   pair's limit (10 req/s sandbox, 25 production), and, when several instances of the app
//!   use one key pair, a [`SharedBudget`] they all draw from (the app keeps it in Postgres:
//!   `server::rate_budget`);
//! - retries with jittered exponential backoff on 429 (waiting `Retry-After`), 500/502/503/504,
//!   timeouts and connection failures, but only when repeating the request is safe: reads,
//!   and writes that carry an `Idempotency-Key` (the same key on every attempt, so Bluum
//!   returns the first result instead of moving money twice);
//! - a `tracing` span per call (method, path template, status, attempts, upstream request id;
//!   never bodies).
//!
//! Endpoints: `/investors`, `/investors/{id}/{compliance,wallets,transactions,funding-sources,
//! deposits,withdrawals,orders,order-estimates,positions}`, `/documents`, `/assets`,
//! `/market-data/assets/{symbol}/quote`, `/webhooks`.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use rand::Rng as _;
use reqwest::multipart::{Form, Part};
use reqwest::Url;
use rust_decimal::Decimal;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use tracing::Instrument as _;

use super::error::{BluumError, FORM_FIELD};
use super::ids::{
    DepositId, FundingSourceId, IdempotencyKey, InvestorId, OrderId, PositionId, WithdrawalId,
};
use super::models::*;

/// Settings for [`BluumClient::new`].
#[derive(Debug, Clone)]
pub struct BluumClientConfig {
    /// e.g. `https://sandbox.api.bluumfinance.com/v1` (paths are appended to it).
    pub base_url: String,
    pub api_key: String,
    pub api_secret: SecretString,
    /// Per attempt, from sending the request to reading the whole body.
    pub timeout: Duration,
    /// Extra attempts after the first, for failures that are safe to retry.
    pub max_retries: u32,
    /// Shared limit for every request this client (and its clones) makes.
    pub requests_per_second: u32,
}

impl BluumClientConfig {
    /// Bluum's limit per key pair in the sandbox.
    pub const SANDBOX_REQUESTS_PER_SECOND: u32 = 10;
    /// Bluum's limit per key pair in production.
    pub const PRODUCTION_REQUESTS_PER_SECOND: u32 = 25;

    /// Sandbox defaults: 15 s timeout, 3 retries, 10 requests per second.
    pub fn new(
        base_url: impl Into<String>,
        api_key: impl Into<String>,
        api_secret: SecretString,
    ) -> Self {
        Self {
            base_url: base_url.into(),
            api_key: api_key.into(),
            api_secret,
            timeout: Duration::from_secs(15),
            max_retries: 3,
            requests_per_second: Self::SANDBOX_REQUESTS_PER_SECOND,
        }
    }
}

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ClientBuildError {
    #[error("BLUUM base URL {0:?} is not an absolute http(s) URL")]
    BaseUrl(String),
    #[error("requests_per_second must be at least 1")]
    ZeroRate,
    #[error("the Bluum API key and secret must be printable ASCII")]
    Credentials,
    #[error("could not build the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

/// First retry waits about this long; each further retry doubles it.
const BACKOFF_BASE: Duration = Duration::from_millis(200);
/// Longest wait between two attempts, whatever the backoff or `Retry-After` says.
const MAX_RETRY_DELAY: Duration = Duration::from_secs(10);
/// Bluum accepts uploads up to 10 MB.
const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// `GET /assets/batch` takes at most 20 symbols.
const MAX_BATCH_SYMBOLS: usize = 20;

/// The Bluum API client. Cheap to clone: clones share the connection pool and rate limiter.
#[derive(Clone)]
pub struct BluumClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    authorization: HeaderValue,
    limiter: DefaultDirectRateLimiter,
    /// The budget shared with other processes using the same key pair, if any.
    shared: Option<Arc<dyn SharedBudget>>,
    max_retries: u32,
}

/// The key pair's request budget when several processes use it: Bluum limits requests per
/// key pair, not per process, so each instance of the app must not assume all of it.
pub trait SharedBudget: Send + Sync + 'static {
    /// Waits until one more request may be sent. Must not fail: when the budget cannot be
    /// reached, an implementation lets the request go (the process's own limiter and Bluum's
    /// 429 answers, which are retried, still hold the rate).
    fn until_ready(&self) -> futures::future::BoxFuture<'_, ()>;
}

impl std::fmt::Debug for BluumClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BluumClient")
            .field("base_url", &self.inner.base_url.as_str())
            .field("max_retries", &self.inner.max_retries)
            .finish_non_exhaustive()
    }
}

/// When a request may be sent again after a retryable failure.
#[derive(Debug, Clone, Copy)]
enum Retry<'a> {
    /// No side effects (reads, estimates, disconnecting an already-disconnected source).
    Safe,
    /// A write that Bluum deduplicates by this key.
    Idempotent(&'a IdempotencyKey),
    /// A write that could happen twice (or a single-use token): one attempt only.
    Never,
}

enum Body {
    Empty,
    Json(Vec<u8>),
    /// Not replayable: a multipart body is sent once.
    Multipart(Option<Form>),
}

/// One logical call: a request and how to retry it.
struct Call<'a> {
    method: Method,
    /// The path with placeholders (`/investors/{investor_id}/orders`), for logs.
    template: &'static str,
    url: Url,
    body: Body,
    retry: Retry<'a>,
}

/// A successful answer.
struct Answer {
    status: StatusCode,
    request_id: Option<String>,
    body: Vec<u8>,
}

impl BluumClient {
    /// Builds a client. Fails on a bad base URL, a zero rate or unusable credentials.
    pub fn new(config: BluumClientConfig) -> Result<Self, ClientBuildError> {
        let base_url = Url::parse(config.base_url.trim_end_matches('/'))
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && !u.cannot_be_a_base())
            .ok_or_else(|| ClientBuildError::BaseUrl(config.base_url.clone()))?;
        let rate = NonZeroU32::new(config.requests_per_second).ok_or(ClientBuildError::ZeroRate)?;
        let credentials = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            config.api_key,
            config.api_secret.expose_secret()
        ));
        let mut authorization = HeaderValue::from_str(&format!("Basic {credentials}"))
            .map_err(|_| ClientBuildError::Credentials)?;
        authorization.set_sensitive(true);
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .user_agent(concat!("bluum-invest/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                base_url,
                authorization,
                // A token bucket of `rate` tokens refilled at `rate` per second, the same shape
                // as Bluum's (and the simulator's) limiter.
                limiter: RateLimiter::direct(Quota::per_second(rate)),
                shared: None,
                max_retries: config.max_retries,
            }),
        })
    }

    /// Draws every request from `budget` as well as from this process's own limiter. Call
    /// before cloning the client (clones made earlier keep their budget).
    pub fn with_shared_budget(mut self, budget: Arc<dyn SharedBudget>) -> Self {
        match Arc::get_mut(&mut self.inner) {
            Some(inner) => inner.shared = Some(budget),
            None => tracing::warn!("the Bluum client was cloned before its shared budget was set"),
        }
        self
    }

    // ---- investors --------------------------------------------------------------------------

    /// `POST /investors`. The key is optional here; pass one to make a retry safe.
    pub async fn create_investor(
        &self,
        request: &CreateInvestorRequest,
        idempotency_key: Option<&IdempotencyKey>,
    ) -> Result<Investor, BluumError> {
        let retry = idempotency_key.map_or(Retry::Never, Retry::Idempotent);
        self.post_json("/investors", self.url(&["investors"]), request, retry)
            .await
    }

    /// `GET /investors/{investor_id}`.
    pub async fn get_investor(&self, investor: &InvestorId) -> Result<Investor, BluumError> {
        self.get(
            "/investors/{investor_id}",
            self.url(&["investors", investor.as_str()]),
        )
        .await
    }

    /// `GET /investors/{investor_id}/compliance`.
    pub async fn get_compliance(
        &self,
        investor: &InvestorId,
    ) -> Result<ComplianceWorkflow, BluumError> {
        let url = self.investor_url(investor, &["compliance"]);
        self.get("/investors/{investor_id}/compliance", url).await
    }

    // ---- documents --------------------------------------------------------------------------

    /// `POST /documents` (multipart, field `document`). Sent once: uploads are not retried.
    pub async fn upload_document(
        &self,
        request: UploadDocumentRequest,
    ) -> Result<Document, BluumError> {
        if request.bytes.is_empty() || request.bytes.len() > MAX_UPLOAD_BYTES {
            return Err(BluumError::invalid_input(
                "document",
                "Choose a file between 1 byte and 10 MB.",
            ));
        }
        let part = Part::bytes(request.bytes)
            .file_name(request.file_name)
            .mime_str(&request.mime_type)
            .map_err(|_| BluumError::invalid_input("document", "Unsupported file type."))?;
        let mut form = Form::new()
            .text("document_type", request.document_type)
            .part("document", part);
        if let Some(purpose) = request.purpose {
            form = form.text("purpose", purpose.as_str().to_owned());
        }
        if let Some(investor) = request.investor_id {
            form = form.text("investor_id", investor.to_string());
        }
        let answer = self
            .execute(Call {
                method: Method::POST,
                template: "/documents",
                url: self.url(&["documents"]),
                body: Body::Multipart(Some(form)),
                retry: Retry::Never,
            })
            .await?;
        decode(&answer)
    }

    /// `GET /documents` (cursor paging: pass the last `document_id` as `starting_after`).
    pub async fn list_documents(
        &self,
        query: &DocumentQuery,
    ) -> Result<List<Document>, BluumError> {
        let url = with_query(self.url(&["documents"]), query)?;
        self.get("/documents", url).await
    }

    // ---- wallets and transactions -----------------------------------------------------------

    /// `GET /investors/{investor_id}/wallets`.
    pub async fn list_wallets(&self, investor: &InvestorId) -> Result<List<Wallet>, BluumError> {
        let url = self.investor_url(investor, &["wallets"]);
        self.get("/investors/{investor_id}/wallets", url).await
    }

    /// `GET /investors/{investor_id}/transactions`.
    pub async fn list_transactions(
        &self,
        investor: &InvestorId,
        query: &TransactionQuery,
    ) -> Result<List<Transaction>, BluumError> {
        let url = with_query(self.investor_url(investor, &["transactions"]), query)?;
        self.get("/investors/{investor_id}/transactions", url).await
    }

    // ---- funding sources --------------------------------------------------------------------

    /// `POST /investors/{investor_id}/funding-sources/plaid/link-token`. Creates nothing
    /// lasting, so it is retried like a read.
    pub async fn create_plaid_link_token(
        &self,
        investor: &InvestorId,
        request: &LinkTokenRequest,
    ) -> Result<LinkToken, BluumError> {
        let url = self.investor_url(investor, &["funding-sources", "plaid", "link-token"]);
        self.post_json(
            "/investors/{investor_id}/funding-sources/plaid/link-token",
            url,
            request,
            Retry::Safe,
        )
        .await
    }

    /// `POST /investors/{investor_id}/funding-sources/connect` with `type: "plaid"`: one
    /// funding source per bank account in the Plaid item. The token is single use, so this is
    /// never retried.
    pub async fn connect_plaid(
        &self,
        investor: &InvestorId,
        public_token: Sensitive,
    ) -> Result<List<FundingSource>, BluumError> {
        let body = ConnectFundingSourceRequest::Plaid { public_token };
        let url = self.investor_url(investor, &["funding-sources", "connect"]);
        self.post_json(
            "/investors/{investor_id}/funding-sources/connect",
            url,
            &body,
            Retry::Never,
        )
        .await
    }

    /// `POST /investors/{investor_id}/funding-sources/connect` with `type: "manual"`.
    pub async fn connect_manual(
        &self,
        investor: &InvestorId,
        request: ManualFundingSourceRequest,
    ) -> Result<FundingSource, BluumError> {
        if request.account_number.expose().chars().count() < 4 {
            return Err(BluumError::invalid_input(
                "account_number",
                "Enter the full account number.",
            ));
        }
        let body = ConnectFundingSourceRequest::Manual(Box::new(request));
        let url = self.investor_url(investor, &["funding-sources", "connect"]);
        self.post_json(
            "/investors/{investor_id}/funding-sources/connect",
            url,
            &body,
            Retry::Never,
        )
        .await
    }

    /// `GET /investors/{investor_id}/funding-sources?type=` (Bluum's default is `all`).
    pub async fn list_funding_sources(
        &self,
        investor: &InvestorId,
        kind: Option<FundingSourceType>,
    ) -> Result<List<FundingSource>, BluumError> {
        let url = with_query(
            self.investor_url(investor, &["funding-sources"]),
            &TypeQuery { kind },
        )?;
        self.get("/investors/{investor_id}/funding-sources", url)
            .await
    }

    /// `GET /investors/{investor_id}/funding-sources/{funding_source_id}`.
    pub async fn get_funding_source(
        &self,
        investor: &InvestorId,
        source: &FundingSourceId,
    ) -> Result<FundingSource, BluumError> {
        let url = self.investor_url(investor, &["funding-sources", source.as_str()]);
        self.get(
            "/investors/{investor_id}/funding-sources/{funding_source_id}",
            url,
        )
        .await
    }

    /// `DELETE /investors/{investor_id}/funding-sources/{funding_source_id}?type=`: a soft
    /// disconnect (history is kept). Bluum's default `type` is `plaid`.
    pub async fn disconnect_funding_source(
        &self,
        investor: &InvestorId,
        source: &FundingSourceId,
        kind: FundingSourceType,
    ) -> Result<(), BluumError> {
        let url = with_query(
            self.investor_url(investor, &["funding-sources", source.as_str()]),
            &TypeQuery { kind: Some(kind) },
        )?;
        self.execute(Call {
            method: Method::DELETE,
            template: "/investors/{investor_id}/funding-sources/{funding_source_id}",
            url,
            body: Body::Empty,
            retry: Retry::Safe,
        })
        .await
        .map(|_| ())
    }

    // ---- deposits ---------------------------------------------------------------------------

    /// `POST /investors/{investor_id}/deposits` with `Idempotency-Key`.
    pub async fn create_deposit(
        &self,
        investor: &InvestorId,
        request: &CreateDepositRequest,
        idempotency_key: &IdempotencyKey,
    ) -> Result<Deposit, BluumError> {
        let request = CreateDepositRequest {
            amount: transfer_amount(request.amount)?,
            ..request.clone()
        };
        let url = self.investor_url(investor, &["deposits"]);
        self.post_json(
            "/investors/{investor_id}/deposits",
            url,
            &request,
            Retry::Idempotent(idempotency_key),
        )
        .await
    }

    /// `GET /investors/{investor_id}/deposits`.
    pub async fn list_deposits(
        &self,
        investor: &InvestorId,
        query: &TransferQuery,
    ) -> Result<List<Deposit>, BluumError> {
        let url = with_query(self.investor_url(investor, &["deposits"]), query)?;
        self.get("/investors/{investor_id}/deposits", url).await
    }

    /// `GET /investors/{investor_id}/deposits/{deposit_id}`.
    pub async fn get_deposit(
        &self,
        investor: &InvestorId,
        deposit: &DepositId,
    ) -> Result<Deposit, BluumError> {
        let url = self.investor_url(investor, &["deposits", deposit.as_str()]);
        self.get("/investors/{investor_id}/deposits/{deposit_id}", url)
            .await
    }

    /// `POST /investors/{investor_id}/deposits/{deposit_id}/cancel` (pending deposits only;
    /// otherwise a state [`super::error::ConflictKind`]).
    pub async fn cancel_deposit(
        &self,
        investor: &InvestorId,
        deposit: &DepositId,
    ) -> Result<Deposit, BluumError> {
        let url = self.investor_url(investor, &["deposits", deposit.as_str(), "cancel"]);
        self.post_empty("/investors/{investor_id}/deposits/{deposit_id}/cancel", url)
            .await
    }

    // ---- withdrawals ------------------------------------------------------------------------

    /// `POST /investors/{investor_id}/withdrawals` with `Idempotency-Key`.
    pub async fn create_withdrawal(
        &self,
        investor: &InvestorId,
        request: &CreateWithdrawalRequest,
        idempotency_key: &IdempotencyKey,
    ) -> Result<Withdrawal, BluumError> {
        let request = CreateWithdrawalRequest {
            amount: transfer_amount(request.amount)?,
            ..request.clone()
        };
        let url = self.investor_url(investor, &["withdrawals"]);
        self.post_json(
            "/investors/{investor_id}/withdrawals",
            url,
            &request,
            Retry::Idempotent(idempotency_key),
        )
        .await
    }

    /// `GET /investors/{investor_id}/withdrawals`.
    pub async fn list_withdrawals(
        &self,
        investor: &InvestorId,
        query: &TransferQuery,
    ) -> Result<List<Withdrawal>, BluumError> {
        let url = with_query(self.investor_url(investor, &["withdrawals"]), query)?;
        self.get("/investors/{investor_id}/withdrawals", url).await
    }

    /// `GET /investors/{investor_id}/withdrawals/{withdrawal_id}`.
    pub async fn get_withdrawal(
        &self,
        investor: &InvestorId,
        withdrawal: &WithdrawalId,
    ) -> Result<Withdrawal, BluumError> {
        let url = self.investor_url(investor, &["withdrawals", withdrawal.as_str()]);
        self.get("/investors/{investor_id}/withdrawals/{withdrawal_id}", url)
            .await
    }

    /// `POST /investors/{investor_id}/withdrawals/{withdrawal_id}/cancel` (pending only).
    pub async fn cancel_withdrawal(
        &self,
        investor: &InvestorId,
        withdrawal: &WithdrawalId,
    ) -> Result<Withdrawal, BluumError> {
        let url = self.investor_url(investor, &["withdrawals", withdrawal.as_str(), "cancel"]);
        self.post_empty(
            "/investors/{investor_id}/withdrawals/{withdrawal_id}/cancel",
            url,
        )
        .await
    }

    // ---- orders -----------------------------------------------------------------------------

    /// `POST /investors/{investor_id}/orders` with `Idempotency-Key`.
    pub async fn create_order(
        &self,
        investor: &InvestorId,
        request: &CreateOrderRequest,
        idempotency_key: &IdempotencyKey,
    ) -> Result<Order, BluumError> {
        check_symbol(&request.symbol)?;
        let url = self.investor_url(investor, &["orders"]);
        self.post_json(
            "/investors/{investor_id}/orders",
            url,
            request,
            Retry::Idempotent(idempotency_key),
        )
        .await
    }

    /// `POST /investors/{investor_id}/order-estimates` (indicative; no side effects).
    pub async fn estimate_order(
        &self,
        investor: &InvestorId,
        request: &OrderEstimateRequest,
    ) -> Result<OrderEstimate, BluumError> {
        check_symbol(&request.symbol)?;
        let url = self.investor_url(investor, &["order-estimates"]);
        self.post_json(
            "/investors/{investor_id}/order-estimates",
            url,
            request,
            Retry::Safe,
        )
        .await
    }

    /// `GET /investors/{investor_id}/orders`.
    pub async fn list_orders(
        &self,
        investor: &InvestorId,
        query: &OrderQuery,
    ) -> Result<List<Order>, BluumError> {
        let url = with_query(self.investor_url(investor, &["orders"]), query)?;
        self.get("/investors/{investor_id}/orders", url).await
    }

    /// `GET /investors/{investor_id}/orders/{order_id}`.
    pub async fn get_order(
        &self,
        investor: &InvestorId,
        order: &OrderId,
    ) -> Result<Order, BluumError> {
        let url = self.investor_url(investor, &["orders", order.as_str()]);
        self.get("/investors/{investor_id}/orders/{order_id}", url)
            .await
    }

    /// `POST /investors/{investor_id}/orders/{order_id}/cancel`; returns the order.
    pub async fn cancel_order(
        &self,
        investor: &InvestorId,
        order: &OrderId,
    ) -> Result<Order, BluumError> {
        let url = self.investor_url(investor, &["orders", order.as_str(), "cancel"]);
        self.post_empty("/investors/{investor_id}/orders/{order_id}/cancel", url)
            .await
    }

    // ---- positions --------------------------------------------------------------------------

    /// `GET /investors/{investor_id}/positions`.
    pub async fn list_positions(
        &self,
        investor: &InvestorId,
        query: &PositionQuery,
    ) -> Result<List<Position>, BluumError> {
        let url = with_query(self.investor_url(investor, &["positions"]), query)?;
        self.get("/investors/{investor_id}/positions", url).await
    }

    /// `GET /investors/{investor_id}/positions/{position_id}`.
    pub async fn get_position(
        &self,
        investor: &InvestorId,
        position: &PositionId,
    ) -> Result<Position, BluumError> {
        let url = self.investor_url(investor, &["positions", position.as_str()]);
        self.get("/investors/{investor_id}/positions/{position_id}", url)
            .await
    }

    // ---- assets and market data -------------------------------------------------------------

    /// `GET /assets/search`.
    pub async fn search_assets(&self, query: &AssetSearchQuery) -> Result<List<Asset>, BluumError> {
        let url = with_query(self.url(&["assets", "search"]), query)?;
        self.get("/assets/search", url).await
    }

    /// `GET /assets/{symbol}?market=`. Unknown symbols are `NotFound` (`BLUM-404-003`).
    pub async fn get_asset(&self, symbol: &str, market: Option<&str>) -> Result<Asset, BluumError> {
        check_symbol(symbol)?;
        let url = with_query(self.url(&["assets", symbol]), &MarketQuery { market })?;
        self.get("/assets/{symbol}", url).await
    }

    /// `GET /assets/batch?symbols=A,B&market=` (1 to 20 symbols).
    pub async fn get_assets_batch(
        &self,
        symbols: &[&str],
        market: Option<&str>,
    ) -> Result<List<Asset>, BluumError> {
        if symbols.is_empty() || symbols.len() > MAX_BATCH_SYMBOLS {
            return Err(BluumError::invalid_input(
                "symbols",
                "Ask for 1 to 20 symbols at a time.",
            ));
        }
        for symbol in symbols {
            check_symbol(symbol)?;
        }
        let joined = symbols.join(",");
        let url = with_query(
            self.url(&["assets", "batch"]),
            &BatchQuery {
                symbols: &joined,
                market,
            },
        )?;
        self.get("/assets/batch", url).await
    }

    /// `GET /assets/{symbol}/bars`.
    pub async fn get_bars(&self, symbol: &str, query: &BarsQuery) -> Result<Bars, BluumError> {
        check_symbol(symbol)?;
        let url = with_query(self.url(&["assets", symbol, "bars"]), query)?;
        self.get("/assets/{symbol}/bars", url).await
    }

    /// `GET /market-data/assets/{symbol}/quote?market=` (Market Data add-on; a tenant without
    /// it gets `Forbidden(ProductNotEnabled)`).
    pub async fn get_quote(&self, symbol: &str, market: Option<&str>) -> Result<Quote, BluumError> {
        check_symbol(symbol)?;
        let url = with_query(
            self.url(&["market-data", "assets", symbol, "quote"]),
            &MarketQuery { market },
        )?;
        self.get("/market-data/assets/{symbol}/quote", url).await
    }

    // ---- webhooks ---------------------------------------------------------------------------

    /// `POST /webhooks` (tenant-wide key). Not retried: a repeat would register twice.
    pub async fn register_webhook(
        &self,
        request: &CreateWebhookRequest,
    ) -> Result<Webhook, BluumError> {
        self.post_json("/webhooks", self.url(&["webhooks"]), request, Retry::Never)
            .await
    }

    /// `GET /webhooks`.
    pub async fn list_webhooks(&self) -> Result<List<Webhook>, BluumError> {
        self.get("/webhooks", self.url(&["webhooks"])).await
    }

    // ---- plumbing ---------------------------------------------------------------------------

    /// The base URL with `segments` appended, each percent-encoded as one path segment.
    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.inner.base_url.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    fn investor_url(&self, investor: &InvestorId, rest: &[&str]) -> Url {
        let mut segments = vec!["investors", investor.as_str()];
        segments.extend_from_slice(rest);
        self.url(&segments)
    }

    async fn get<T: DeserializeOwned>(
        &self,
        template: &'static str,
        url: Url,
    ) -> Result<T, BluumError> {
        let answer = self
            .execute(Call {
                method: Method::GET,
                template,
                url,
                body: Body::Empty,
                retry: Retry::Safe,
            })
            .await?;
        decode(&answer)
    }

    async fn post_json<B: Serialize, T: DeserializeOwned>(
        &self,
        template: &'static str,
        url: Url,
        body: &B,
        retry: Retry<'_>,
    ) -> Result<T, BluumError> {
        let json = serde_json::to_vec(body).map_err(|e| {
            BluumError::invalid_input(FORM_FIELD, format!("could not encode the request: {e}"))
        })?;
        let answer = self
            .execute(Call {
                method: Method::POST,
                template,
                url,
                body: Body::Json(json),
                retry,
            })
            .await?;
        decode(&answer)
    }

    /// A POST without a body (the `…/cancel` actions): one attempt, since a repeat after a
    /// lost answer would report a confusing state conflict.
    async fn post_empty<T: DeserializeOwned>(
        &self,
        template: &'static str,
        url: Url,
    ) -> Result<T, BluumError> {
        let answer = self
            .execute(Call {
                method: Method::POST,
                template,
                url,
                body: Body::Empty,
                retry: Retry::Never,
            })
            .await?;
        decode(&answer)
    }

    /// Sends `call`, retrying when that is both useful and safe.
    async fn execute(&self, call: Call<'_>) -> Result<Answer, BluumError> {
        let span = tracing::info_span!(
            "bluum",
            method = %call.method,
            path = call.template,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        self.execute_in_span(call).instrument(span).await
    }

    async fn execute_in_span(&self, mut call: Call<'_>) -> Result<Answer, BluumError> {
        let span = tracing::Span::current();
        let may_retry = !matches!(call.retry, Retry::Never);
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            span.record("attempts", attempt);
            self.inner.limiter.until_ready().await;
            if let Some(shared) = &self.inner.shared {
                shared.until_ready().await;
            }
            let Some(request) = self.build(&mut call) else {
                // Only a multipart body cannot be rebuilt, and uploads are never retried.
                return Err(BluumError::invalid_input(
                    "document",
                    "the upload cannot be sent twice",
                ));
            };
            let outcome = self.send_once(request).await;
            let error = match outcome {
                Ok(answer) => {
                    span.record("status", answer.status.as_u16());
                    if let Some(id) = &answer.request_id {
                        span.record("request_id", id.as_str());
                    }
                    tracing::debug!(
                        attempt,
                        status = answer.status.as_u16(),
                        "bluum call succeeded"
                    );
                    return Ok(answer);
                }
                Err(error) => error,
            };
            if let Some(status) = error.context().status {
                span.record("status", status);
            }
            if let Some(id) = error.request_id() {
                span.record("request_id", id);
            }
            let retries_left = attempt <= self.inner.max_retries;
            // A 429 was turned away before Bluum acted on it: sending it again is safe even
            // for a call that is otherwise sent once.
            let rate_limited = matches!(error, BluumError::RateLimited { .. });
            if !((may_retry || rate_limited) && retries_left && error.is_retryable()) {
                tracing::warn!(attempt, error = %error, "bluum call failed");
                return Err(error);
            }
            let delay = match error.retry_after() {
                Some(wait) if wait > MAX_RETRY_DELAY => {
                    tracing::warn!(attempt, retry_after = ?wait, "bluum asks to wait too long; giving up");
                    return Err(error);
                }
                Some(wait) => wait,
                None => backoff(attempt),
            };
            tracing::info!(attempt, delay_ms = delay.as_millis() as u64, error = %error, "bluum call will be retried");
            tokio::time::sleep(delay).await;
        }
    }

    /// The request for one attempt; `None` if the body was already consumed.
    fn build(&self, call: &mut Call<'_>) -> Option<reqwest::Request> {
        let mut builder = self
            .inner
            .http
            .request(call.method.clone(), call.url.clone())
            .header(
                http::header::AUTHORIZATION,
                self.inner.authorization.clone(),
            )
            .header(http::header::ACCEPT, "application/json");
        if let Retry::Idempotent(key) = call.retry {
            builder = builder.header("Idempotency-Key", key.as_str());
        }
        builder = match &mut call.body {
            Body::Empty => builder,
            Body::Json(json) => builder
                .header(http::header::CONTENT_TYPE, "application/json")
                .body(json.clone()),
            Body::Multipart(form) => builder.multipart(form.take()?),
        };
        builder.build().ok()
    }

    async fn send_once(&self, request: reqwest::Request) -> Result<Answer, BluumError> {
        let response = self
            .inner
            .http
            .execute(request)
            .await
            .map_err(BluumError::transport)?;
        let status = response.status();
        let request_id = header_text(response.headers(), "x-request-id");
        let retry_after = header_text(response.headers(), "retry-after")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = response
            .bytes()
            .await
            .map_err(BluumError::transport)?
            .to_vec();
        if status.is_success() {
            Ok(Answer {
                status,
                request_id,
                body,
            })
        } else {
            Err(BluumError::from_response(
                status.as_u16(),
                request_id,
                retry_after,
                &body,
            ))
        }
    }
}

/// Exponential backoff with "equal jitter": half the step fixed, half random, so concurrent
/// retries spread out but never fire at once.
fn backoff(attempt: u32) -> Duration {
    let step = BACKOFF_BASE
        .saturating_mul(1 << attempt.saturating_sub(1).min(10))
        .min(MAX_RETRY_DELAY);
    let half = step / 2;
    let jitter_ms = rand::thread_rng().gen_range(0..=half.as_millis() as u64);
    half + Duration::from_millis(jitter_ms)
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .filter(|v| !v.is_empty())
}

/// Decodes a 2xx body, tolerating the older wrappers (see [`super::models::decode`]).
fn decode<T: DeserializeOwned>(answer: &Answer) -> Result<T, BluumError> {
    // An empty body reads as `null`, which fails with a clear decode error for a resource.
    let body: &[u8] = if answer.body.is_empty() {
        b"null"
    } else {
        &answer.body
    };
    super::models::decode(body).map_err(|err| {
        tracing::warn!(status = answer.status.as_u16(), error = %err, "bluum response did not decode");
        BluumError::decode(&err, answer.status.as_u16(), answer.request_id.clone())
    })
}

/// Appends a serializable query struct to `url`; `None` fields are left out.
fn with_query<Q: Serialize>(mut url: Url, query: &Q) -> Result<Url, BluumError> {
    let value = serde_json::to_value(query)
        .map_err(|e| BluumError::invalid_input(FORM_FIELD, format!("bad query: {e}")))?;
    let Value::Object(fields) = value else {
        return Ok(url);
    };
    if fields.values().all(Value::is_null) {
        return Ok(url);
    }
    {
        let mut pairs = url.query_pairs_mut();
        for (key, value) in fields {
            match value {
                Value::Null => {}
                Value::String(text) => {
                    pairs.append_pair(&key, &text);
                }
                other => {
                    pairs.append_pair(&key, &other.to_string());
                }
            }
        }
    }
    Ok(url)
}

/// Transfer amounts must be positive with at most 2 decimal places (`^\d+(\.\d{1,2})?$`).
/// `10.500` is sent as `10.50`'s equal `10.5`; `10.555` is refused before it reaches Bluum.
fn transfer_amount(amount: Decimal) -> Result<Decimal, BluumError> {
    let amount = if amount.scale() > 2 {
        amount.normalize()
    } else {
        amount
    };
    if amount <= Decimal::ZERO || amount.scale() > 2 {
        return Err(BluumError::invalid_input(
            "amount",
            "Enter a positive amount with at most 2 decimal places.",
        ));
    }
    Ok(amount)
}

fn check_symbol(symbol: &str) -> Result<(), BluumError> {
    // Starts with a letter or digit, so it can never be a `.`/`..` path segment.
    let ok = symbol
        .as_bytes()
        .first()
        .is_some_and(u8::is_ascii_alphanumeric)
        && symbol.len() <= 32
        && symbol
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    if ok {
        Ok(())
    } else {
        Err(BluumError::invalid_input("symbol", "Enter a valid symbol."))
    }
}

#[derive(Serialize)]
struct TypeQuery {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<FundingSourceType>,
}

#[derive(Serialize)]
struct MarketQuery<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    market: Option<&'a str>,
}

#[derive(Serialize)]
struct BatchQuery<'a> {
    symbols: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    market: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn client(base: &str) -> BluumClient {
        BluumClient::new(BluumClientConfig::new(
            base,
            "apk_test",
            SecretString::from("s3cret"),
        ))
        .unwrap()
    }

    #[test]
    fn urls_append_encoded_segments_to_the_base_path() {
        let c = client("https://sandbox.api.bluumfinance.com/v1/");
        assert_eq!(
            c.url(&["assets", "BRK.B", "bars"]).as_str(),
            "https://sandbox.api.bluumfinance.com/v1/assets/BRK.B/bars"
        );
        assert_eq!(
            c.url(&["assets", "a/b c"]).as_str(),
            "https://sandbox.api.bluumfinance.com/v1/assets/a%2Fb%20c"
        );
        let inv = InvestorId::parse("inv_01abc").unwrap();
        assert_eq!(
            c.investor_url(&inv, &["orders"]).path(),
            "/v1/investors/inv_01abc/orders"
        );
    }

    #[test]
    fn queries_skip_unset_fields() {
        let c = client("http://127.0.0.1:1/v1");
        let q = TransferQuery {
            status: Some(TransferStatus::Cancelled),
            limit: Some(20),
            ..Default::default()
        };
        let url = with_query(c.url(&["deposits"]), &q).unwrap();
        assert_eq!(url.query(), Some("limit=20&status=canceled"));
        let url = with_query(c.url(&["deposits"]), &TransferQuery::default()).unwrap();
        assert_eq!(url.query(), None);
    }

    #[test]
    fn rejects_bad_configuration() {
        let mut config =
            BluumClientConfig::new("not a url", "k", SecretString::from("s".to_owned()));
        assert!(matches!(
            BluumClient::new(config.clone()),
            Err(ClientBuildError::BaseUrl(_))
        ));
        config.base_url = "http://localhost/v1".into();
        config.requests_per_second = 0;
        assert!(matches!(
            BluumClient::new(config),
            Err(ClientBuildError::ZeroRate)
        ));
    }

    #[test]
    fn debug_does_not_show_the_secret() {
        let config =
            BluumClientConfig::new("http://x/v1", "apk_1", SecretString::from("topsecret"));
        assert!(!format!("{config:?}").contains("topsecret"));
        assert!(!format!("{:?}", BluumClient::new(config).unwrap()).contains("topsecret"));
    }

    #[test]
    fn transfer_amounts_have_at_most_two_decimals() {
        let d = |s| Decimal::from_str(s).unwrap();
        assert_eq!(transfer_amount(d("100.50")).unwrap().to_string(), "100.50");
        assert_eq!(transfer_amount(d("100.500")).unwrap().to_string(), "100.5");
        assert_eq!(transfer_amount(d("25")).unwrap().to_string(), "25");
        for bad in ["0", "-5", "10.555", "0.001"] {
            let err = transfer_amount(d(bad)).unwrap_err();
            assert!(
                matches!(&err, BluumError::Validation { param: Some(p), .. } if p == "amount"),
                "{bad}: {err:?}"
            );
        }
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        for attempt in 1..=20 {
            let d = backoff(attempt);
            let step = BACKOFF_BASE
                .saturating_mul(1 << (attempt - 1).min(10))
                .min(MAX_RETRY_DELAY);
            assert!(d >= step / 2 && d <= step, "attempt {attempt}: {d:?}");
        }
    }

    #[test]
    fn symbols_are_checked() {
        assert!(check_symbol("AAPL").is_ok());
        assert!(check_symbol("BRK.B").is_ok());
        assert!(check_symbol("").is_err());
        assert!(check_symbol("../x").is_err());
        assert!(check_symbol("..").is_err());
        assert!(check_symbol("A B").is_err());
    }
}
