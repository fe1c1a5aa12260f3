//! Server functions for onboarding: the wizard's steps, the application (which creates the
//! Bluum investor), the KYC review's status and the documents it asks for.
//!
//! Bluum endpoints: `POST /investors`, `GET /investors/{investor_id}`, `POST /documents`,
//! `GET /documents`.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::onboarding::{Draft, Step};

/// Where KYC documents are uploaded (multipart; the one path that takes large bodies).
pub const UPLOAD_PATH: &str = "/api/onboarding/document";
/// Largest document Bluum accepts.
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;
/// File types Bluum accepts, by extension, with their MIME type.
pub const DOCUMENT_TYPES: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("doc", "application/msword"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
];

/// The MIME type for a file name Bluum accepts, or `None`.
pub fn document_mime(file_name: &str) -> Option<&'static str> {
    let ext = file_name.rsplit_once('.')?.1.to_ascii_lowercase();
    DOCUMENT_TYPES
        .iter()
        .find(|(e, _)| *e == ext)
        .map(|(_, mime)| *mime)
}

/// Whether `bytes` start the way a file of type `mime` does (its "magic number"), so a file
/// renamed to look like another kind is refused.
pub fn content_matches(mime: &str, bytes: &[u8]) -> bool {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    match mime {
        "application/pdf" => starts(b"%PDF-"),
        "image/png" => starts(b"\x89PNG\r\n\x1a\n"),
        "image/jpeg" => starts(b"\xff\xd8\xff"),
        // Word 97-2003 files are OLE compound files; .docx files are zip archives.
        "application/msword" => starts(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
        _ => starts(b"PK\x03\x04"),
    }
}

/// Where the signed-in user is in onboarding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Onboarding {
    /// Still answering the wizard.
    Wizard(Box<Wizard>),
    /// The application was sent: the investor exists, and this is its review's status (follow
    /// it with [`get_kyc_status`]).
    Applied(Box<KycStatus>),
}

/// The wizard's saved state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Wizard {
    pub draft: Draft,
    /// The furthest step reached: later steps are not open yet.
    pub furthest: Step,
    /// A problem Bluum found with an answer: `(field, message)`.
    pub error: Option<(String, String)>,
    /// Today (UTC), so the browser checks ages against the same day.
    pub today: (i32, u8, u8),
}

/// The KYC review, in terms of what the user should do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum KycStage {
    /// Bluum is reviewing the application: wait.
    InReview,
    /// Bluum needs documents: upload them (or use the hosted verification link).
    AwaitingDocuments,
    /// Approved: the account can be funded and used.
    Approved,
    /// Not approved.
    Declined,
    /// Suspended or closed.
    Closed,
    /// Bluum no longer knows the investor (its sandbox resets): onboard again.
    Missing,
}

/// The review's state for the status page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KycStatus {
    pub stage: KycStage,
    /// Bluum's status as sent (`under_review`, …), shown as a detail.
    pub status: String,
    /// Bluum's hosted identity verification, when it gives one.
    pub verification_url: Option<String>,
    pub account_number: Option<String>,
    pub documents: Vec<DocumentView>,
}

/// One uploaded document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentView {
    pub id: String,
    pub file_name: String,
    pub document_type: String,
    /// `uploaded`, `processing`, `accepted`, `rejected`, …
    pub status: String,
    pub rejection_reason: Option<String>,
}

/// Kinds of identity document the upload form offers.
pub const KYC_DOCUMENT_KINDS: &[(&str, &str)] = &[
    ("PASSPORT", "Passport"),
    ("DRIVERS_LICENSE", "Driver's license"),
    ("NATIONAL_ID", "National identity card"),
    (
        "proof_of_address",
        "Proof of address (utility bill, bank statement)",
    ),
];

#[cfg(feature = "ssr")]
mod ssr {
    pub use serde_json::json;

    pub use super::*;
    pub use crate::api::{client_ip, require_investor, require_user, state};
    pub use crate::bluum::error::{BluumError, ConflictKind};
    pub use crate::bluum::models::investors::InvestorStatus;
    pub use crate::server::auth::audit::{self, Entry, Outcome};
    pub use crate::server::auth::investor_link;
    pub use crate::server::onboarding::{self as drafts, SavedDraft};

    /// The user's saved draft, or a new one with their email filled in.
    pub async fn draft_of(user: &crate::server::auth::users::User) -> Result<SavedDraft, AppError> {
        Ok(drafts::load(&state().pool, user.id)
            .await?
            .unwrap_or_else(|| SavedDraft::new(&user.email)))
    }

    pub fn stage_of(status: &InvestorStatus) -> KycStage {
        match status {
            InvestorStatus::Active => KycStage::Approved,
            InvestorStatus::AwaitingDocuments => KycStage::AwaitingDocuments,
            InvestorStatus::Declined => KycStage::Declined,
            InvestorStatus::Suspended | InvestorStatus::Closed | InvestorStatus::Inactive => {
                KycStage::Closed
            }
            // onboarding, under_review, setup_failed and anything new: Bluum is still on it.
            _ => KycStage::InReview,
        }
    }

    pub fn document_view(doc: crate::bluum::models::documents::Document) -> DocumentView {
        DocumentView {
            id: doc.document_id.to_string(),
            file_name: doc.file_name.unwrap_or_else(|| "Document".into()),
            document_type: doc.document_type.unwrap_or_default(),
            status: doc.status.as_str().to_owned(),
            rejection_reason: doc.rejection_reason,
        }
    }

    /// What to tell the user when Bluum turns the application down for one answer: the step
    /// and field it belongs to, and the message.
    /// The review's status for the user's investor, with their documents.
    /// The investor's KYC status. An approved one is kept for a minute (every invest page
    /// asks, through `JourneyGate`), and forgotten at once on any webhook about the investor.
    pub async fn kyc_status_of(
        me: &crate::server::request::InvestorContext,
    ) -> Result<KycStatus, AppError> {
        let app = state();
        let key = me.investor_id.as_str().to_owned();
        if let Some(approved) = app.approvals.get(&key).await {
            return Ok(approved);
        }
        let status = ask_kyc_status(me).await?;
        if status.stage == KycStage::Approved {
            app.approvals.insert(key, status.clone()).await;
        }
        Ok(status)
    }

    async fn ask_kyc_status(
        me: &crate::server::request::InvestorContext,
    ) -> Result<KycStatus, AppError> {
        let bluum = &state().bluum;
        let investor = match bluum.get_investor(&me.investor_id).await {
            Ok(investor) => investor,
            Err(BluumError::NotFound { .. }) => {
                return Ok(KycStatus {
                    stage: KycStage::Missing,
                    status: "not_found".into(),
                    verification_url: None,
                    account_number: None,
                    documents: Vec::new(),
                })
            }
            Err(err) => return Err(err.into()),
        };
        let stage = stage_of(&investor.status);
        // Only the documents step shows them: the page polls, so other stages skip the call.
        let documents = if stage == KycStage::AwaitingDocuments {
            let query = crate::bluum::models::documents::DocumentQuery {
                investor_id: Some(me.investor_id.clone()),
                ..Default::default()
            };
            bluum
                .list_documents(&query)
                .await?
                .data
                .into_iter()
                .map(document_view)
                .collect()
        } else {
            Vec::new()
        };
        Ok(KycStatus {
            stage,
            status: investor.status.as_str().to_owned(),
            verification_url: investor.verification_url().map(str::to_owned),
            account_number: investor.account_number,
            documents,
        })
    }

    pub fn answer_problem(err: &BluumError) -> Option<(String, String)> {
        match err {
            BluumError::Validation { param, message, .. } => Some((
                param.clone().unwrap_or_else(|| "form".into()),
                message.clone(),
            )),
            BluumError::Conflict {
                kind: ConflictKind::Duplicate,
                ..
            } => Some((
                "email".into(),
                "An investing account already uses this email. Use another email address.".into(),
            )),
            _ => None,
        }
    }
}

/// Where the signed-in user is in onboarding, with their saved answers.
#[server(endpoint = "onboarding/state")]
pub async fn onboarding_state() -> Result<Onboarding, AppError> {
    use ssr::*;
    let user = match require_investor().await {
        Ok(me) => return Ok(Onboarding::Applied(Box::new(kyc_status_of(&me).await?))),
        Err(AppError::NotOnboarded) => require_user().await?,
        Err(err) => return Err(err),
    };
    let saved = draft_of(&user).await?;
    Ok(Onboarding::Wizard(Box::new(Wizard {
        draft: saved.draft,
        furthest: saved.furthest,
        error: saved.error,
        today: drafts::today(),
    })))
}

/// Saves one step of the wizard (`step` is its slug). `nav=back` saves what was typed without
/// checking it and goes to the previous step; otherwise the step is checked, and when it passes
/// the wizard moves on. What was typed is kept either way, so nothing is lost.
#[server(endpoint = "onboarding/save")]
pub async fn save_step(
    step: String,
    nav: Option<String>,
    #[server(flatten)] form: Draft,
) -> Result<(), AppError> {
    use ssr::*;
    let user = require_user().await?;
    let pool = &state().pool;
    if investor_link::investor_id_of(pool, user.id)
        .await?
        .is_some()
    {
        leptos_axum::redirect("/onboarding");
        return Ok(());
    }
    let step = Step::from_slug(&step).ok_or(AppError::NotFound)?;
    let mut saved = draft_of(&user).await?;
    saved.draft.merge_step(step, &form);
    // A problem Bluum reported is answered by saving its step again.
    if saved
        .error
        .as_ref()
        .is_some_and(|(field, _)| Step::of_field(field).is_some_and(|(s, _)| s == step))
    {
        saved.error = None;
    }
    if nav.as_deref() == Some("back") {
        drafts::save(pool, user.id, &saved).await?;
        let to = step.previous().unwrap_or(Step::Identity);
        leptos_axum::redirect(&format!("/onboarding/{}", to.slug()));
        return Ok(());
    }
    let errors = saved.draft.check_step(step, drafts::today());
    if !errors.is_empty() {
        drafts::save(pool, user.id, &saved).await?;
        return Err(AppError::Invalid { errors });
    }
    let next = step.next().unwrap_or(Step::Agreements);
    saved.furthest = saved.furthest.max(next);
    drafts::save(pool, user.id, &saved).await?;
    leptos_axum::redirect(&format!("/onboarding/{}", next.slug()));
    Ok(())
}

/// Sends the application: checks every answer, creates the Bluum investor with the tax id
/// (which is never stored here) and the agreements signed now from this address, and links it
/// to the user in the same transaction as its audit record. Submitting twice (a double click,
/// two tabs) creates one investor: submits of one user take turns on the draft's row, and a
/// retry after an unknown outcome reuses the same upstream idempotency key.
#[server(endpoint = "onboarding/submit")]
pub async fn submit_application(
    tax_id_type: String,
    tax_id: String,
    agree_investor: Option<String>,
    agree_margin: Option<String>,
    agree_w8ben: Option<String>,
) -> Result<(), AppError> {
    use ssr::*;
    let user = require_user().await?;
    let state = state();
    let ip = client_ip();
    let mut tx = audit::begin(&state.pool).await?;
    let Some(mut saved) = drafts::load_for_update(&mut tx, user.id).await? else {
        leptos_axum::redirect("/onboarding");
        return Ok(());
    };
    // Another submit got here first (we waited for its row lock): nothing more to do.
    if investor_link::investor_id_of(&state.pool, user.id)
        .await?
        .is_some()
    {
        leptos_axum::redirect("/onboarding");
        return Ok(());
    }
    let agreements = Draft {
        agree_investor: agree_investor.unwrap_or_default(),
        agree_margin: agree_margin.unwrap_or_default(),
        agree_w8ben: agree_w8ben.unwrap_or_default(),
        ..Draft::default()
    };
    saved.draft.merge_step(Step::Agreements, &agreements);

    let mut errors = saved.draft.check_step(Step::Agreements, drafts::today());
    let tax_id = match crate::onboarding::check_tax_id(&tax_id_type, &tax_id) {
        Ok(tax_id) => Some(tax_id),
        Err(problem) => {
            errors.insert(0, problem);
            None
        }
    };
    if let Some((step, _)) = saved.draft.first_incomplete(drafts::today()) {
        if step != Step::Agreements {
            // An earlier answer is missing or no longer valid (say, a birthday rule changed).
            saved.furthest = step;
            drafts::save(&mut *tx, user.id, &saved).await?;
            tx.commit(Entry::new("onboarding_incomplete", Some(user.id), Outcome::Failure).ip(&ip))
                .await?;
            leptos_axum::redirect(&format!("/onboarding/{}", step.slug()));
            return Ok(());
        }
    }
    let Some(tax_id) = tax_id.filter(|_| errors.is_empty()) else {
        drafts::save(&mut *tx, user.id, &saved).await?;
        tx.commit(Entry::new("onboarding_submit", Some(user.id), Outcome::Failure).ip(&ip))
            .await?;
        return Err(AppError::Invalid { errors });
    };

    let request = drafts::investor_request(
        &saved.draft,
        &tax_id_type,
        tax_id,
        time::OffsetDateTime::now_utc(),
        &ip,
    )?;
    let key =
        crate::server::idempotency::upstream_key(user.id, "create-investor", saved.submit_attempt);
    let investor = match state.bluum.create_investor(&request, Some(&key)).await {
        Ok(investor) => investor,
        Err(err) => {
            let Some((param, message)) = answer_problem(&err) else {
                // Outcome unknown (timeout, outage): the key stays, so a retry is the same
                // request to Bluum and cannot create a second investor.
                return Err(err.into());
            };
            // Turned down without acting: the next submit is a new request.
            saved.submit_attempt += 1;
            let detail = json!({ "bluum_param": param });
            match Step::of_field(&param) {
                Some((step, field)) if step != Step::Agreements => {
                    saved.error = Some((field.to_owned(), message));
                    drafts::save(&mut *tx, user.id, &saved).await?;
                    tx.commit(
                        Entry::new("investor_created", Some(user.id), Outcome::Failure)
                            .detail(detail)
                            .ip(&ip),
                    )
                    .await?;
                    leptos_axum::redirect(&format!("/onboarding/{}", step.slug()));
                    return Ok(());
                }
                other => {
                    drafts::save(&mut *tx, user.id, &saved).await?;
                    tx.commit(
                        Entry::new("investor_created", Some(user.id), Outcome::Failure)
                            .detail(detail)
                            .ip(&ip),
                    )
                    .await?;
                    let field = other.map_or(param.as_str(), |(_, f)| f).to_owned();
                    return Err(AppError::Invalid {
                        errors: vec![(field, message)],
                    });
                }
            }
        }
    };
    if !investor_link::link(&mut *tx, user.id, investor.id.as_str()).await? {
        return Err(AppError::Conflict(
            "Your investing account is already open.".into(),
        ));
    }
    saved.error = None;
    drafts::save(&mut *tx, user.id, &saved).await?;
    tx.commit(
        Entry::new("investor_created", Some(user.id), Outcome::Success)
            .upstream_id(investor.id.as_str())
            .ip(&ip),
    )
    .await?;
    leptos_axum::redirect("/onboarding");
    Ok(())
}

/// The KYC review of the signed-in user's investor, with their documents.
#[server(endpoint = "onboarding/status")]
pub async fn get_kyc_status() -> Result<KycStatus, AppError> {
    use ssr::*;
    let me = require_investor().await?;
    kyc_status_of(&me).await
}

/// Starts onboarding again when Bluum no longer knows the user's investor (its sandbox resets
/// nightly). Refused while the investor exists.
#[server(endpoint = "onboarding/restart")]
pub async fn restart_onboarding() -> Result<(), AppError> {
    use ssr::*;
    let me = require_investor().await?;
    let state = state();
    match state.bluum.get_investor(&me.investor_id).await {
        Err(BluumError::NotFound { .. }) => {}
        Ok(_) => {
            return Err(AppError::Conflict(
                "Your investing account is open: there is nothing to start again.".into(),
            ))
        }
        Err(err) => return Err(err.into()),
    }
    let mut tx = audit::begin(&state.pool).await?;
    sqlx::query("DELETE FROM user_investors WHERE user_id = $1")
        .bind(me.user.id)
        .execute(&mut *tx)
        .await?;
    // The answers are kept, so starting again is quick; Bluum needs new agreements.
    sqlx::query(
        "UPDATE onboarding_drafts SET furthest_step = 'agreements', submit_attempt = submit_attempt + 1
         WHERE user_id = $1",
    )
    .bind(me.user.id)
    .execute(&mut *tx)
    .await?;
    tx.commit(
        Entry::new("investor_unlinked", Some(me.user.id), Outcome::Success)
            .upstream_id(me.investor_id.as_str())
            .detail(json!({ "reason": "unknown_upstream" }))
            .ip(&me.ip),
    )
    .await?;
    leptos_axum::redirect("/onboarding/agreements");
    Ok(())
}

/// Uploads one KYC document for the signed-in user's investor (multipart fields
/// `document_type` and `document`). Checked here for type and size before Bluum sees it.
#[server(input = server_fn::codec::MultipartFormData, endpoint = "onboarding/document")]
pub async fn upload_document(
    data: server_fn::codec::MultipartData,
) -> Result<DocumentView, AppError> {
    use crate::bluum::models::documents::{DocumentPurpose, UploadDocumentRequest};
    use ssr::*;
    let me = require_investor().await?;
    let Some(mut fields) = data.into_inner() else {
        return Err(AppError::validation("document", "Choose a file to upload."));
    };
    let (mut kind, mut file) = (String::new(), None::<(String, Vec<u8>)>);
    while let Some(mut field) = fields
        .next_field()
        .await
        .map_err(|_| AppError::validation("document", "The upload was cut off. Try again."))?
    {
        match field.name() {
            Some("document_type") => {
                kind = field.text().await.unwrap_or_default();
            }
            Some("document") => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|_| {
                    AppError::validation("document", "The upload was cut off. Try again.")
                })? {
                    if bytes.len() + chunk.len() > MAX_DOCUMENT_BYTES {
                        return Err(AppError::validation(
                            "document",
                            "That file is larger than 10 MB. Choose a smaller one.",
                        ));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    if !KYC_DOCUMENT_KINDS.iter().any(|(k, _)| *k == kind) {
        return Err(AppError::validation(
            "document_type",
            "Choose what kind of document this is.",
        ));
    }
    let Some((file_name, bytes)) =
        file.filter(|(name, bytes)| !name.is_empty() && !bytes.is_empty())
    else {
        return Err(AppError::validation("document", "Choose a file to upload."));
    };
    // Browsers send a file's own name; a path in it is not one of theirs.
    if file_name.contains(['/', '\\'])
        || file_name.contains("..")
        || file_name.chars().count() > 200
    {
        return Err(AppError::validation(
            "document",
            "Rename the file: use a short name without / or \\ or \"..\".",
        ));
    }
    let Some(mime) = document_mime(&file_name) else {
        return Err(AppError::validation(
            "document",
            "Upload a PDF, JPG, PNG, DOC or DOCX file.",
        ));
    };
    if !content_matches(mime, &bytes) {
        return Err(AppError::validation(
            "document",
            "This file isn't the kind its name says. Upload a real PDF, JPG, PNG, DOC or DOCX file.",
        ));
    }
    let size = bytes.len();
    let doc = state()
        .bluum
        .upload_document(UploadDocumentRequest {
            investor_id: Some(me.investor_id.clone()),
            document_type: kind,
            purpose: Some(DocumentPurpose::Kyc),
            file_name,
            mime_type: mime.to_owned(),
            bytes,
        })
        .await?;
    audit::record(
        &state().pool,
        Entry::new("document_uploaded", Some(me.user.id), Outcome::Success)
            .upstream_id(doc.document_id.as_str())
            .detail(json!({ "size": size }))
            .ip(&me.ip),
    )
    .await?;
    Ok(document_view(doc))
}
