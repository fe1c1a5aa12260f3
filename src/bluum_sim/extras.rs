//! Endpoints Bluum's own example app (`bluum-finance/example-neo-bank`) calls that the
//! self-directed journey does not need, answered as the fact sheet says the sandbox does:
//! - `GET /banks?country=NG`: the bank list for manual funding sources, Gen B shaped
//!   (`{status: "success", data: {banks: [{name, code}]}}`); other countries get none.
//! - `/wealth/…` (the Wealth add-on, any method): `403 PRODUCT_NOT_ENABLED` in the legacy body
//!   (`{status: "error", code, message}`), as for a tenant without the add-on (§1.11).

use std::collections::HashMap;

use axum::extract::Query;
use axum::response::Response;
use http::StatusCode;
use serde_json::json;

use super::api::respond;

/// Nigerian banks and their codes (a sample of the ≈35 the sandbox lists).
const NIGERIAN_BANKS: &[(&str, &str)] = &[
    ("Access Bank", "044"),
    ("Citibank Nigeria", "023"),
    ("Ecobank Nigeria", "050"),
    ("Fidelity Bank", "070"),
    ("First Bank of Nigeria", "011"),
    ("First City Monument Bank", "214"),
    ("Guaranty Trust Bank", "058"),
    ("Kuda Bank", "50211"),
    ("Stanbic IBTC Bank", "221"),
    ("Sterling Bank", "232"),
    ("Union Bank of Nigeria", "032"),
    ("United Bank for Africa", "033"),
    ("Wema Bank", "035"),
    ("Zenith Bank", "057"),
];

/// `GET /banks?country=…`
pub async fn banks(Query(query): Query<HashMap<String, String>>) -> Response {
    let country = query.get("country").map(|c| c.to_uppercase());
    let banks: Vec<_> = match country.as_deref() {
        Some("NG") => NIGERIAN_BANKS
            .iter()
            .map(|(name, code)| json!({ "name": name, "code": code }))
            .collect(),
        _ => Vec::new(),
    };
    respond(
        StatusCode::OK,
        json!({ "status": "success", "data": { "banks": banks } }),
    )
}

/// Any `/wealth/…` request: the add-on is not enabled for the simulator's tenant.
pub async fn wealth_not_enabled() -> Response {
    respond(
        StatusCode::FORBIDDEN,
        json!({
            "status": "error",
            "code": "PRODUCT_NOT_ENABLED",
            "message": "The Wealth product is not enabled for this tenant.",
        }),
    )
}
