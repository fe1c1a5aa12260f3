//! Documents, the flat Gen C resource (fact sheet §2.3):
//! `POST /documents` (multipart), `GET /documents`, `GET /documents/{document_id}`,
//! `DELETE /documents/{document_id}`.
//!
//! The upload's file part may be named `document` or `file`; PDF, JPEG and PNG are accepted
//! (recognised by their first bytes, not by the name), up to 10 MB (`400 BLUM-400-008`
//! beyond). The file itself is not kept, only its description. A document is `uploaded`,
//! then `accepted` once the simulated review (`kyc_review`) has passed; an accepted `KYC`
//! document unblocks an investor in `awaiting_documents` (see [`super::investors`]).
//! Lists use a `starting_after` cursor and answer `{data, has_more}`, as Bluum's do here.

use std::collections::HashMap;

use axum::extract::Path;
use axum::extract::{Multipart, Query, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use super::api::{self, fail, respond, wire, ApiResult};
use super::state::{Sim, World};
use super::store::Record;
use super::{ids, investors};

/// Largest accepted file.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

const PURPOSES: &[&str] = &[
    "KYC",
    "KYB",
    "EDD",
    "TAX",
    "FUNDING_VERIFICATION",
    "AGREEMENT",
    "ACCOUNT_STATEMENT",
    "TRADE_CONFIRMATION",
    "OTHER",
];

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DocumentSim {
    pub investor_id: Option<String>,
    pub review_due_ms: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Document {
    pub document_id: String,
    pub object: String,
    pub livemode: bool,
    pub owner_type: String,
    pub owner_id: Option<String>,
    pub purpose: String,
    pub document_type: String,
    pub file_name: String,
    pub mime_type: String,
    pub file_size: u64,
    pub status: String,
    pub expires_at: Option<String>,
    pub uploaded_at: String,
    pub metadata: Map<String, Value>,
    #[serde(rename = "_sim", default)]
    pub sim: DocumentSim,
}

impl Record for Document {
    const KIND: &'static str = "document";
    fn id(&self) -> &str {
        &self.document_id
    }
    fn investor_id(&self) -> Option<&str> {
        self.sim.investor_id.as_deref()
    }
}

/// The MIME type of a PDF, JPEG or PNG file, from its first bytes.
fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else {
        None
    }
}

struct Upload {
    file_name: String,
    bytes_len: usize,
    mime_type: &'static str,
}

/// `POST /documents`
pub async fn upload(State(sim): State<Sim>, mut multipart: Multipart) -> ApiResult<Response> {
    let mut file: Option<Upload> = None;
    let mut fields: HashMap<String, String> = HashMap::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(fail::too_large("document"))
            }
            Err(err) => {
                return Err(fail::malformed_body(format!(
                    "Malformed multipart body: {err}"
                )))
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "document" || name == "file" {
            let file_name = field.file_name().unwrap_or("upload").to_owned();
            let bytes = match field.bytes().await {
                Ok(bytes) => bytes,
                Err(err) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return Err(fail::too_large("document"))
                }
                Err(err) => {
                    return Err(fail::malformed_body(format!(
                        "Malformed multipart body: {err}"
                    )))
                }
            };
            if bytes.len() > MAX_FILE_BYTES {
                return Err(fail::too_large("document"));
            }
            let mime_type = sniff(&bytes).ok_or_else(|| {
                fail::format("document", "Only PDF, JPEG and PNG files are accepted")
            })?;
            file = Some(Upload {
                file_name,
                bytes_len: bytes.len(),
                mime_type,
            });
        } else {
            let text = field
                .text()
                .await
                .map_err(|err| fail::malformed_body(format!("Malformed multipart body: {err}")))?;
            fields.insert(name, text);
        }
    }
    let file = file.ok_or_else(|| fail::missing("document"))?;
    let document_type = fields
        .get("document_type")
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| fail::missing("document_type"))?
        .trim()
        .to_owned();
    let purpose = match fields.get("purpose").map(|p| p.trim().to_uppercase()) {
        None => "OTHER".to_owned(),
        Some(p) if PURPOSES.contains(&p.as_str()) => p,
        Some(_) => return Err(fail::enumeration("purpose", PURPOSES)),
    };
    let metadata = match fields.get("metadata") {
        None => Map::new(),
        Some(raw) => match serde_json::from_str::<Value>(raw) {
            Ok(Value::Object(map)) => map,
            _ => return Err(fail::format("metadata", "metadata must be a JSON object")),
        },
    };
    if let Some(expires) = fields.get("expires_at") {
        if !api::is_timestamp(expires) && !api::is_date(expires) {
            return Err(fail::format(
                "expires_at",
                "expires_at must be an ISO 8601 date or timestamp",
            ));
        }
    }
    let investor_id = fields
        .get("investor_id")
        .or_else(|| fields.get("account_id"))
        .cloned();
    if investor_id.is_some() && fields.contains_key("user_id") {
        return Err(fail::validation(
            "investor_id",
            "Give investor_id or user_id, not both",
        ));
    }

    let mut world = sim.lock().await;
    let (owner_type, owner_id) = match (&investor_id, fields.get("user_id")) {
        (Some(id), _) => {
            world
                .investor(id)
                .map_err(|_| fail::validation("investor_id", "No such investor"))?;
            ("investor", ids::uuid_of("inv", id).map(|u| u.to_string()))
        }
        (None, Some(user)) => ("user", Some(user.clone())),
        (None, None) => ("tenant", None),
    };
    let document = Document {
        document_id: ids::new_id("doc"),
        object: "document".into(),
        livemode: false,
        owner_type: owner_type.into(),
        owner_id,
        purpose: purpose.to_lowercase(),
        document_type,
        file_name: file.file_name,
        mime_type: file.mime_type.into(),
        file_size: file.bytes_len as u64,
        status: "uploaded".into(),
        expires_at: fields.get("expires_at").cloned(),
        uploaded_at: api::now_iso(),
        metadata,
        sim: DocumentSim {
            investor_id,
            review_due_ms: Some(api::now_ms() + sim.options.kyc_review.as_millis() as i64),
        },
    };
    let body = wire(&document);
    world.put(document);
    sim.commit(&mut world).await?;
    Ok(respond(StatusCode::CREATED, body))
}

/// `GET /documents` — filters `investor_id`, `user_id`, `purpose`, `status`,
/// `document_type`; cursor `starting_after` + `limit` (1–200, default 50); newest first.
pub async fn list(
    State(sim): State<Sim>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let limit = match query.get("limit") {
        None => api::DEFAULT_LIMIT,
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if (1..=api::MAX_LIMIT).contains(&n) => n,
            _ => return Err(fail::format("limit", "limit must be 1..200")),
        },
    };
    let world = sim.lock().await;
    let matching: Vec<&Document> = world
        .documents
        .values()
        .rev()
        .filter(|d| {
            query
                .get("investor_id")
                .is_none_or(|i| d.sim.investor_id.as_ref() == Some(i))
        })
        .filter(|d| {
            query
                .get("user_id")
                .is_none_or(|u| d.owner_type == "user" && d.owner_id.as_ref() == Some(u))
        })
        .filter(|d| {
            query
                .get("purpose")
                .is_none_or(|p| p.eq_ignore_ascii_case(&d.purpose))
        })
        .filter(|d| {
            query
                .get("status")
                .is_none_or(|s| s.eq_ignore_ascii_case(&d.status))
        })
        .filter(|d| {
            query
                .get("document_type")
                .is_none_or(|t| *t == d.document_type)
        })
        .collect();
    let start = match query.get("starting_after") {
        None => 0,
        Some(cursor) => matching
            .iter()
            .position(|d| &d.document_id == cursor)
            .map(|i| i + 1)
            .ok_or_else(|| {
                fail::validation(
                    "starting_after",
                    "starting_after is not a document in this list",
                )
            })?,
    };
    let rest = &matching[start..];
    let data: Vec<Value> = rest.iter().take(limit).map(|d| wire(*d)).collect();
    Ok(respond(
        StatusCode::OK,
        json!({ "data": data, "has_more": rest.len() > limit }),
    ))
}

/// `GET /documents/{document_id}`
pub async fn get(State(sim): State<Sim>, Path(id): Path<String>) -> ApiResult<Response> {
    let world = sim.lock().await;
    let document = world
        .documents
        .get(&id)
        .ok_or_else(|| fail::not_found("Document"))?;
    Ok(respond(StatusCode::OK, wire(document)))
}

/// `DELETE /documents/{document_id}` → `204`.
pub async fn delete(State(sim): State<Sim>, Path(id): Path<String>) -> ApiResult<Response> {
    let mut world = sim.lock().await;
    world
        .remove::<Document>(&id)
        .ok_or_else(|| fail::not_found("Document"))?;
    sim.commit(&mut world).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Background step: accepts the documents whose review is due at `now`.
pub fn advance(world: &mut World, now: OffsetDateTime) {
    let now_ms = api::unix_ms(now);
    let due: Vec<Document> = world
        .documents
        .values()
        .filter(|d| d.sim.review_due_ms.is_some_and(|t| t <= now_ms))
        .cloned()
        .collect();
    for mut document in due {
        document.status = "accepted".into();
        document.sim.review_due_ms = None;
        let investor_id = document.sim.investor_id.clone();
        let is_kyc = document.purpose == "kyc";
        let body = wire(&document);
        world.put(document);
        world.emit("document.approved", body);
        if let (Some(investor_id), true) = (investor_id, is_kyc) {
            investors::document_accepted(world, &investor_id, now);
        }
    }
}
