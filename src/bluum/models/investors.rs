//! Investors and their compliance (KYC) workflow.
//!
//! Endpoints: `POST /investors`, `GET /investors/{investor_id}`,
//! `GET /investors/{investor_id}/compliance`.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use super::common::{date, ts, Address, ResourceMeta, Sensitive};
use crate::bluum::ids::InvestorId;

string_enum! {
    /// Where the investor is in onboarding. New investors start `onboarding`; the sandbox
    /// approves them to `active` at once. Gen A/B upper-case values map where they mean the same.
    pub enum InvestorStatus {
        Onboarding = "onboarding" | "submitted" | "pending",
        UnderReview = "under_review" | "pending_approval",
        AwaitingDocuments = "awaiting_documents",
        Active = "active",
        Suspended = "suspended",
        Closed = "closed",
        Declined = "declined" | "rejected",
        SetupFailed = "setup_failed",
        Inactive = "inactive",
    }
}

string_enum! {
    pub enum AccountType {
        Individual = "individual",
        Joint = "joint",
        Corporate = "corporate",
    }
}

string_enum! {
    pub enum ManagementType {
        SelfDirected = "self_directed",
        Advised = "advised",
    }
}

string_enum! {
    pub enum TaxIdType {
        Ssn = "SSN",
        Itin = "ITIN",
        Ein = "EIN",
        Sin = "SIN",
        Nino = "NINO",
        Tfn = "TFN",
        Vat = "VAT",
        Tin = "TIN",
        Utr = "UTR",
        Pan = "PAN",
        Nin = "NIN",
        KraPin = "KRA_PIN",
        Other = "OTHER",
    }
}

string_enum! {
    /// Source of wealth (not a bank account, despite the field name `funding_source`).
    pub enum WealthSource {
        EmploymentIncome = "employment_income",
        Investments = "investments",
        Inheritance = "inheritance",
        BusinessIncome = "business_income",
        Savings = "savings",
        Family = "family",
        Other = "other",
    }
}

string_enum! {
    pub enum EmploymentStatus {
        Employed = "employed",
        Unemployed = "unemployed",
        Student = "student",
        Retired = "retired",
    }
}

string_enum! {
    pub enum VisaType {
        E1 = "E1", E2 = "E2", E3 = "E3", F1 = "F1", H1b = "H1B", Tn1 = "TN1", O1 = "O1",
        J1 = "J1", L1 = "L1", Daca = "DACA", G4 = "G4", Other = "OTHER",
    }
}

string_enum! {
    pub enum AgreementType {
        InvestorAgreement = "investor_agreement",
        MarginDisclosureAcknowledged = "margin_disclosure_acknowledged",
        W8benCertification = "w8ben_certification",
    }
}

/// A money bracket such as annual income `{"min":"75000","max":"99999"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoneyRange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Decimal>,
}

/// An agreement the investor accepted, with when and from where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignedAgreement {
    #[serde(rename = "type")]
    pub kind: AgreementType,
    #[serde(default, with = "ts")]
    pub signed_at: Option<OffsetDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
}

/// Someone Bluum may contact about the account; all four fields go together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedContact {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
}

/// Required when the investor is FINRA-affiliated or a control person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AffiliatedCompany {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compliance_email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticker: Option<String>,
}

/// Body of `POST /investors`. `tax_id` is [`Sensitive`], so `Debug` never shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CreateInvestorRequest {
    pub account_type: AccountType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub management_type: Option<ManagementType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_advantaged: Option<bool>,
    pub first_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    pub last_name: String,
    #[serde(serialize_with = "date::serialize_day")]
    pub date_of_birth: Date,
    pub email: String,
    /// E.164.
    pub phone: String,
    pub address: Address,
    pub tax_id: Sensitive,
    pub tax_id_type: TaxIdType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_id_country: Option<String>,
    pub country_of_citizenship: String,
    pub country_of_birth: String,
    pub country_of_tax_residence: String,
    /// Sources of wealth.
    pub funding_source: Vec<WealthSource>,
    pub annual_income: MoneyRange,
    pub liquid_net_worth: MoneyRange,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_net_worth: Option<MoneyRange>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permanent_resident: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visa_type: Option<VisaType>,
    #[serde(with = "date", skip_serializing_if = "Option::is_none")]
    pub visa_expiration_date: Option<Date>,
    pub is_control_person: bool,
    pub is_affiliated_exchange_or_finra: bool,
    pub is_politically_exposed: bool,
    pub immediate_family_exposed: bool,
    pub employment_status: EmploymentStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employer_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employer_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employment_position: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affiliated_company: Option<AffiliatedCompany>,
    pub signed_agreements: Vec<SignedAgreement>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trusted_contact: Option<TrustedContact>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
}

/// One KYC check as the investor resource lists it; `verification_url` is the hosted
/// (Persona) flow to send the user to.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct InvestorComplianceCheck {
    #[serde(default)]
    pub workflow_id: Option<String>,
    #[serde(default)]
    pub check_type: Option<ComplianceCheckType>,
    #[serde(default)]
    pub status: Option<ComplianceCheckStatus>,
    #[serde(default)]
    pub provider: Option<String>,
    #[serde(default)]
    pub external_id: Option<String>,
    #[serde(default)]
    pub verification_url: Option<String>,
    #[serde(default)]
    pub verification_token: Option<Sensitive>,
}

/// The investor resource. Bluum never echoes the tax id.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Investor {
    pub id: InvestorId,
    #[serde(flatten)]
    pub meta: ResourceMeta,
    pub status: InvestorStatus,
    #[serde(default)]
    pub account_type: Option<AccountType>,
    #[serde(default)]
    pub management_type: Option<ManagementType>,
    /// `null` until approved.
    #[serde(default)]
    pub account_number: Option<String>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub balance: Option<Decimal>,
    #[serde(default)]
    pub buying_power: Option<Decimal>,
    #[serde(default)]
    pub cash_withdrawable: Option<Decimal>,
    #[serde(default)]
    pub last_equity: Option<Decimal>,
    #[serde(default)]
    pub trading_type: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub middle_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default, with = "date")]
    pub date_of_birth: Option<Date>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub address: Option<Address>,
    #[serde(default)]
    pub tax_id_type: Option<TaxIdType>,
    #[serde(default)]
    pub country_of_tax_residence: Option<String>,
    #[serde(default)]
    pub country_of_citizenship: Option<String>,
    #[serde(default)]
    pub country_of_birth: Option<String>,
    #[serde(default)]
    pub funding_source: Vec<WealthSource>,
    #[serde(default)]
    pub employment_status: Option<EmploymentStatus>,
    #[serde(default)]
    pub signed_agreements: Vec<SignedAgreement>,
    #[serde(default)]
    pub trusted_contact: Option<TrustedContact>,
    #[serde(default)]
    pub compliance_checks: Vec<InvestorComplianceCheck>,
}

impl Investor {
    /// The first hosted KYC link to send the user to, if Bluum gave one.
    pub fn verification_url(&self) -> Option<&str> {
        self.compliance_checks
            .iter()
            .filter_map(|c| c.verification_url.as_deref())
            .find(|url| !url.is_empty())
    }
}

string_enum! {
    /// The compliance workflow's external status.
    pub enum ComplianceStatus {
        Running = "running",
        AwaitingReview = "awaiting_review",
        Approved = "approved",
        Declined = "declined",
        Suspended = "suspended",
        Expired = "expired",
    }
}

string_enum! {
    /// The workflow's internal status (upper case on the wire).
    pub enum WorkflowStatus {
        InProgress = "IN_PROGRESS",
        PendingReview = "PENDING_REVIEW",
        Approved = "APPROVED",
        Rejected = "REJECTED",
        Suspended = "SUSPENDED",
        Expired = "EXPIRED",
    }
}

string_enum! {
    pub enum WorkflowType {
        Kyc = "kyc",
        Kyb = "kyb",
        PeriodicReview = "periodic_review",
    }
}

string_enum! {
    pub enum RiskLevel {
        Low = "low",
        Medium = "medium",
        High = "high",
        Prohibited = "prohibited",
    }
}

string_enum! {
    pub enum ComplianceCheckType {
        IdentityVerification = "identity_verification",
        TaxIdVerification = "tax_id_verification",
        Screening = "screening",
        RiskAssessment = "risk_assessment",
        BusinessVerification = "business_verification",
    }
}

string_enum! {
    pub enum ComplianceCheckStatus {
        Pending = "pending",
        Clear = "clear",
        ReviewRequired = "review_required",
        Failed = "failed",
        Error = "error",
    }
}

/// One check in the compliance workflow.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct ComplianceCheck {
    #[serde(rename = "type", alias = "check_type")]
    pub kind: ComplianceCheckType,
    pub status: ComplianceCheckStatus,
    #[serde(default, with = "ts")]
    pub completed_at: Option<OffsetDateTime>,
}

/// `GET /investors/{investor_id}/compliance` (`object: "compliance_workflow"`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct ComplianceWorkflow {
    #[serde(default)]
    pub object: Option<String>,
    #[serde(default)]
    pub livemode: bool,
    pub investor_id: InvestorId,
    pub status: ComplianceStatus,
    #[serde(default)]
    pub workflow_status: Option<WorkflowStatus>,
    #[serde(default)]
    pub workflow_type: Option<WorkflowType>,
    #[serde(default)]
    pub risk_level: Option<RiskLevel>,
    #[serde(default)]
    pub checks: Vec<ComplianceCheck>,
    #[serde(default, with = "ts")]
    pub created_at: Option<OffsetDateTime>,
    #[serde(default, with = "ts")]
    pub updated_at: Option<OffsetDateTime>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bluum::models::decode;
    use std::str::FromStr;
    use time::macros::date;

    fn request() -> CreateInvestorRequest {
        CreateInvestorRequest {
            account_type: AccountType::Individual,
            management_type: Some(ManagementType::SelfDirected),
            tax_advantaged: None,
            first_name: "Ada".into(),
            middle_name: None,
            last_name: "Lovelace".into(),
            date_of_birth: date!(1990 - 01 - 15),
            email: "ada@example.com".into(),
            phone: "+14155552671".into(),
            address: Address {
                street: vec!["123 Main St".into()],
                unit: Some("4B".into()),
                city: "San Francisco".into(),
                state: Some("CA".into()),
                postal_code: Some("94105".into()),
                country: "US".into(),
            },
            tax_id: Sensitive::new("987-65-4321"),
            tax_id_type: TaxIdType::Ssn,
            tax_id_country: Some("US".into()),
            country_of_citizenship: "US".into(),
            country_of_birth: "US".into(),
            country_of_tax_residence: "US".into(),
            funding_source: vec![WealthSource::EmploymentIncome],
            annual_income: MoneyRange {
                min: Some(Decimal::from(75_000)),
                max: Some(Decimal::from(99_999)),
            },
            liquid_net_worth: MoneyRange {
                min: Some(Decimal::from(50_000)),
                max: Some(Decimal::from(99_999)),
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
            employer_name: Some("Analytical Engines".into()),
            employer_address: None,
            employment_position: Some("Engineer".into()),
            affiliated_company: None,
            signed_agreements: vec![SignedAgreement {
                kind: AgreementType::InvestorAgreement,
                signed_at: Some(ts::parse("2025-06-15T14:30:00Z").unwrap()),
                ip_address: Some("203.0.113.7".into()),
            }],
            trusted_contact: None,
            metadata: BTreeMap::new(),
        }
    }

    #[test]
    fn debug_of_create_request_hides_the_tax_id() {
        let req = request();
        let debug = format!("{req:?}");
        assert!(!debug.contains("987-65-4321"), "{debug}");
        assert!(!debug.contains("987654321"));
        assert!(debug.contains("[redacted]"));
    }

    #[test]
    fn create_request_serializes_the_documented_body() {
        let body = serde_json::to_value(request()).unwrap();
        assert_eq!(body["tax_id"], "987-65-4321");
        assert_eq!(body["tax_id_type"], "SSN");
        assert_eq!(body["date_of_birth"], "1990-01-15");
        assert_eq!(
            body["annual_income"],
            serde_json::json!({"min": "75000", "max": "99999"})
        );
        assert_eq!(
            body["funding_source"],
            serde_json::json!(["employment_income"])
        );
        assert_eq!(body["signed_agreements"][0]["type"], "investor_agreement");
        assert_eq!(
            body["signed_agreements"][0]["signed_at"],
            "2025-06-15T14:30:00Z"
        );
        assert_eq!(
            body["address"]["street"],
            serde_json::json!(["123 Main St"])
        );
        assert!(body.get("middle_name").is_none());
        assert!(body.get("metadata").is_none());
    }

    #[test]
    fn decodes_an_investor() {
        let json = r#"{
            "id": "inv_01j9x8m2k7qpzwv3t5r6y8n0ab", "object": "investor", "created": 1718455800,
            "livemode": false, "metadata": {"crm_id": "c-42"}, "status": "onboarding",
            "account_type": "individual", "management_type": "self_directed",
            "tax_advantaged": false, "account_number": null, "currency": "USD",
            "balance": "0.00", "buying_power": "0", "cash_withdrawable": "0", "last_equity": "0",
            "crypto_status": null, "trading_type": null, "hyc_status": "not_registered",
            "first_name": "Ada", "middle_name": null, "last_name": "Lovelace",
            "date_of_birth": "1990-01-15", "email": "ada@example.com", "phone": "+14155552671",
            "address": {"street": ["123 Main St"], "unit": null, "city": "San Francisco",
                        "state": "CA", "postal_code": "94105", "country": "US"},
            "tax_id_type": "SSN", "country_of_tax_residence": "US", "country_of_citizenship": "US",
            "country_of_birth": "US", "funding_source": ["employment_income", "savings"],
            "is_control_person": false, "employment_status": "employed",
            "signed_agreements": [{"type": "investor_agreement", "signed_at": "2025-06-15T14:30:00.000Z", "ip_address": "127.0.0.1"}],
            "trusted_contact": null, "portfolios": [],
            "compliance_checks": [
                {"workflow_id": "6c1f0c1e-9a8d-4c7b-8e5f-1a2b3c4d5e6f", "check_type": "identity_verification",
                 "status": "pending", "provider": "persona", "verification_url": "https://withpersona.com/verify?inquiry-id=inq_1"}
            ]
        }"#;
        let inv: Investor = decode(json.as_bytes()).unwrap();
        assert_eq!(inv.id.as_str(), "inv_01j9x8m2k7qpzwv3t5r6y8n0ab");
        assert_eq!(inv.status, InvestorStatus::Onboarding);
        assert_eq!(inv.meta.created.unwrap().unix_timestamp(), 1_718_455_800);
        assert_eq!(inv.meta.metadata["crm_id"], "c-42");
        assert_eq!(inv.balance, Some(Decimal::from_str("0.00").unwrap()));
        assert_eq!(inv.date_of_birth, Some(date!(1990 - 01 - 15)));
        assert_eq!(
            inv.funding_source,
            [WealthSource::EmploymentIncome, WealthSource::Savings]
        );
        assert_eq!(
            inv.verification_url(),
            Some("https://withpersona.com/verify?inquiry-id=inq_1")
        );
        // Gen B `{data:{…}}` wrapper decodes to the same investor.
        let wrapped = format!(r#"{{"data": {json}}}"#);
        assert_eq!(decode::<Investor>(wrapped.as_bytes()).unwrap(), inv);
    }

    #[test]
    fn investor_status_vocabularies() {
        assert_eq!(InvestorStatus::from_wire("active"), InvestorStatus::Active);
        assert_eq!(InvestorStatus::from_wire("ACTIVE"), InvestorStatus::Active);
        assert_eq!(
            InvestorStatus::from_wire("PENDING_APPROVAL"),
            InvestorStatus::UnderReview
        );
        assert_eq!(
            InvestorStatus::from_wire("frozen"),
            InvestorStatus::Unknown("frozen".into())
        );
        assert_eq!(InvestorStatus::Unknown("frozen".into()).as_str(), "frozen");
        assert_eq!(
            serde_json::to_string(&InvestorStatus::SetupFailed).unwrap(),
            "\"setup_failed\""
        );
    }

    #[test]
    fn decodes_the_compliance_workflow() {
        let json = r#"{
            "object": "compliance_workflow", "livemode": false,
            "investor_id": "inv_01j9x8m2k7qpzwv3t5r6y8n0ab",
            "workflow_status": "IN_PROGRESS", "workflow_type": "kyc", "risk_level": null,
            "status": "running",
            "checks": [
                {"type": "identity_verification", "status": "clear", "completed_at": "2025-06-15T14:31:00Z"},
                {"type": "screening", "status": "pending", "completed_at": null},
                {"type": "liveness", "status": "queued", "completed_at": null}
            ],
            "created_at": "2025-06-15T14:30:00Z", "updated_at": "2025-06-15T14:31:00Z"
        }"#;
        let wf: ComplianceWorkflow = decode(json.as_bytes()).unwrap();
        assert_eq!(wf.status, ComplianceStatus::Running);
        assert_eq!(wf.workflow_status, Some(WorkflowStatus::InProgress));
        assert_eq!(wf.workflow_type, Some(WorkflowType::Kyc));
        assert_eq!(wf.risk_level, None);
        assert_eq!(wf.checks.len(), 3);
        assert_eq!(wf.checks[0].kind, ComplianceCheckType::IdentityVerification);
        assert_eq!(wf.checks[0].status, ComplianceCheckStatus::Clear);
        assert!(wf.checks[0].completed_at.is_some());
        // New upstream values do not break the page.
        assert_eq!(
            wf.checks[2].kind,
            ComplianceCheckType::Unknown("liveness".into())
        );
        assert_eq!(
            wf.checks[2].status,
            ComplianceCheckStatus::Unknown("queued".into())
        );
    }
}
