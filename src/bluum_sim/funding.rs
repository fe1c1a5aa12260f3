//! Funding sources, the investor's bank accounts (fact sheet §2.5, §3):
//! `POST /investors/{id}/funding-sources/plaid/link-token`,
//! `POST /investors/{id}/funding-sources/connect` (`type` `plaid` or `manual`),
//! `GET /investors/{id}/funding-sources?type=`, `GET /investors/{id}/funding-sources/{fs}`,
//! `DELETE /investors/{id}/funding-sources/{fs}`.
//!
//! There is no Plaid here: any `public-sandbox-…` token "links" Plaid's sandbox institution,
//! First Platypus Bank, with its two accounts (Plaid Checking `0000`, Plaid Saving `1111`).
//! A public token can be exchanged once; a second connect with it is `400`, as with Plaid.
//! A token ending in account masks (`public-sandbox-…-1111`) links only those accounts, as if
//! they were the ones chosen in Link.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use super::api::{self, fail, respond, wire, ApiResult, Fields, Meta, Page};
use super::ids;
use super::state::{Sim, World};
use super::store::Record;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FundingSource {
    #[serde(flatten)]
    pub meta: Meta,
    #[serde(rename = "type")]
    pub kind: String,
    pub status: String,
    pub bank_name: String,
    pub mask: String,
    pub provider_id: Option<String>,
    pub account_name: Option<String>,
    pub account_type: Option<String>,
    pub account_subtype: Option<String>,
    pub account_holder_name: Option<String>,
    pub account_number: Option<String>,
    pub routing_number: Option<String>,
    pub swift_code: Option<String>,
    pub iban: Option<String>,
    pub bank_code: Option<String>,
    pub beneficiary_address: Option<String>,
    pub currency: String,
    pub country: String,
    pub updated_at: String,
    #[serde(rename = "_sim")]
    pub sim: FundingSim,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FundingSim {
    pub investor_id: String,
}

impl Record for FundingSource {
    const KIND: &'static str = "funding_source";
    fn id(&self) -> &str {
        &self.meta.id
    }
    fn investor_id(&self) -> Option<&str> {
        Some(&self.sim.investor_id)
    }
}

/// A Plaid public token that has been exchanged (kept so reuse is refused after a restart).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UsedToken {
    pub token: String,
    pub investor_id: String,
}

impl Record for UsedToken {
    const KIND: &'static str = "plaid_public_token";
    fn id(&self) -> &str {
        &self.token
    }
    fn investor_id(&self) -> Option<&str> {
        Some(&self.investor_id)
    }
}

/// Bank accounts shown as `****1234`: the full number is never echoed.
fn masked(number: &str) -> String {
    let tail: String = number
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("****{tail}")
}

fn last4(number: &str) -> String {
    masked(number).trim_start_matches('*').to_owned()
}

/// `POST /investors/{investor_id}/funding-sources/plaid/link-token`
pub async fn link_token(
    State(sim): State<Sim>,
    Path(investor_id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let body = api::json_object(&body)?;
    let hosted = Fields::new(&body)
        .opt_bool("enable_hosted_link")?
        .unwrap_or(false);
    let world = sim.lock().await;
    world.investor(&investor_id)?;
    let token = format!("link-sandbox-{}", uuid::Uuid::new_v4());
    let hosted_link_url =
        hosted.then(|| format!("https://hosted.plaid.com/link/{}", uuid::Uuid::new_v4()));
    Ok(respond(
        StatusCode::OK,
        json!({ "link_token": token, "hosted_link_url": hosted_link_url }),
    ))
}

/// `POST /investors/{investor_id}/funding-sources/connect`
pub async fn connect(
    State(sim): State<Sim>,
    Path(investor_id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let body = api::json_object(&body)?;
    let f = Fields::new(&body);
    let kind = f.enumeration("type", &["plaid", "manual"])?;
    let metadata = f.metadata()?;
    let mut world = sim.lock().await;
    world.investor(&investor_id)?;
    let now = OffsetDateTime::now_utc();

    if kind == "plaid" {
        let token = f.str("public_token")?;
        let created: Vec<_> = link_plaid(&mut world, &investor_id, token, metadata, now)?
            .iter()
            .map(wire)
            .collect();
        sim.commit(&mut world).await?;
        let url = format!("/v1/investors/{investor_id}/funding-sources");
        let count = created.len();
        return Ok(respond(
            StatusCode::OK,
            api::list(
                &url,
                created,
                Page {
                    limit: count,
                    offset: 0,
                },
            ),
        ));
    }

    let bank_name = f.str("bank_name")?;
    let holder = f.str("account_holder_name")?;
    let number = f.str("account_number")?;
    if number.chars().count() < 4 || !number.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(fail::format(
            "account_number",
            "account_number must be at least 4 letters or digits",
        ));
    }
    let subtype = f.opt_enumeration("bank_account_type", &["CHECKING", "SAVINGS"])?;
    let routing = f.opt_str("routing_number")?;
    if let Some(routing) = routing {
        if routing.len() != 9 || !routing.bytes().all(|b| b.is_ascii_digit()) {
            return Err(fail::format(
                "routing_number",
                "routing_number must be a 9-digit ABA number",
            ));
        }
    }
    let country = f.opt_str("country")?.unwrap_or("US");
    if !api::is_country(country) {
        return Err(fail::format(
            "country",
            "country must be an ISO 3166-1 alpha-2 code",
        ));
    }
    let currency = f.opt_str("currency")?.unwrap_or("USD");
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(fail::format(
            "currency",
            "currency must be an ISO 4217 code",
        ));
    }
    let source = FundingSource {
        meta: Meta::new_at(ids::new_id_at("fs", now), "funding_source", metadata, now),
        kind: "manual".into(),
        status: "active".into(),
        bank_name: bank_name.to_owned(),
        mask: last4(number),
        provider_id: None,
        account_name: Some(format!("{bank_name} {}", last4(number))),
        account_type: Some("depository".into()),
        account_subtype: subtype.map(str::to_lowercase),
        account_holder_name: Some(holder.to_owned()),
        account_number: Some(masked(number)),
        routing_number: routing.map(str::to_owned),
        swift_code: f.opt_str("swift_code")?.map(str::to_owned),
        iban: f.opt_str("iban")?.map(str::to_owned),
        bank_code: f.opt_str("bank_code")?.map(str::to_owned),
        beneficiary_address: f.opt_str("beneficiary_address")?.map(str::to_owned),
        currency: currency.to_uppercase(),
        country: country.to_owned(),
        updated_at: api::iso(now),
        sim: FundingSim {
            investor_id: investor_id.clone(),
        },
    };
    let body = wire(&source);
    world.put(source);
    sim.commit(&mut world).await?;
    Ok(respond(StatusCode::CREATED, body))
}

/// Exchanges a Plaid sandbox public token at `now` (see the module docs): records the token
/// as used and links the accounts it stands for, as active `plaid` funding sources of the
/// investor. Returns them (stored). Shared by `POST …/funding-sources/connect` and the demo
/// seed.
pub(crate) fn link_plaid(
    world: &mut World,
    investor_id: &str,
    token: &str,
    metadata: Map<String, Value>,
    now: OffsetDateTime,
) -> ApiResult<Vec<FundingSource>> {
    if !token.starts_with("public-sandbox-") {
        return Err(fail::format(
            "public_token",
            "public_token must be a Plaid sandbox public token (public-sandbox-...)",
        ));
    }
    if world.used_tokens.contains_key(token) {
        return Err(fail::validation(
            "public_token",
            "This public_token has already been exchanged; public tokens are single-use",
        ));
    }
    world.put(UsedToken {
        token: token.to_owned(),
        investor_id: investor_id.to_owned(),
    });
    let item_id = format!("item-sandbox-{}", uuid::Uuid::new_v4());
    let accounts = [
        ("Plaid Checking", "checking", "0000"),
        ("Plaid Saving", "savings", "1111"),
    ];
    // Simulator-only: a token ending in account masks (`public-sandbox-…-0000`), as the
    // app's simulated Link makes them, links only the accounts chosen in Link.
    let chosen: Vec<&str> = token
        .rsplit('-')
        .take_while(|part| accounts.iter().any(|(_, _, mask)| mask == part))
        .collect();
    let mut created = Vec::new();
    for (name, subtype, mask) in accounts {
        if !chosen.is_empty() && !chosen.contains(&mask) {
            continue;
        }
        let source = FundingSource {
            meta: Meta::new_at(
                ids::new_id_at("fs", now),
                "funding_source",
                metadata.clone(),
                now,
            ),
            kind: "plaid".into(),
            status: "active".into(),
            bank_name: "First Platypus Bank".into(),
            mask: mask.into(),
            provider_id: Some(item_id.clone()),
            account_name: Some(name.into()),
            account_type: Some("depository".into()),
            account_subtype: Some(subtype.into()),
            account_holder_name: None,
            account_number: Some(format!("****{mask}")),
            routing_number: Some("011401533".into()),
            swift_code: None,
            iban: None,
            bank_code: None,
            beneficiary_address: None,
            currency: "USD".into(),
            country: "US".into(),
            updated_at: api::iso(now),
            sim: FundingSim {
                investor_id: investor_id.to_owned(),
            },
        };
        created.push(source.clone());
        world.put(source);
    }
    Ok(created)
}

/// `GET /investors/{investor_id}/funding-sources?type=plaid|manual|all`
pub async fn list(
    State(sim): State<Sim>,
    Path(investor_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let page = Page::from_query(&query)?;
    let kind = query.get("type").map_or("all", String::as_str);
    if !["plaid", "manual", "all"].contains(&kind) {
        return Err(fail::enumeration("type", &["plaid", "manual", "all"]));
    }
    let world = sim.lock().await;
    world.investor(&investor_id)?;
    let items = world
        .of_investor::<FundingSource>(&investor_id)
        .filter(|s| kind == "all" || s.kind == kind)
        .map(wire)
        .collect();
    let url = format!("/v1/investors/{investor_id}/funding-sources");
    Ok(respond(StatusCode::OK, api::list(&url, items, page)))
}

/// `GET /investors/{investor_id}/funding-sources/{funding_source_id}`
pub async fn get(
    State(sim): State<Sim>,
    Path((investor_id, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let world = sim.lock().await;
    world.investor(&investor_id)?;
    let source = world.owned::<FundingSource>(&investor_id, &id, "Funding source")?;
    Ok(respond(StatusCode::OK, wire(source)))
}

/// `DELETE /investors/{investor_id}/funding-sources/{funding_source_id}`: a soft disconnect;
/// the source stays listed with `status: disconnected`.
pub async fn disconnect(
    State(sim): State<Sim>,
    Path((investor_id, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let mut world = sim.lock().await;
    world.investor(&investor_id)?;
    let mut source = world
        .owned::<FundingSource>(&investor_id, &id, "Funding source")?
        .clone();
    source.status = "disconnected".into();
    source.updated_at = api::now_iso();
    let body = wire(&source);
    world.put(source);
    sim.commit(&mut world).await?;
    Ok(respond(StatusCode::OK, body))
}

/// The investor's active funding source `id`, for transfers; `param` names the field.
pub fn active_source<'a>(
    world: &'a super::state::World,
    investor_id: &str,
    id: &str,
) -> ApiResult<&'a FundingSource> {
    let source = world
        .owned::<FundingSource>(investor_id, id, "Funding source")
        .map_err(|_| {
            fail::validation(
                "funding_source_id",
                "No such funding source for this investor",
            )
        })?;
    if source.status != "active" {
        return Err(fail::validation(
            "funding_source_id",
            "The funding source is not active",
        ));
    }
    Ok(source)
}
