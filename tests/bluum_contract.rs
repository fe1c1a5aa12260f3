//! Contract tests: the typed Bluum client (`src/bluum/`) against the sandbox simulator
//! (`src/bluum_sim/`) over real HTTP, one fresh database per test.
//!
//! Every client method is driven through the simulator, including each documented error
//! case, so a drift between the two (a renamed field, a different status code or error
//! code) fails here even when both sides pass their own tests.

use std::collections::BTreeMap;
use std::time::Duration;

use bluum_invest::bluum::client::{BluumClient, BluumClientConfig};
use bluum_invest::bluum::error::{BluumError, ConflictKind};
use bluum_invest::bluum::ids::{DepositId, FundingSourceId, IdempotencyKey, InvestorId};
use bluum_invest::bluum::models::*;
use bluum_invest::bluum_sim::{self, SimHandle, SimOptions};
use bluum_invest::error::AppError;
use bluum_invest::server::idempotency::{self, MoneyCall, MoneyRequest};
use rust_decimal::Decimal;
use secrecy::{ExposeSecret, SecretString};
use sqlx::PgPool;
use time::macros::date;

// ---- harness ------------------------------------------------------------------------------

/// Short timings so reviews, transfers and retries finish in well under a second.
fn fast_options() -> SimOptions {
    SimOptions {
        api_key: "apk_contract".into(),
        api_secret: SecretString::from("sk_contract_secret"),
        requests_per_second: 10_000,
        kyc_review: Duration::from_millis(200),
        transfer_step: Duration::from_millis(100),
        webhook_retry_base: Duration::from_millis(50),
        webhook_timeout: Duration::from_secs(2),
        ..SimOptions::default()
    }
}

struct Contract {
    sim: SimHandle,
    client: BluumClient,
}

async fn start_with(pool: PgPool, options: SimOptions) -> Contract {
    let sim = bluum_sim::start(pool, options)
        .await
        .expect("simulator starts");
    let mut config = BluumClientConfig::new(
        sim.base_url.clone(),
        sim.api_key.clone(),
        sim.api_secret.clone(),
    );
    config.requests_per_second = 1_000;
    let client = BluumClient::new(config).expect("client builds");
    Contract { sim, client }
}

async fn start(pool: PgPool) -> Contract {
    start_with(pool, fast_options()).await
}

fn dec(value: &str) -> Decimal {
    value.parse().expect("test decimal")
}

fn key() -> IdempotencyKey {
    IdempotencyKey::generate()
}

/// Polls `probe` every 50 ms until it returns `Some`, failing with `what` after 10 s.
async fn eventually<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    for _ in 0..200 {
        if let Some(value) = probe().await {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out after 10 s waiting for {what}");
}

fn investor_request(email: &str, last_name: &str) -> CreateInvestorRequest {
    CreateInvestorRequest {
        account_type: AccountType::Individual,
        management_type: None,
        tax_advantaged: None,
        first_name: "Ada".into(),
        middle_name: None,
        last_name: last_name.into(),
        date_of_birth: date!(1990 - 12 - 10),
        email: email.into(),
        phone: "+14155550123".into(),
        address: Address {
            street: vec!["1 Main St".into()],
            unit: None,
            city: "San Francisco".into(),
            state: Some("CA".into()),
            postal_code: Some("94105".into()),
            country: "US".into(),
        },
        tax_id: Sensitive::new("444-55-4321"),
        tax_id_type: TaxIdType::Ssn,
        tax_id_country: None,
        country_of_citizenship: "US".into(),
        country_of_birth: "US".into(),
        country_of_tax_residence: "US".into(),
        funding_source: vec![WealthSource::EmploymentIncome],
        annual_income: MoneyRange {
            min: Some(dec("75000")),
            max: Some(dec("99999")),
        },
        liquid_net_worth: MoneyRange {
            min: Some(dec("10000")),
            max: Some(dec("49999")),
        },
        total_net_worth: None,
        permanent_resident: None,
        visa_type: None,
        visa_expiration_date: None,
        is_control_person: false,
        is_affiliated_exchange_or_finra: false,
        is_politically_exposed: false,
        immediate_family_exposed: false,
        employment_status: EmploymentStatus::Employed,
        employer_name: Some("Analytical Engines Ltd".into()),
        employer_address: Some("2 Market St, San Francisco, CA".into()),
        employment_position: Some("Engineer".into()),
        affiliated_company: None,
        signed_agreements: vec![
            SignedAgreement {
                kind: AgreementType::InvestorAgreement,
                signed_at: Some(time::OffsetDateTime::now_utc()),
                ip_address: Some("203.0.113.7".into()),
            },
            SignedAgreement {
                kind: AgreementType::MarginDisclosureAcknowledged,
                signed_at: Some(time::OffsetDateTime::now_utc()),
                ip_address: Some("203.0.113.7".into()),
            },
        ],
        trusted_contact: None,
        metadata: BTreeMap::from([("app_user".to_owned(), "u_1".to_owned())]),
    }
}

impl Contract {
    async fn investor_reaching(&self, id: &InvestorId, status: InvestorStatus) -> Investor {
        eventually(&format!("investor {id} to become {status:?}"), || async {
            let investor = self.client.get_investor(id).await.expect("get investor");
            (investor.status == status).then_some(investor)
        })
        .await
    }

    async fn active_investor(&self, email: &str) -> InvestorId {
        let investor = self
            .client
            .create_investor(&investor_request(email, "Lovelace"), None)
            .await
            .expect("create investor");
        self.investor_reaching(&investor.id, InvestorStatus::Active)
            .await;
        investor.id
    }

    async fn plaid_source(&self, investor: &InvestorId) -> FundingSourceId {
        let token = format!("public-sandbox-{}", uuid::Uuid::new_v4());
        let sources = self
            .client
            .connect_plaid(investor, Sensitive::new(token))
            .await
            .expect("connect plaid");
        sources.data[0].id.clone()
    }

    async fn wallet(&self, investor: &InvestorId) -> Wallet {
        let wallets = self.client.list_wallets(investor).await.expect("wallets");
        wallets
            .data
            .into_iter()
            .find(|w| w.currency == "USD")
            .expect("a USD wallet")
    }

    async fn deposit_reaching(
        &self,
        investor: &InvestorId,
        deposit: &DepositId,
        status: TransferStatus,
    ) -> Deposit {
        eventually(
            &format!("deposit {deposit} to become {status:?}"),
            || async {
                let found = self
                    .client
                    .get_deposit(investor, deposit)
                    .await
                    .expect("get deposit");
                (found.status == status).then_some(found)
            },
        )
        .await
    }

    /// Deposits `amount` by ACH and waits until it completed.
    async fn funded(&self, investor: &InvestorId, amount: &str) -> FundingSourceId {
        let source = self.plaid_source(investor).await;
        let deposit = self
            .client
            .create_deposit(investor, &ach_deposit(amount, &source), &key())
            .await
            .expect("create deposit");
        self.deposit_reaching(investor, &deposit.id, TransferStatus::Completed)
            .await;
        source
    }
}

fn ach_deposit(amount: &str, source: &FundingSourceId) -> CreateDepositRequest {
    CreateDepositRequest {
        amount: dec(amount),
        currency: Some("USD".into()),
        method: TransferMethod::Ach,
        funding_source_id: Some(source.clone()),
        description: None,
        metadata: BTreeMap::new(),
    }
}

fn ach_withdrawal(amount: &str, source: &FundingSourceId) -> CreateWithdrawalRequest {
    CreateWithdrawalRequest {
        amount: dec(amount),
        method: TransferMethod::Ach,
        currency: Some("USD".into()),
        funding_source_id: source.clone(),
        description: Some("rent".into()),
    }
}

fn param_of(err: &BluumError) -> Option<&str> {
    match err {
        BluumError::Validation { param, .. } => param.as_deref(),
        _ => None,
    }
}

// ---- investors ----------------------------------------------------------------------------

#[sqlx::test]
async fn investor_is_created_onboarding_then_active_with_compliance(pool: PgPool) {
    let c = start(pool).await;
    let created = c
        .client
        .create_investor(
            &investor_request("ada@example.com", "Lovelace"),
            Some(&key()),
        )
        .await
        .expect("create investor");
    assert!(created.id.as_str().starts_with("inv_"), "{}", created.id);
    assert_eq!(created.status, InvestorStatus::Onboarding);
    assert_eq!(created.meta.object.as_deref(), Some("investor"));
    assert!(!created.meta.livemode);
    assert_eq!(created.email.as_deref(), Some("ada@example.com"));
    assert_eq!(created.date_of_birth, Some(date!(1990 - 12 - 10)));
    assert_eq!(
        created
            .meta
            .metadata
            .get("app_user")
            .and_then(|v| v.as_str()),
        Some("u_1")
    );

    let pending = c
        .client
        .get_compliance(&created.id)
        .await
        .expect("compliance");
    assert_eq!(pending.investor_id, created.id);
    assert_eq!(pending.object.as_deref(), Some("compliance_workflow"));
    assert_eq!(pending.status, ComplianceStatus::Running);
    assert_eq!(pending.checks.len(), 4);
    assert!(pending
        .checks
        .iter()
        .all(|check| check.status == ComplianceCheckStatus::Pending));

    let active = c
        .investor_reaching(&created.id, InvestorStatus::Active)
        .await;
    assert!(active.account_number.is_some());
    let approved = c
        .client
        .get_compliance(&created.id)
        .await
        .expect("compliance");
    assert_eq!(approved.status, ComplianceStatus::Approved);
    assert_eq!(approved.workflow_status, Some(WorkflowStatus::Approved));
    assert!(approved
        .checks
        .iter()
        .all(|check| check.status == ComplianceCheckStatus::Clear && check.completed_at.is_some()));
}

#[sqlx::test]
async fn investor_errors_map_to_typed_errors(pool: PgPool) {
    let c = start(pool).await;

    // A US tax resident without a state: a missing field, named by `param`.
    let mut missing = investor_request("nostate@example.com", "Lovelace");
    missing.address.state = None;
    let err = c.client.create_investor(&missing, None).await.unwrap_err();
    assert!(matches!(err, BluumError::Validation { .. }), "{err:?}");
    assert_eq!(param_of(&err), Some("address.state"), "{err:?}");
    assert_eq!(err.code(), Some("BLUM-400-002"), "{err:?}");

    c.client
        .create_investor(&investor_request("dup@example.com", "Lovelace"), None)
        .await
        .expect("first create");
    let err = c
        .client
        .create_investor(&investor_request("dup@example.com", "Lovelace"), None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            BluumError::Conflict {
                kind: ConflictKind::Duplicate,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.code(), Some("BLUM-409-001"));

    let unknown = InvestorId::parse("inv_0000000000000000000000000a").expect("id");
    let err = c.client.get_investor(&unknown).await.unwrap_err();
    assert!(matches!(err, BluumError::NotFound { .. }), "{err:?}");
}

#[sqlx::test]
async fn wrong_credentials_are_unauthorized(pool: PgPool) {
    let c = start(pool).await;
    let config = BluumClientConfig::new(
        c.sim.base_url.clone(),
        c.sim.api_key.clone(),
        SecretString::from(format!("{}-wrong", c.sim.api_secret.expose_secret())),
    );
    let client = BluumClient::new(config).expect("client");
    let err = client
        .search_assets(&AssetSearchQuery::default())
        .await
        .unwrap_err();
    assert!(matches!(err, BluumError::Unauthorized { .. }), "{err:?}");
    assert_eq!(err.code(), Some("BLUM-401-003"));
}

#[sqlx::test]
async fn the_decline_rule_declines_the_investor(pool: PgPool) {
    let c = start(pool).await;
    let created = c
        .client
        .create_investor(&investor_request("no@example.com", "Decline"), None)
        .await
        .expect("create");
    c.investor_reaching(&created.id, InvestorStatus::Declined)
        .await;
    let compliance = c
        .client
        .get_compliance(&created.id)
        .await
        .expect("compliance");
    assert_eq!(compliance.status, ComplianceStatus::Declined);
    assert_eq!(compliance.workflow_status, Some(WorkflowStatus::Rejected));
    assert!(compliance
        .checks
        .iter()
        .any(|check| check.status == ComplianceCheckStatus::Failed));
}

// ---- documents ----------------------------------------------------------------------------

#[sqlx::test]
async fn documents_upload_and_list(pool: PgPool) {
    let c = start(pool).await;
    let investor = c.active_investor("doc@example.com").await;
    let pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".to_vec();
    let size = pdf.len() as u64;
    let uploaded = c
        .client
        .upload_document(UploadDocumentRequest {
            investor_id: Some(investor.clone()),
            document_type: "id_verification".into(),
            purpose: Some(DocumentPurpose::Kyc),
            file_name: "passport.pdf".into(),
            mime_type: "application/pdf".into(),
            bytes: pdf,
        })
        .await
        .expect("upload");
    assert!(uploaded.document_id.as_str().starts_with("doc_"));
    assert_eq!(uploaded.object.as_deref(), Some("document"));
    assert_eq!(uploaded.file_name.as_deref(), Some("passport.pdf"));
    assert_eq!(uploaded.file_size, Some(size));
    assert_eq!(uploaded.purpose, Some(DocumentPurpose::Kyc));
    assert_eq!(uploaded.owner_type, Some(DocumentOwnerType::Investor));

    let listed = c
        .client
        .list_documents(&DocumentQuery {
            investor_id: Some(investor.clone()),
            ..DocumentQuery::default()
        })
        .await
        .expect("list");
    assert_eq!(listed.data.len(), 1);
    assert_eq!(listed.data[0].document_id, uploaded.document_id);
    assert!(!listed.has_more);

    // The client refuses an oversized file before sending it (Bluum's limit is 10 MB).
    let err = c
        .client
        .upload_document(UploadDocumentRequest {
            investor_id: Some(investor),
            document_type: "id_verification".into(),
            purpose: Some(DocumentPurpose::Kyc),
            file_name: "huge.pdf".into(),
            mime_type: "application/pdf".into(),
            bytes: vec![b'%'; 10 * 1024 * 1024 + 1],
        })
        .await
        .unwrap_err();
    assert!(matches!(err, BluumError::Validation { .. }), "{err:?}");
    assert_eq!(param_of(&err), Some("document"));
}

// ---- funding sources, wallets, transactions -----------------------------------------------

#[sqlx::test]
async fn funding_sources_link_connect_list_get_disconnect(pool: PgPool) {
    let c = start(pool).await;
    let investor = c.active_investor("fs@example.com").await;

    let link = c
        .client
        .create_plaid_link_token(&investor, &LinkTokenRequest::default())
        .await
        .expect("link token");
    assert!(
        link.link_token.starts_with("link-sandbox-"),
        "{}",
        link.link_token
    );

    let token = format!("public-sandbox-{}", uuid::Uuid::new_v4());
    let plaid = c
        .client
        .connect_plaid(&investor, Sensitive::new(token.clone()))
        .await
        .expect("connect plaid");
    assert!(!plaid.data.is_empty());
    for source in &plaid.data {
        assert!(source.id.as_str().starts_with("fs_"), "{}", source.id);
        assert_eq!(source.kind, Some(FundingSourceType::Plaid));
        assert_eq!(source.status, FundingSourceStatus::Active);
        assert_eq!(source.mask.as_ref().map(String::len), Some(4));
    }
    let err = c
        .client
        .connect_plaid(&investor, Sensitive::new(token))
        .await
        .unwrap_err();
    assert!(matches!(err, BluumError::Validation { .. }), "{err:?}");
    assert_eq!(param_of(&err), Some("public_token"));

    let manual_request = ManualFundingSourceRequest {
        bank_name: "Choice Financial Group".into(),
        account_holder_name: "Ada Lovelace".into(),
        account_number: Sensitive::new("000123456789"),
        bank_account_type: Some(BankAccountType::Checking),
        routing_number: Some("091311229".into()),
        currency: Some("USD".into()),
        country: Some("US".into()),
        ..ManualFundingSourceRequest::default()
    };
    let manual = c
        .client
        .connect_manual(&investor, manual_request.clone())
        .await
        .expect("manual connect");
    assert!(manual.id.as_str().starts_with("fs_"));
    assert_eq!(manual.meta.object.as_deref(), Some("funding_source"));
    assert_eq!(manual.kind, Some(FundingSourceType::Manual));
    assert_eq!(manual.mask.as_deref(), Some("6789"));
    assert_eq!(manual.bank_name.as_deref(), Some("Choice Financial Group"));

    // A routing number that is not 9 digits is rejected by the simulator.
    let err = c
        .client
        .connect_manual(
            &investor,
            ManualFundingSourceRequest {
                routing_number: Some("12345".into()),
                ..manual_request.clone()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, BluumError::Validation { .. }), "{err:?}");
    assert_eq!(param_of(&err), Some("routing_number"));
    // A too-short account number is refused by the client before any request.
    let err = c
        .client
        .connect_manual(
            &investor,
            ManualFundingSourceRequest {
                account_number: Sensitive::new("12"),
                ..manual_request
            },
        )
        .await
        .unwrap_err();
    assert_eq!(param_of(&err), Some("account_number"));

    let all = c
        .client
        .list_funding_sources(&investor, None)
        .await
        .expect("list");
    assert_eq!(all.data.len(), plaid.data.len() + 1);
    let manual_only = c
        .client
        .list_funding_sources(&investor, Some(FundingSourceType::Manual))
        .await
        .expect("list manual");
    assert_eq!(manual_only.data.len(), 1);
    assert_eq!(manual_only.data[0].id, manual.id);

    let fetched = c
        .client
        .get_funding_source(&investor, &plaid.data[0].id)
        .await
        .expect("get");
    assert_eq!(fetched.id, plaid.data[0].id);

    c.client
        .disconnect_funding_source(&investor, &manual.id, FundingSourceType::Manual)
        .await
        .expect("disconnect");
    let after = c
        .client
        .get_funding_source(&investor, &manual.id)
        .await
        .expect("get after disconnect");
    assert_eq!(after.status, FundingSourceStatus::Disconnected);
}

// ---- deposits -----------------------------------------------------------------------------

#[sqlx::test]
async fn deposits_are_idempotent_complete_credit_and_cancel(pool: PgPool) {
    let c = start(pool).await;
    let investor = c.active_investor("dep@example.com").await;
    let source = c.plaid_source(&investor).await;

    let idem = key();
    let request = ach_deposit("250.50", &source);
    let first = c
        .client
        .create_deposit(&investor, &request, &idem)
        .await
        .expect("deposit");
    assert!(first.id.as_str().starts_with("dep_"), "{}", first.id);
    assert_eq!(first.amount, dec("250.50"));
    assert_eq!(first.meta.object.as_deref(), Some("deposit"));
    assert!(first.meta.created.is_some());
    assert_eq!(first.investor_id.as_ref(), Some(&investor));
    assert_eq!(first.method, TransferMethod::Ach);
    assert_eq!(first.funding_source_id.as_ref(), Some(&source));

    let replay = c
        .client
        .create_deposit(&investor, &request, &idem)
        .await
        .expect("replay");
    assert_eq!(replay.id, first.id);

    let err = c
        .client
        .create_deposit(&investor, &ach_deposit("999.00", &source), &idem)
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

    let completed = c
        .deposit_reaching(&investor, &first.id, TransferStatus::Completed)
        .await;
    assert!(completed.completed_at.is_some());
    let wallet = c.wallet(&investor).await;
    assert!(wallet.id.as_str().starts_with("wlt_"));
    assert_eq!(wallet.meta.object.as_deref(), Some("wallet"));
    assert_eq!(wallet.balance, dec("250.50"));
    assert_eq!(wallet.available_balance, Some(dec("250.50")));

    let listed = c
        .client
        .list_deposits(&investor, &TransferQuery::default())
        .await
        .expect("list");
    assert_eq!(
        listed.data.len(),
        1,
        "same key must not create a second deposit"
    );
    assert_eq!(listed.data[0].id, first.id);

    let txns = c
        .client
        .list_transactions(&investor, &TransactionQuery::default())
        .await
        .expect("transactions");
    let deposit_txn = txns
        .data
        .iter()
        .find(|t| t.kind == TransactionType::Deposit)
        .expect("a deposit transaction");
    assert!(deposit_txn.id.as_str().starts_with("txn_"));
    assert_eq!(deposit_txn.meta.object.as_deref(), Some("transaction"));
    assert_eq!(deposit_txn.status, TransactionStatus::Completed);
    assert_eq!(deposit_txn.amount, dec("250.50"));

    // Cancelling a completed deposit is a state conflict.
    let err = c
        .client
        .cancel_deposit(&investor, &first.id)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            BluumError::Conflict {
                kind: ConflictKind::State,
                ..
            }
        ),
        "{err:?}"
    );

    // A manual bank transfer stays pending, so it can be cancelled.
    let manual = c
        .client
        .create_deposit(
            &investor,
            &CreateDepositRequest {
                amount: dec("40"),
                currency: Some("USD".into()),
                method: TransferMethod::ManualBankTransfer,
                funding_source_id: None,
                description: None,
                metadata: BTreeMap::new(),
            },
            &key(),
        )
        .await
        .expect("manual deposit");
    assert_eq!(manual.status, TransferStatus::Pending);
    let reference = manual
        .method_details
        .as_ref()
        .and_then(|d| d.reference_code.as_deref())
        .expect("a reference code");
    assert!(!reference.is_empty());
    let cancelled = c
        .client
        .cancel_deposit(&investor, &manual.id)
        .await
        .expect("cancel");
    assert_eq!(cancelled.status, TransferStatus::Cancelled);
    let fetched = c
        .client
        .get_deposit(&investor, &manual.id)
        .await
        .expect("get");
    assert_eq!(fetched.status, TransferStatus::Cancelled);
    assert_eq!(c.wallet(&investor).await.balance, dec("250.50"));
}

// ---- withdrawals --------------------------------------------------------------------------

#[sqlx::test]
async fn withdrawals_hold_cancel_complete_and_debit(pool: PgPool) {
    // Slower transfer steps leave a window to cancel a pending withdrawal.
    let c = start_with(
        pool,
        SimOptions {
            transfer_step: Duration::from_millis(1_500),
            ..fast_options()
        },
    )
    .await;
    let investor = c.active_investor("wd@example.com").await;
    let source = c.funded(&investor, "500.00").await;

    let err = c
        .client
        .create_withdrawal(&investor, &ach_withdrawal("500.01", &source), &key())
        .await
        .unwrap_err();
    assert!(
        matches!(err, BluumError::InsufficientFunds { .. }),
        "{err:?}"
    );

    let err = c
        .client
        .create_withdrawal(&investor, &ach_withdrawal("250000.01", &source), &key())
        .await
        .unwrap_err();
    assert!(
        matches!(err, BluumError::InsufficientFunds { .. }),
        "{err:?}"
    );
    assert_eq!(err.code(), Some("BLUM-422-005"), "{err:?}");

    let held = c
        .client
        .create_withdrawal(&investor, &ach_withdrawal("120.25", &source), &key())
        .await
        .expect("withdrawal");
    assert!(held.id.as_str().starts_with("wd_"), "{}", held.id);
    assert_eq!(held.status, TransferStatus::Pending);
    assert_eq!(held.amount, dec("120.25"));
    assert_eq!(held.meta.object.as_deref(), Some("withdrawal"));
    assert_eq!(held.funding_source_id.as_deref(), Some(source.as_str()));
    let wallet = c.wallet(&investor).await;
    assert_eq!(wallet.balance, dec("500.00"));
    assert_eq!(wallet.reserved_balance, Some(dec("120.25")));
    assert_eq!(wallet.available_balance, Some(dec("379.75")));

    let cancelled = c
        .client
        .cancel_withdrawal(&investor, &held.id)
        .await
        .expect("cancel");
    assert_eq!(cancelled.status, TransferStatus::Cancelled);
    let wallet = c.wallet(&investor).await;
    assert_eq!(wallet.reserved_balance, Some(Decimal::ZERO));
    assert_eq!(wallet.available_balance, Some(dec("500.00")));

    let paid = c
        .client
        .create_withdrawal(&investor, &ach_withdrawal("200.00", &source), &key())
        .await
        .expect("withdrawal");
    let listed = c
        .client
        .list_withdrawals(&investor, &TransferQuery::default())
        .await
        .expect("list");
    assert_eq!(listed.data.len(), 2);
    let done = eventually("withdrawal to complete", || async {
        let w = c
            .client
            .get_withdrawal(&investor, &paid.id)
            .await
            .expect("get withdrawal");
        (w.status == TransferStatus::Completed).then_some(w)
    })
    .await;
    assert!(done.completed_at.is_some());
    let wallet = c.wallet(&investor).await;
    assert_eq!(wallet.balance, dec("300.00"));
    assert_eq!(wallet.reserved_balance, Some(Decimal::ZERO));

    let err = c
        .client
        .cancel_withdrawal(&investor, &paid.id)
        .await
        .unwrap_err();
    assert!(matches!(err, BluumError::Conflict { .. }), "{err:?}");
}

// ---- orders and positions -----------------------------------------------------------------

#[sqlx::test]
async fn market_orders_fill_and_build_positions(pool: PgPool) {
    let c = start(pool).await;
    let investor = c.active_investor("trade@example.com").await;
    c.funded(&investor, "10000.00").await;

    let estimate = c
        .client
        .estimate_order(
            &investor,
            &OrderEstimateRequest {
                symbol: "AAPL".into(),
                side: OrderSide::Buy,
                order_type: OrderType::Market,
                quantity: Some(dec("2")),
                notional: None,
                limit_price: None,
                market: None,
            },
        )
        .await
        .expect("estimate");
    assert_eq!(estimate.symbol, "AAPL");
    assert_eq!(estimate.object.as_deref(), Some("order_estimate"));
    assert_eq!(estimate.estimated_quantity, Some(dec("2")));
    let price = estimate.estimated_price.expect("estimated price");
    assert!(price > Decimal::ZERO);
    assert!(estimate.errors.is_empty(), "{:?}", estimate.errors);

    let first = c
        .client
        .create_order(
            &investor,
            &CreateOrderRequest::market("AAPL", OrderSide::Buy, dec("2")),
            &key(),
        )
        .await
        .expect("buy by quantity");
    assert!(first.id.as_str().starts_with("ord_"), "{}", first.id);
    assert_eq!(first.status, OrderStatus::Filled);
    assert_eq!(first.meta.object.as_deref(), Some("order"));
    assert_eq!(first.investor_id.as_ref(), Some(&investor));
    assert_eq!(first.filled_quantity, Some(dec("2")));
    let first_price = first.average_price.expect("fill price");

    let second = c
        .client
        .create_order(
            &investor,
            &CreateOrderRequest::market("AAPL", OrderSide::Buy, dec("1")),
            &key(),
        )
        .await
        .expect("second buy");
    assert_eq!(second.status, OrderStatus::Filled);
    let second_price = second.average_price.expect("fill price");

    let by_notional = c
        .client
        .create_order(
            &investor,
            &CreateOrderRequest {
                quantity: None,
                notional: Some(dec("100.00")),
                ..CreateOrderRequest::market("MSFT", OrderSide::Buy, Decimal::ZERO)
            },
            &key(),
        )
        .await
        .expect("buy by notional");
    assert_eq!(by_notional.status, OrderStatus::Filled);
    let msft_qty = by_notional.filled_quantity.expect("filled quantity");
    assert!(msft_qty > Decimal::ZERO);
    let msft_value = msft_qty * by_notional.average_price.expect("price");
    assert!(
        (msft_value - dec("100.00")).abs() <= dec("0.01"),
        "notional fill worth {msft_value}"
    );

    let positions = c
        .client
        .list_positions(&investor, &PositionQuery::default())
        .await
        .expect("positions");
    let apple = positions
        .data
        .iter()
        .find(|p| p.symbol == "AAPL")
        .expect("an AAPL position");
    assert!(apple.id.as_str().starts_with("pos_"), "{}", apple.id);
    assert_eq!(apple.meta.object.as_deref(), Some("position"));
    assert_eq!(apple.quantity, dec("3"));
    let cost = first_price * dec("2") + second_price;
    assert_eq!(
        apple.total_cost_basis.map(|v| v.round_dp(2)),
        Some(cost.round_dp(2))
    );
    let average = apple.average_cost_basis.expect("average cost");
    assert!(
        (average - cost / dec("3")).abs() <= dec("0.0001"),
        "average {average}, expected {}",
        cost / dec("3")
    );
    let fetched = c
        .client
        .get_position(&investor, &apple.id)
        .await
        .expect("get position");
    assert_eq!(fetched.quantity, dec("3"));

    // Three buys: the wallet paid for all of them, to the cent.
    let wallet = c.wallet(&investor).await;
    let spent = (cost + msft_value).round_dp(2);
    assert!(
        (dec("10000.00") - wallet.balance - spent).abs() <= dec("0.02"),
        "balance {} after spending {spent}",
        wallet.balance
    );

    let sell = c
        .client
        .create_order(
            &investor,
            &CreateOrderRequest::market("AAPL", OrderSide::Sell, dec("1")),
            &key(),
        )
        .await
        .expect("sell");
    assert_eq!(sell.status, OrderStatus::Filled);
    let err = c
        .client
        .create_order(
            &investor,
            &CreateOrderRequest::market("AAPL", OrderSide::Sell, dec("5")),
            &key(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, BluumError::PositionInsufficient { .. }),
        "{err:?}"
    );

    let orders = c
        .client
        .list_orders(&investor, &OrderQuery::default())
        .await
        .expect("orders");
    assert_eq!(orders.data.len(), 4);
    let got = c
        .client
        .get_order(&investor, &first.id)
        .await
        .expect("get order");
    assert_eq!(got.id, first.id);
    assert_eq!(got.average_price, Some(first_price));

    let buys = c
        .client
        .list_transactions(
            &investor,
            &TransactionQuery {
                kind: Some(TransactionType::Buy),
                ..TransactionQuery::default()
            },
        )
        .await
        .expect("buy transactions");
    assert_eq!(buys.data.len(), 3);
}

#[sqlx::test]
async fn limit_orders_rest_and_cancel_and_funds_are_checked(pool: PgPool) {
    let c = start(pool).await;
    let investor = c.active_investor("limit@example.com").await;
    c.funded(&investor, "1000.00").await;

    let resting = c
        .client
        .create_order(
            &investor,
            &CreateOrderRequest::limit(
                "AAPL",
                OrderSide::Buy,
                dec("2"),
                dec("1.00"),
                TimeInForce::Gtc,
            ),
            &key(),
        )
        .await
        .expect("limit order");
    assert_eq!(resting.status, OrderStatus::Open);
    assert_eq!(resting.limit_price, Some(dec("1.00")));
    assert_eq!(
        c.wallet(&investor).await.reserved_balance,
        Some(dec("2.00"))
    );

    let open = c
        .client
        .list_orders(
            &investor,
            &OrderQuery {
                status: Some(OrderStatus::Open),
                ..OrderQuery::default()
            },
        )
        .await
        .expect("open orders");
    assert_eq!(open.data.len(), 1);

    let cancelled = c
        .client
        .cancel_order(&investor, &resting.id)
        .await
        .expect("cancel");
    assert_eq!(cancelled.status, OrderStatus::Cancelled);
    assert_eq!(
        c.wallet(&investor).await.reserved_balance,
        Some(Decimal::ZERO)
    );
    let err = c
        .client
        .cancel_order(&investor, &resting.id)
        .await
        .unwrap_err();
    assert!(matches!(err, BluumError::Conflict { .. }), "{err:?}");

    let err = c
        .client
        .create_order(
            &investor,
            &CreateOrderRequest::market("AAPL", OrderSide::Buy, dec("100")),
            &key(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, BluumError::InsufficientFunds { .. }),
        "{err:?}"
    );
    assert_eq!(err.code(), Some("BLUM-422-001"), "{err:?}");

    let err = c
        .client
        .create_order(
            &investor,
            &CreateOrderRequest::market("NOPEX", OrderSide::Buy, dec("1")),
            &key(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, BluumError::NotFound { .. }), "{err:?}");
    assert_eq!(err.code(), Some("BLUM-404-003"), "{err:?}");
}

// ---- assets and market data ---------------------------------------------------------------

#[sqlx::test]
async fn assets_search_get_batch_bars_and_quote(pool: PgPool) {
    let c = start(pool).await;
    let found = c
        .client
        .search_assets(&AssetSearchQuery {
            q: Some("apple".into()),
            ..AssetSearchQuery::default()
        })
        .await
        .expect("search");
    assert!(
        found.data.iter().any(|a| a.symbol == "AAPL"),
        "{:?}",
        found.data
    );

    let apple = c.client.get_asset("AAPL", None).await.expect("get asset");
    assert_eq!(apple.symbol, "AAPL");
    assert_eq!(apple.name.as_deref(), Some("Apple Inc."));
    assert!(apple.tradable);
    assert_eq!(apple.currency.as_deref(), Some("USD"));

    let batch = c
        .client
        .get_assets_batch(&["AAPL", "MSFT"], None)
        .await
        .expect("batch");
    let mut symbols: Vec<_> = batch.data.iter().map(|a| a.symbol.as_str()).collect();
    symbols.sort_unstable();
    assert_eq!(symbols, ["AAPL", "MSFT"]);

    let bars = c
        .client
        .get_bars(
            "AAPL",
            &BarsQuery {
                timeframe: Timeframe::OneDay,
                market: None,
                start: None,
                end: None,
                limit: Some(5),
                adjustment: None,
            },
        )
        .await
        .expect("bars");
    assert_eq!(bars.symbol, "AAPL");
    assert_eq!(bars.object.as_deref(), Some("bars"));
    assert_eq!(bars.bars.len(), 5);
    assert!(bars
        .bars
        .iter()
        .all(|b| b.low <= b.open && b.low <= b.close && b.high >= b.open && b.high >= b.close));

    let quote = c.client.get_quote("AAPL", None).await.expect("quote");
    assert_eq!(quote.symbol, "AAPL");
    assert_eq!(quote.object.as_deref(), Some("quote"));
    assert!(quote.price > Decimal::ZERO);
    if let (Some(bid), Some(ask)) = (quote.bid_price, quote.ask_price) {
        assert!(bid <= ask);
    }

    let err = c.client.get_asset("NOPEX", None).await.unwrap_err();
    assert!(matches!(err, BluumError::NotFound { .. }), "{err:?}");
    assert_eq!(err.code(), Some("BLUM-404-003"));
    let err = c.client.get_quote("NOPEX", None).await.unwrap_err();
    assert!(matches!(err, BluumError::NotFound { .. }), "{err:?}");
}

// ---- webhooks -----------------------------------------------------------------------------

#[sqlx::test]
async fn webhooks_register_and_list(pool: PgPool) {
    let c = start(pool).await;
    let created = c
        .client
        .register_webhook(&CreateWebhookRequest {
            name: "orders".into(),
            url: "http://127.0.0.1:9/hooks/bluum".into(),
            event_type_names: vec!["order.*".into(), "transfer.deposit.completed".into()],
            description: Some("contract test".into()),
        })
        .await
        .expect("register");
    assert!(created.id.starts_with("wh_"), "{}", created.id);
    assert_eq!(created.object.as_deref(), Some("webhook"));
    assert_eq!(created.url, "http://127.0.0.1:9/hooks/bluum");
    assert_eq!(
        created.event_type_names,
        ["order.*", "transfer.deposit.completed"]
    );
    assert_eq!(created.status, Some(WebhookStatus::Active));

    let listed = c.client.list_webhooks().await.expect("list");
    assert_eq!(listed.data.len(), 1);
    assert_eq!(listed.data[0].id, created.id);
}

// ---- rate limit ---------------------------------------------------------------------------

#[sqlx::test]
async fn client_retries_429_against_the_real_simulator(pool: PgPool) {
    let sim = bluum_sim::start(
        pool,
        SimOptions {
            requests_per_second: 2,
            ..fast_options()
        },
    )
    .await
    .expect("simulator starts");
    // First prove the limit bites: a raw burst of five gets at least one 429 + Retry-After.
    let raw = reqwest::Client::new();
    let mut limited = 0;
    for _ in 0..5 {
        let reply = raw
            .get(format!("{}/assets/AAPL", sim.base_url))
            .basic_auth(&sim.api_key, Some(sim.api_secret.expose_secret()))
            .send()
            .await
            .expect("raw request");
        if reply.status() == reqwest::StatusCode::TOO_MANY_REQUESTS {
            assert!(reply.headers().contains_key("retry-after"));
            limited += 1;
        }
    }
    assert!(limited > 0, "the simulator never answered 429 at 2 req/s");
    // Let the bucket refill so the client's burst starts from a known state.
    tokio::time::sleep(Duration::from_secs(1)).await;

    let mut config = BluumClientConfig::new(
        sim.base_url.clone(),
        sim.api_key.clone(),
        sim.api_secret.clone(),
    );
    // The client allows far more than the simulator does, so the simulator answers 429 and
    // only Retry-After handling gets the requests through.
    config.requests_per_second = 20;
    config.max_retries = 8;
    let client = BluumClient::new(config).expect("client");
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let client = client.clone();
        tasks.spawn(async move { client.get_asset("AAPL", None).await });
    }
    let mut ok = 0;
    while let Some(joined) = tasks.join_next().await {
        let asset = joined.expect("task").expect("every request gets through");
        assert_eq!(asset.symbol, "AAPL");
        ok += 1;
    }
    assert_eq!(ok, 8);
}

// ---- the app's own idempotency layer (src/server/idempotency.rs) ----------------------------

/// user, idempotency key, upstream id, result, ip
type AuditRow = (
    Option<uuid::Uuid>,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
);

async fn insert_user(pool: &PgPool, email: &str) -> uuid::Uuid {
    let id = uuid::Uuid::now_v7();
    sqlx::query("INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, 'Test', 'x')")
        .bind(id)
        .bind(email)
        .execute(pool)
        .await
        .expect("user");
    id
}

/// Runs a deposit of `amount` for `user` on `investor` through `run_once` with form key `key`.
async fn deposit_once(
    pool: &PgPool,
    c: &Contract,
    user: uuid::Uuid,
    investor: &InvestorId,
    key: &str,
    request: &CreateDepositRequest,
) -> Result<Deposit, AppError> {
    let call = MoneyCall::Deposit {
        investor: investor.clone(),
        body: request.clone(),
    };
    idempotency::run_once(
        pool,
        MoneyRequest {
            user_id: user,
            key,
            call: &call,
            ip: Some("203.0.113.9"),
        },
        |upstream| async move { c.client.create_deposit(investor, request, &upstream).await },
    )
    .await
}

#[sqlx::test]
async fn money_moves_once_per_form_key_and_user(pool: PgPool) {
    let c = start(pool.clone()).await;
    let alice = insert_user(&pool, "alice@example.com").await;
    let bob = insert_user(&pool, "bob@example.com").await;
    let alice_inv = c.active_investor("alice-inv@example.com").await;
    let bob_inv = c.active_investor("bob-inv@example.com").await;
    let source = c.plaid_source(&alice_inv).await;
    let request = ach_deposit("40.00", &source);

    // A retry of the same form gets the stored answer.
    let first = deposit_once(&pool, &c, alice, &alice_inv, "form-1", &request)
        .await
        .expect("deposit");
    let again = deposit_once(&pool, &c, alice, &alice_inv, "form-1", &request)
        .await
        .expect("retry");
    assert_eq!(again, first);

    // A double click: two submits at once, one deposit, the same answer twice.
    let (one, two) = tokio::join!(
        deposit_once(&pool, &c, alice, &alice_inv, "form-2", &request),
        deposit_once(&pool, &c, alice, &alice_inv, "form-2", &request),
    );
    let (one, two) = (one.expect("first click"), two.expect("second click"));
    assert_eq!(one.id, two.id);
    assert_ne!(one.id, first.id);

    // The same form key with other details is refused, and moves nothing.
    let err = deposit_once(
        &pool,
        &c,
        alice,
        &alice_inv,
        "form-1",
        &ach_deposit("41.00", &source),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)), "{err:?}");

    let deposits = c
        .client
        .list_deposits(&alice_inv, &TransferQuery::default())
        .await
        .expect("list");
    assert_eq!(deposits.data.len(), 2, "two forms, two deposits");

    // Another user choosing the same form key gets a request of their own.
    let bob_source = c.plaid_source(&bob_inv).await;
    let bob_deposit = deposit_once(
        &pool,
        &c,
        bob,
        &bob_inv,
        "form-1",
        &ach_deposit("40.00", &bob_source),
    )
    .await
    .expect("bob's deposit");
    assert_ne!(bob_deposit.id, first.id);
    assert_eq!(bob_deposit.investor_id.as_ref(), Some(&bob_inv));

    // One audit record per request that reached Bluum, with the form key and Bluum's id.
    let rows: Vec<AuditRow> = sqlx::query_as(
        "SELECT user_id, idempotency_key, upstream_id, result, ip FROM audit_log
             WHERE action = 'deposit' ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let expected = [
        (alice, "form-1", first.id.as_str()),
        (alice, "form-2", one.id.as_str()),
        (bob, "form-1", bob_deposit.id.as_str()),
    ];
    assert_eq!(rows.len(), expected.len(), "{rows:?}");
    for (row, (user, key, upstream)) in rows.iter().zip(expected) {
        assert_eq!(row.0, Some(user));
        assert_eq!(row.1.as_deref(), Some(key));
        assert_eq!(row.2.as_deref(), Some(upstream));
        assert_eq!(row.3, "pending", "a deposit in flight");
        assert_eq!(row.4.as_deref(), Some("203.0.113.9"));
    }
}

#[sqlx::test]
async fn a_refused_request_frees_its_form_key(pool: PgPool) {
    let c = start(pool.clone()).await;
    let alice = insert_user(&pool, "alice@example.com").await;
    let investor = c.active_investor("alice-inv@example.com").await;
    let source = c.plaid_source(&investor).await;
    let request = ach_withdrawal("30.00", &source);
    let call = MoneyCall::Withdrawal {
        investor: investor.clone(),
        body: request.clone(),
    };
    let withdraw = || {
        idempotency::run_once(
            &pool,
            MoneyRequest {
                user_id: alice,
                key: "form-w",
                call: &call,
                ip: None,
            },
            |upstream| {
                let (client, investor, request) = (&c.client, &investor, &request);
                async move { client.create_withdrawal(investor, request, &upstream).await }
            },
        )
    };

    // Nothing to withdraw yet: Bluum refuses, and the refusal is audited.
    let err = withdraw().await.unwrap_err();
    assert!(matches!(err, AppError::InsufficientFunds(_)), "{err:?}");
    let failures: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'withdrawal' AND result = 'failure'
         AND idempotency_key = 'form-w'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(failures, 1);

    // Once there is money, the same form goes through: a fresh attempt, not Bluum's stored
    // refusal.
    c.funded(&investor, "100.00").await;
    let withdrawal = withdraw().await.expect("withdrawal after funding");
    assert_eq!(withdrawal.amount, dec("30.00"));
    let replay = withdraw().await.expect("retry");
    assert_eq!(replay.id, withdrawal.id);
    let withdrawals = c
        .client
        .list_withdrawals(&investor, &TransferQuery::default())
        .await
        .expect("list");
    assert_eq!(withdrawals.data.len(), 1);

    // A malformed key never reaches Bluum.
    let err = idempotency::run_once(
        &pool,
        MoneyRequest {
            user_id: alice,
            key: "",
            call: &call,
            ip: None,
        },
        |upstream| {
            let (client, investor, request) = (&c.client, &investor, &request);
            async move { client.create_withdrawal(investor, request, &upstream).await }
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, AppError::Validation { field, .. } if field == "idempotency_key"),
        "{err:?}"
    );
}
