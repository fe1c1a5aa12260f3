//! KYC and account documents (Gen C flat resource).
//!
//! Endpoints: `POST /documents` (multipart), `GET /documents` (cursor paging with
//! `starting_after`, answers `{data:[…], has_more}`).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::common::{ts, Metadata};
use crate::bluum::ids::{DocumentId, InvestorId};

string_enum! {
    /// Why a document is held. Sent upper case; resources echo it lower case.
    pub enum DocumentPurpose {
        Kyc = "KYC",
        Kyb = "KYB",
        Edd = "EDD",
        Tax = "TAX",
        FundingVerification = "FUNDING_VERIFICATION",
        Agreement = "AGREEMENT",
        AccountStatement = "ACCOUNT_STATEMENT",
        TradeConfirmation = "TRADE_CONFIRMATION",
        Other = "OTHER",
    }
}

string_enum! {
    /// Review state; Gen A/B `upload_status` values `approved`/`rejected` map here too.
    pub enum DocumentStatus {
        Uploaded = "uploaded",
        Processing = "processing",
        Accepted = "accepted" | "approved",
        Rejected = "rejected",
        Expired = "expired",
    }
}

string_enum! {
    pub enum DocumentOwnerType {
        Tenant = "tenant",
        Investor = "investor",
        User = "user",
    }
}

/// A file to upload with `POST /documents`. The bytes stay out of `Debug`.
#[derive(Clone)]
pub struct UploadDocumentRequest {
    /// Owner; `None` makes it a tenant document.
    pub investor_id: Option<InvestorId>,
    /// Free-form type such as `id_verification`, `PASSPORT`, `proof_of_address`.
    pub document_type: String,
    pub purpose: Option<DocumentPurpose>,
    pub file_name: String,
    /// e.g. `application/pdf`, `image/png`.
    pub mime_type: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for UploadDocumentRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadDocumentRequest")
            .field("investor_id", &self.investor_id)
            .field("document_type", &self.document_type)
            .field("purpose", &self.purpose)
            .field("file_name", &self.file_name)
            .field("mime_type", &self.mime_type)
            .field("size", &self.bytes.len())
            .finish()
    }
}

/// Query of `GET /documents`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DocumentQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub investor_id: Option<InvestorId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<DocumentPurpose>,
    /// Filters take the upper-case spelling (`ACCEPTED`); see [`DocumentQuery::status_filter`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_type: Option<String>,
    /// 1–200, default 50.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Cursor: the last `document_id` of the previous page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starting_after: Option<DocumentId>,
}

impl DocumentQuery {
    /// The filter spelling of a status (`accepted` → `ACCEPTED`).
    pub fn status_filter(status: &DocumentStatus) -> String {
        status.as_str().to_ascii_uppercase()
    }
}

/// A document resource. Its id field is `document_id`, not `id`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Document {
    pub document_id: DocumentId,
    #[serde(default)]
    pub object: Option<String>,
    #[serde(default)]
    pub owner_type: Option<DocumentOwnerType>,
    /// A raw UUID (not prefix-encoded).
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default)]
    pub purpose: Option<DocumentPurpose>,
    #[serde(default)]
    pub document_type: Option<String>,
    #[serde(default)]
    pub file_name: Option<String>,
    #[serde(default)]
    pub mime_type: Option<String>,
    /// Bytes (a JSON number).
    #[serde(default)]
    pub file_size: Option<u64>,
    #[serde(alias = "upload_status")]
    pub status: DocumentStatus,
    #[serde(default)]
    pub rejection_reason: Option<String>,
    #[serde(default, with = "ts")]
    pub expires_at: Option<OffsetDateTime>,
    #[serde(default, with = "ts")]
    pub uploaded_at: Option<OffsetDateTime>,
    #[serde(default)]
    pub metadata: Metadata,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bluum::models::{decode, List};

    #[test]
    fn decodes_a_document_list() {
        let json = r#"{"data": [
            {"document_id": "doc_01j9x8m2k7qpzwv3t5r6y8n0ab", "object": "document", "owner_type": "investor",
             "owner_id": "6c1f0c1e-9a8d-4c7b-8e5f-1a2b3c4d5e6f", "purpose": "kyc",
             "document_type": "id_verification", "file_name": "passport.pdf",
             "mime_type": "application/pdf", "file_size": 482133, "status": "accepted",
             "expires_at": null, "uploaded_at": "2025-06-15T14:30:00Z", "metadata": {}},
            {"document_id": "doc_02", "object": "document", "owner_type": "investor",
             "purpose": "proof_of_address", "status": "in_review"}
          ], "has_more": true}"#;
        let list: List<Document> = decode(json.as_bytes()).unwrap();
        assert!(list.has_more);
        let doc = &list.data[0];
        assert_eq!(doc.document_id.as_str(), "doc_01j9x8m2k7qpzwv3t5r6y8n0ab");
        assert_eq!(doc.purpose, Some(DocumentPurpose::Kyc));
        assert_eq!(doc.status, DocumentStatus::Accepted);
        assert_eq!(doc.owner_type, Some(DocumentOwnerType::Investor));
        assert_eq!(doc.file_size, Some(482_133));
        assert_eq!(
            list.data[1].purpose,
            Some(DocumentPurpose::Unknown("proof_of_address".into()))
        );
        assert_eq!(
            list.data[1].status,
            DocumentStatus::Unknown("in_review".into())
        );
        assert_eq!(
            DocumentQuery::status_filter(&DocumentStatus::Accepted),
            "ACCEPTED"
        );
    }

    #[test]
    fn upload_request_debug_omits_bytes() {
        let req = UploadDocumentRequest {
            investor_id: None,
            document_type: "PASSPORT".into(),
            purpose: Some(DocumentPurpose::Kyc),
            file_name: "p.pdf".into(),
            mime_type: "application/pdf".into(),
            bytes: b"%PDF-secret-content".to_vec(),
        };
        let debug = format!("{req:?}");
        assert!(
            !debug.contains("secret-content") && debug.contains("size: 19"),
            "{debug}"
        );
    }
}
