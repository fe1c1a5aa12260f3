//! Onboarding.

/// Where KYC documents are uploaded (multipart; the one path that takes large bodies).
pub const UPLOAD_PATH: &str = "/api/onboarding/document";
