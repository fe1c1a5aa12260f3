//! Investors and their KYC workflow (fact sheet §2.1, §2.2):
//! `POST /investors`, `GET /investors`, `GET /investors/{id}`, `GET /investors/{id}/compliance`,
//! `PUT /investors/{id}/trusted-contact`, `POST /investors/{id}/close`.
//!
//! Creation validates like Bluum does (missing field `BLUM-400-002`, bad date/phone/country
//! `BLUM-400-003`, bad enum `BLUM-400-004`, each with `param`; duplicate e-mail
//! `BLUM-409-001`), opens a USD wallet and starts a KYC workflow: the investor is
//! `onboarding` with four `pending` checks until `kyc_review` has passed, then `active`
//! with every check `clear`. The tax id is validated and then dropped: it is never stored
//! or echoed.
//!
//! **Simulator-only demo rule** (Bluum's sandbox rejection values are not public), chosen by
//! the investor's `last_name`:
//! - `Decline` → after review the investor is `declined` (screening `failed`), event
//!   `kyc.verification.rejected`.
//! - `Documents` → after review the investor is `awaiting_documents` (identity check
//!   `review_required`) until a document with purpose `KYC` is uploaded for them and
//!   accepted; then `active`.
//! - anything else → `active`, event `kyc.verification.approved`.

use std::collections::HashMap;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use super::api::{self, fail, respond, wire, ApiResult, Fields, Meta, Page};
use super::state::{Sim, World};
use super::store::Record;
use super::{ids, wallets};

const ACCOUNT_TYPES: &[&str] = &["individual", "joint", "corporate"];
const MANAGEMENT_TYPES: &[&str] = &["self_directed", "advised"];
const TAX_ID_TYPES: &[&str] = &[
    "SSN", "ITIN", "EIN", "SIN", "NINO", "TFN", "VAT", "TIN", "UTR", "PAN", "NIN", "KRA_PIN",
    "OTHER",
];
const WEALTH_SOURCES: &[&str] = &[
    "employment_income",
    "investments",
    "inheritance",
    "business_income",
    "savings",
    "family",
    "other",
];
const EMPLOYMENT: &[&str] = &["employed", "unemployed", "student", "retired"];
const VISA_TYPES: &[&str] = &[
    "E1", "E2", "E3", "F1", "H1B", "TN1", "O1", "J1", "L1", "DACA", "G4", "OTHER",
];
const AGREEMENTS: &[&str] = &[
    "investor_agreement",
    "margin_disclosure_acknowledged",
    "w8ben_certification",
];
/// The four checks of a KYC workflow, in the order Bluum lists them.
pub const CHECK_TYPES: &[&str] = &[
    "identity_verification",
    "tax_id_verification",
    "screening",
    "risk_assessment",
];

/// Which way the simulated review goes (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scenario {
    Approve,
    Decline,
    Documents,
}

impl Scenario {
    fn from_last_name(last_name: &str) -> Self {
        match last_name.trim() {
            "Decline" => Self::Decline,
            "Documents" => Self::Documents,
            _ => Self::Approve,
        }
    }
}

/// One compliance check of the workflow.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Check {
    pub id: Uuid,
    pub check_type: String,
    pub status: String,
    pub completed_at: Option<String>,
}

/// Simulator bookkeeping kept with the investor.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InvestorSim {
    pub scenario: Scenario,
    /// When the KYC review concludes (Unix ms); `None` once concluded.
    pub review_due_ms: Option<i64>,
    pub workflow_id: Uuid,
    pub workflow_created_at: String,
    pub workflow_updated_at: String,
    pub checks: Vec<Check>,
}

/// The investor resource. `profile` holds the validated personal fields as sent (minus
/// `tax_id`); [`view`] flattens it into the wire shape.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Investor {
    #[serde(flatten)]
    pub meta: Meta,
    pub status: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub account_number: Option<String>,
    pub profile: Map<String, Value>,
    #[serde(rename = "_sim")]
    pub sim: InvestorSim,
}

impl Record for Investor {
    const KIND: &'static str = "investor";
    fn id(&self) -> &str {
        &self.meta.id
    }
    fn investor_id(&self) -> Option<&str> {
        Some(&self.meta.id)
    }
}

impl Investor {
    pub fn is_active(&self) -> bool {
        self.status == "active"
    }
}

/// The investor as the API returns it, with wallet figures kept in step.
pub fn view(world: &World, investor: &Investor) -> Value {
    let mut value = wire(investor);
    if let Value::Object(map) = &mut value {
        if let Some(Value::Object(profile)) = map.remove("profile") {
            map.extend(profile);
        }
        let figures = wallets::figures(world, &investor.meta.id);
        map.insert("balance".into(), json!(figures.balance));
        map.insert("buying_power".into(), json!(figures.buying_power));
        map.insert("cash_withdrawable".into(), json!(figures.cash_withdrawable));
        map.insert("last_equity".into(), json!(figures.equity));
        map.insert(
            "compliance_checks".into(),
            Value::Array(
                investor
                    .sim
                    .checks
                    .iter()
                    .map(|check| {
                        json!({
                            "workflow_id": investor.sim.workflow_id,
                            "check_type": check.check_type,
                            "status": check.status,
                            "provider": "simulator",
                            "external_id": check.id,
                            "verification_url": null,
                            "verification_token": null,
                        })
                    })
                    .collect(),
            ),
        );
    }
    value
}

/// The `compliance_workflow` resource (§2.2).
fn compliance_view(investor: &Investor) -> Value {
    let (workflow_status, status) = match investor.status.as_str() {
        "active" => ("APPROVED", "approved"),
        "declined" => ("REJECTED", "declined"),
        "awaiting_documents" => ("PENDING_REVIEW", "awaiting_review"),
        _ => ("IN_PROGRESS", "running"),
    };
    let risk_level = match investor.status.as_str() {
        "active" => json!("low"),
        "declined" => json!("high"),
        _ => Value::Null,
    };
    json!({
        "object": "compliance_workflow",
        "livemode": false,
        "investor_id": investor.meta.id,
        "workflow_id": investor.sim.workflow_id,
        "workflow_status": workflow_status,
        "workflow_type": "kyc",
        "risk_level": risk_level,
        "status": status,
        "checks": investor.sim.checks.iter().map(|check| json!({
            "type": check.check_type,
            "status": check.status,
            "completed_at": check.completed_at,
        })).collect::<Vec<_>>(),
        "created_at": investor.sim.workflow_created_at,
        "updated_at": investor.sim.workflow_updated_at,
    })
}

/// Validates a create body; returns the profile to keep (never `tax_id`).
fn validate(body: &Map<String, Value>) -> ApiResult<Map<String, Value>> {
    let f = Fields::new(body);
    let mut profile = Map::new();
    let mut keep = |name: &str, value: Value| {
        profile.insert(name.to_owned(), value);
    };

    keep(
        "account_type",
        json!(f.enumeration("account_type", ACCOUNT_TYPES)?),
    );
    keep(
        "management_type",
        json!(f
            .opt_enumeration("management_type", MANAGEMENT_TYPES)?
            .unwrap_or("self_directed")),
    );
    keep(
        "tax_advantaged",
        json!(f.opt_bool("tax_advantaged")?.unwrap_or(false)),
    );
    keep("tax_designation", json!(f.opt_str("tax_designation")?));
    f.str("first_name")?;
    keep("middle_name", json!(f.opt_str("middle_name")?));
    f.str("last_name")?;
    let dob = f.str("date_of_birth")?;
    if !api::is_date(dob) {
        return Err(fail::format(
            "date_of_birth",
            "date_of_birth must be a date in YYYY-MM-DD form",
        ));
    }
    keep("date_of_birth", json!(dob));
    let email = f.str("email")?;
    if !api::is_email(email) {
        return Err(fail::format("email", "email is not a valid e-mail address"));
    }
    let phone = f.str("phone")?;
    if !api::is_e164(phone) {
        return Err(fail::format(
            "phone",
            "phone must be in E.164 form, e.g. +14155550123",
        ));
    }
    keep("phone", json!(phone));

    let country = |name: &str| -> ApiResult<&str> {
        let value = f.str(name)?;
        if api::is_country(value) {
            Ok(value)
        } else {
            Err(fail::format(
                name,
                format!("{name} must be an ISO 3166-1 alpha-2 code, e.g. US"),
            ))
        }
    };
    let tax_residence = country("country_of_tax_residence")?;
    keep("country_of_tax_residence", json!(tax_residence));
    keep(
        "country_of_citizenship",
        json!(country("country_of_citizenship")?),
    );
    keep("country_of_birth", json!(country("country_of_birth")?));

    let address = f.object("address")?;
    let a = Fields::nested(address, "address");
    let street = a.array("street")?;
    if !street
        .iter()
        .all(|line| line.as_str().is_some_and(|s| !s.trim().is_empty()))
    {
        return Err(fail::format(
            "address.street",
            "address.street must be an array of non-empty strings",
        ));
    }
    a.str("city")?;
    let address_country = a.str("country")?;
    if !api::is_country(address_country) {
        return Err(fail::format(
            "address.country",
            "address.country must be an ISO 3166-1 alpha-2 code",
        ));
    }
    if tax_residence == "US" {
        a.str("state")?;
        a.str("postal_code")?;
    }
    keep(
        "address",
        json!({
            "street": street,
            "unit": a.opt_str("unit")?,
            "city": a.str("city")?,
            "state": a.opt_str("state")?,
            "postal_code": a.opt_str("postal_code")?,
            "country": address_country,
        }),
    );

    f.str("tax_id")?; // required, validated for presence, deliberately not kept
    keep(
        "tax_id_type",
        json!(f.enumeration("tax_id_type", TAX_ID_TYPES)?),
    );
    if let Some(issuer) = f.opt_str("tax_id_country")? {
        if !api::is_country(issuer) {
            return Err(fail::format(
                "tax_id_country",
                "tax_id_country must be an ISO 3166-1 alpha-2 code",
            ));
        }
        keep("tax_id_country", json!(issuer));
    }

    let sources = f.array("funding_source")?;
    for source in sources {
        if !source.as_str().is_some_and(|s| WEALTH_SOURCES.contains(&s)) {
            return Err(fail::enumeration("funding_source", WEALTH_SOURCES));
        }
    }
    keep("funding_source", json!(sources));

    for name in ["annual_income", "liquid_net_worth"] {
        let range = f.object(name)?;
        keep(name, money_range(range, name)?);
    }
    if let Some(range) = f.opt_object("total_net_worth")? {
        keep("total_net_worth", money_range(range, "total_net_worth")?);
    }
    keep(
        "permanent_resident",
        json!(f.opt_bool("permanent_resident")?),
    );
    keep(
        "visa_type",
        json!(f.opt_enumeration("visa_type", VISA_TYPES)?),
    );
    if let Some(expiry) = f.opt_str("visa_expiration_date")? {
        if !api::is_date(expiry) {
            return Err(fail::format(
                "visa_expiration_date",
                "visa_expiration_date must be YYYY-MM-DD",
            ));
        }
        keep("visa_expiration_date", json!(expiry));
    }

    let control_person = f.bool("is_control_person")?;
    let finra = f.bool("is_affiliated_exchange_or_finra")?;
    keep("is_control_person", json!(control_person));
    keep("is_affiliated_exchange_or_finra", json!(finra));
    keep(
        "is_affiliated_exchange_or_iiroc",
        json!(f
            .opt_bool("is_affiliated_exchange_or_iiroc")?
            .unwrap_or(false)),
    );
    keep(
        "is_politically_exposed",
        json!(f.bool("is_politically_exposed")?),
    );
    keep(
        "immediate_family_exposed",
        json!(f.bool("immediate_family_exposed")?),
    );
    if control_person || finra {
        let company = f.object("affiliated_company")?;
        let c = Fields::nested(company, "affiliated_company");
        c.str("name")?;
        if control_person {
            c.str("ticker")?;
        }
        keep("affiliated_company", Value::Object(company.clone()));
    }

    let employment = f.enumeration("employment_status", EMPLOYMENT)?;
    keep("employment_status", json!(employment));
    // Bluum's docs list all three "when employed", but its own example app never sends
    // `employer_address` and the sandbox accepts that, so only name and position are required.
    for name in ["employer_name", "employer_address", "employment_position"] {
        let value = if employment == "employed" && name != "employer_address" {
            Some(f.str(name)?)
        } else {
            f.opt_str(name)?
        };
        keep(name, json!(value));
    }

    let agreements = f.array("signed_agreements")?;
    let mut kinds = Vec::new();
    for (i, agreement) in agreements.iter().enumerate() {
        let Value::Object(agreement) = agreement else {
            return Err(fail::format(
                "signed_agreements",
                "each signed agreement must be an object",
            ));
        };
        let prefix = format!("signed_agreements[{i}]");
        let g = Fields::nested(agreement, &prefix);
        let kind = g.enumeration("type", AGREEMENTS)?;
        let signed_at = g.str("signed_at")?;
        if !api::is_timestamp(signed_at) {
            return Err(fail::format(
                &g.param("signed_at"),
                "signed_at must be an ISO 8601 timestamp",
            ));
        }
        g.str("ip_address")?;
        if kinds.iter().any(|k| k == kind) {
            return Err(fail::validation(
                "signed_agreements",
                format!("{kind} is listed twice"),
            ));
        }
        kinds.push(kind.to_owned());
    }
    for required in ["investor_agreement", "margin_disclosure_acknowledged"] {
        if !kinds.iter().any(|k| k == required) {
            return Err(fail::validation(
                "signed_agreements",
                format!("signed_agreements must include {required}"),
            ));
        }
    }
    if tax_residence != "US" && !kinds.iter().any(|k| k == "w8ben_certification") {
        return Err(fail::validation(
            "signed_agreements",
            "signed_agreements must include w8ben_certification when the tax residence is not US",
        ));
    }
    keep("signed_agreements", json!(agreements));

    let trusted = match f.opt_object("trusted_contact")? {
        None => Value::Null,
        Some(contact) => {
            let t = Fields::nested(contact, "trusted_contact");
            for name in ["first_name", "last_name", "email"] {
                t.str(name)?;
            }
            if !api::is_e164(t.str("phone")?) {
                return Err(fail::format(
                    "trusted_contact.phone",
                    "trusted_contact.phone must be in E.164 form",
                ));
            }
            Value::Object(contact.clone())
        }
    };
    keep("trusted_contact", trusted);

    keep("currency", json!("USD"));
    keep("crypto_status", Value::Null);
    keep("trading_type", json!("cash"));
    keep("hyc_status", json!("not_registered"));
    keep("portfolios", json!([]));
    Ok(profile)
}

/// `{min, max}` decimal strings.
fn money_range(range: &Map<String, Value>, name: &str) -> ApiResult<Value> {
    let r = Fields::nested(range, name);
    let mut out = Map::new();
    for bound in ["min", "max"] {
        let raw = r.str(bound)?;
        if raw.parse::<rust_decimal::Decimal>().is_err() {
            return Err(fail::format(
                &r.param(bound),
                format!("{} must be a decimal string", r.param(bound)),
            ));
        }
        out.insert(bound.to_owned(), json!(raw));
    }
    Ok(Value::Object(out))
}

/// `POST /investors`
pub async fn create(State(sim): State<Sim>, body: Bytes) -> ApiResult<Response> {
    let body = api::json_object(&body)?;
    let new = NewInvestor::from_body(&body)?;
    let mut world = sim.lock().await;
    let id = insert(
        &mut world,
        new,
        OffsetDateTime::now_utc(),
        sim.options.kyc_review,
    )?;
    let view = view(&world, &world.investors[&id]);
    world.emit("account.created", view.clone());
    sim.commit(&mut world).await?;
    Ok(respond(StatusCode::CREATED, view))
}

/// A validated `POST /investors` body: what an investor is made from.
#[derive(Debug, Clone)]
pub(crate) struct NewInvestor {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub metadata: Map<String, Value>,
    /// The personal fields kept, as [`validate`] returns them.
    pub profile: Map<String, Value>,
}

impl NewInvestor {
    /// Validates a create body as Bluum does (see the module docs).
    pub(crate) fn from_body(body: &Map<String, Value>) -> ApiResult<Self> {
        let profile = validate(body)?;
        let f = Fields::new(body);
        Ok(Self {
            email: f.str("email")?.to_owned(),
            first_name: f.str("first_name")?.trim().to_owned(),
            last_name: f.str("last_name")?.trim().to_owned(),
            metadata: f.metadata()?,
            profile,
        })
    }
}

/// `409 BLUM-409-001` when an investor already has `email` (compared case-insensitively):
/// e-mails are unique.
pub(crate) fn email_free(world: &World, email: &str) -> ApiResult<()> {
    if world
        .investors
        .values()
        .any(|investor| investor.email.eq_ignore_ascii_case(email))
    {
        return Err(fail::duplicate(
            "email",
            "An investor with this email already exists",
        ));
    }
    Ok(())
}

/// Records a new investor created at `now`: `onboarding`, with four `pending` checks and its
/// KYC review due `kyc_review` later, and opens its USD wallet. An e-mail already in use is
/// `409 BLUM-409-001`. Returns the investor's id; emits nothing. Shared by `POST /investors`
/// and the demo seed.
pub(crate) fn insert(
    world: &mut World,
    new: NewInvestor,
    now: OffsetDateTime,
    kyc_review: Duration,
) -> ApiResult<String> {
    email_free(world, &new.email)?;
    let created = api::iso(now);
    let review_ms = i64::try_from(kyc_review.as_millis()).unwrap_or(i64::MAX);
    let investor = Investor {
        meta: Meta::new_at(ids::new_id_at("inv", now), "investor", new.metadata, now),
        status: "onboarding".into(),
        email: new.email,
        first_name: new.first_name,
        sim: InvestorSim {
            scenario: Scenario::from_last_name(&new.last_name),
            review_due_ms: Some(api::unix_ms(now).saturating_add(review_ms)),
            workflow_id: Uuid::new_v4(),
            workflow_created_at: created.clone(),
            workflow_updated_at: created,
            checks: CHECK_TYPES
                .iter()
                .map(|kind| Check {
                    id: Uuid::new_v4(),
                    check_type: (*kind).to_owned(),
                    status: "pending".into(),
                    completed_at: None,
                })
                .collect(),
        },
        last_name: new.last_name,
        account_number: None,
        profile: new.profile,
    };
    let id = investor.meta.id.clone();
    world.put(investor);
    wallets::open(world, &id, now);
    Ok(id)
}

/// `GET /investors`
pub async fn list(
    State(sim): State<Sim>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let page = Page::from_query(&query)?;
    let world = sim.lock().await;
    let items = world
        .investors
        .values()
        .rev()
        .filter(|i| query.get("status").is_none_or(|s| *s == i.status))
        .filter(|i| {
            query
                .get("email")
                .is_none_or(|e| e.eq_ignore_ascii_case(&i.email))
        })
        .map(|i| view(&world, i))
        .collect();
    Ok(respond(
        StatusCode::OK,
        api::list("/v1/investors", items, page),
    ))
}

/// `GET /investors/{investor_id}`
pub async fn get(State(sim): State<Sim>, Path(id): Path<String>) -> ApiResult<Response> {
    let world = sim.lock().await;
    let investor = world.investor(&id)?;
    Ok(respond(StatusCode::OK, view(&world, investor)))
}

/// `GET /investors/{investor_id}/compliance`
pub async fn compliance(State(sim): State<Sim>, Path(id): Path<String>) -> ApiResult<Response> {
    let world = sim.lock().await;
    let investor = world.investor(&id)?;
    Ok(respond(StatusCode::OK, compliance_view(investor)))
}

/// Background step: concludes the KYC reviews due at `now` (see the module docs for the rule).
pub fn advance(world: &mut World, now: OffsetDateTime) {
    let now_ms = api::unix_ms(now);
    let due: Vec<String> = world
        .investors
        .values()
        .filter(|i| i.sim.review_due_ms.is_some_and(|due| due <= now_ms))
        .map(|i| i.meta.id.clone())
        .collect();
    for id in due {
        conclude_review(world, &id, now);
    }
}

/// Concludes the KYC review of investor `id` at `now` the way its scenario says, and emits
/// the KYC and account events.
pub(crate) fn conclude_review(world: &mut World, id: &str, now: OffsetDateTime) {
    let Some(mut investor) = world.investors.get(id).cloned() else {
        return;
    };
    investor.sim.review_due_ms = None;
    let now = api::iso(now);
    match investor.sim.scenario {
        Scenario::Approve => approve(&mut investor, &now),
        Scenario::Decline => {
            investor.status = "declined".into();
            for check in &mut investor.sim.checks {
                check.status = if check.check_type == "screening" {
                    "failed"
                } else {
                    "clear"
                }
                .into();
                check.completed_at = Some(now.clone());
            }
        }
        Scenario::Documents => {
            investor.status = "awaiting_documents".into();
            for check in &mut investor.sim.checks {
                if check.check_type == "identity_verification" {
                    check.status = "review_required".into();
                } else {
                    check.status = "clear".into();
                    check.completed_at = Some(now.clone());
                }
            }
        }
    }
    investor.sim.workflow_updated_at = now;
    finish_transition(world, investor);
}

/// A KYC document was accepted for `investor_id` at `now`: an investor waiting on documents
/// is approved.
pub fn document_accepted(world: &mut World, investor_id: &str, now: OffsetDateTime) {
    let Some(mut investor) = world.investors.get(investor_id).cloned() else {
        return;
    };
    if investor.status != "awaiting_documents" {
        return;
    }
    let now = api::iso(now);
    approve(&mut investor, &now);
    investor.sim.workflow_updated_at = now;
    finish_transition(world, investor);
}

fn approve(investor: &mut Investor, now: &str) {
    investor.status = "active".into();
    // A 9-digit brokerage account number, stable for the investor.
    let digits = investor.sim.workflow_id.as_u128() % 1_000_000_000;
    investor.account_number = Some(format!("SIM{digits:09}"));
    for check in &mut investor.sim.checks {
        check.status = "clear".into();
        check.completed_at = Some(now.to_owned());
    }
}

/// Stores the investor and emits the KYC and account events for its new status.
fn finish_transition(world: &mut World, investor: Investor) {
    let status = investor.status.clone();
    let id = investor.meta.id.clone();
    world.put(investor);
    let view = view(world, &world.investors[&id]);
    let kyc = json!({
        "investor_id": id,
        "status": status,
        "workflow": compliance_view(&world.investors[&id]),
    });
    match status.as_str() {
        "active" => world.emit("kyc.verification.approved", kyc),
        "declined" => world.emit("kyc.verification.rejected", kyc),
        _ => world.emit("kyc.verification.documents_required", kyc),
    }
    world.emit("account.updated", view);
}

/// `PUT /investors/{investor_id}/trusted-contact` — all four fields required, phone E.164.
pub async fn trusted_contact(
    State(sim): State<Sim>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let body = api::json_object(&body)?;
    let f = Fields::new(&body);
    let first_name = f.str("first_name")?;
    let last_name = f.str("last_name")?;
    let email = f.str("email")?;
    if !api::is_email(email) {
        return Err(fail::format("email", "email is not a valid e-mail address"));
    }
    let phone = f.str("phone")?;
    if !api::is_e164(phone) {
        return Err(fail::format(
            "phone",
            "phone must be in E.164 form, e.g. +14155550123",
        ));
    }
    let contact =
        json!({ "first_name": first_name, "last_name": last_name, "email": email, "phone": phone });
    let mut world = sim.lock().await;
    let mut investor = world.investor(&id)?.clone();
    investor
        .profile
        .insert("trusted_contact".into(), contact.clone());
    world.put(investor);
    let view = view(&world, &world.investors[&id]);
    world.emit("account.updated", view);
    sim.commit(&mut world).await?;
    let mut body = contact;
    body["object"] = json!("trusted_contact");
    body["livemode"] = json!(false);
    body["investor_id"] = json!(id);
    Ok(respond(StatusCode::OK, body))
}

/// `POST /investors/{investor_id}/close` — `{reason?}`. Refused with `409 BLUM-409-003` while
/// the investor holds positions, has working orders or money in the wallet.
pub async fn close(
    State(sim): State<Sim>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let body = api::json_object(&body)?;
    let reason = Fields::new(&body).opt_str("reason")?.map(str::to_owned);
    let mut world = sim.lock().await;
    let mut investor = world.investor(&id)?.clone();
    if investor.status == "closed" {
        return Err(fail::state("The investor is already closed"));
    }
    let holds_shares = world
        .of_investor::<super::trading::Position>(&id)
        .any(|book| book.book.by_symbol.values().any(|p| !p.quantity.is_zero()));
    if holds_shares {
        return Err(fail::state(
            "Close all positions before closing the account",
        ));
    }
    if world
        .of_investor::<super::trading::Order>(&id)
        .any(|o| !o.order.status.is_terminal())
    {
        return Err(fail::state(
            "Cancel working orders before closing the account",
        ));
    }
    if !wallets::figures(&world, &id).balance.is_zero() {
        return Err(fail::state(
            "Withdraw the wallet balance before closing the account",
        ));
    }
    investor.status = "closed".into();
    investor.sim.review_due_ms = None;
    investor
        .profile
        .insert("closure_reason".into(), json!(reason));
    world.put(investor);
    let view = view(&world, &world.investors[&id]);
    world.emit("account.updated", view.clone());
    sim.commit(&mut world).await?;
    Ok(respond(StatusCode::OK, view))
}
