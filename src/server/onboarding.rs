//! Onboarding on the server: the saved wizard answers (table `onboarding_drafts`) and turning
//! them into Bluum's `POST /investors` request.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::bluum::models::common::{Address, Sensitive};
use crate::bluum::models::investors::{
    AccountType, AffiliatedCompany, AgreementType, CreateInvestorRequest, EmploymentStatus,
    MoneyRange, SignedAgreement, TaxIdType, TrustedContact, WealthSource,
};
use crate::error::AppError;
use crate::onboarding::{bracket, parse_date, Draft, Step};

/// A user's saved answers and where they are.
#[derive(Debug, Clone)]
pub struct SavedDraft {
    pub draft: Draft,
    pub furthest: Step,
    /// A problem Bluum found at submit: `(field, message)`.
    pub error: Option<(String, String)>,
    pub submit_attempt: i32,
}

impl SavedDraft {
    /// A new draft, with the email of the account filled in.
    pub fn new(email: &str) -> Self {
        Self {
            draft: Draft {
                email: email.to_owned(),
                ..Draft::default()
            },
            furthest: Step::Identity,
            error: None,
            submit_attempt: 0,
        }
    }
}

type Row = (
    sqlx::types::Json<Draft>,
    String,
    Option<String>,
    Option<String>,
    i32,
);

fn from_row((draft, furthest, field, message, attempt): Row) -> SavedDraft {
    SavedDraft {
        draft: draft.0,
        furthest: Step::from_slug(&furthest).unwrap_or(Step::Identity),
        error: field.zip(message),
        submit_attempt: attempt,
    }
}

const SELECT: &str = "SELECT draft, furthest_step, error_field, error_message, submit_attempt
                      FROM onboarding_drafts WHERE user_id = $1";

/// The saved draft of `user_id`, if any.
pub async fn load(db: impl PgExecutor<'_>, user_id: Uuid) -> Result<Option<SavedDraft>, AppError> {
    let row: Option<Row> = sqlx::query_as(SELECT)
        .bind(user_id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(from_row))
}

/// The saved draft of `user_id`, locked until the transaction ends (one submit at a time).
pub async fn load_for_update(
    tx: &mut PgConnection,
    user_id: Uuid,
) -> Result<Option<SavedDraft>, AppError> {
    let row: Option<Row> = sqlx::query_as(&format!("{SELECT} FOR UPDATE"))
        .bind(user_id)
        .fetch_optional(tx)
        .await?;
    Ok(row.map(from_row))
}

/// Saves (creates or replaces) the draft of `user_id`.
pub async fn save(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
    saved: &SavedDraft,
) -> Result<(), AppError> {
    let (field, message) = saved.error.clone().unzip();
    sqlx::query(
        "INSERT INTO onboarding_drafts
             (user_id, draft, furthest_step, error_field, error_message, submit_attempt, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, now())
         ON CONFLICT (user_id) DO UPDATE SET draft = $2, furthest_step = $3, error_field = $4,
             error_message = $5, submit_attempt = $6, updated_at = now()",
    )
    .bind(user_id)
    .bind(sqlx::types::Json(&saved.draft))
    .bind(saved.furthest.slug())
    .bind(field)
    .bind(message)
    .bind(saved.submit_attempt)
    .execute(db)
    .await?;
    Ok(())
}

/// Today's date in UTC as `(year, month, day)`, for the age check.
pub fn today() -> (i32, u8, u8) {
    let now = OffsetDateTime::now_utc();
    (now.year(), now.month() as u8, now.day())
}

fn non_empty(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}

fn range(key: &str) -> MoneyRange {
    let (min, max) = bracket(key).unwrap_or((0, None));
    MoneyRange {
        min: Some(Decimal::from(min)),
        max: max.map(Decimal::from),
    }
}

/// Bluum's `POST /investors` body for a checked draft. `signed_at` and `ip` record when and
/// from where the agreements were accepted.
pub fn investor_request(
    draft: &Draft,
    tax_id_type: &str,
    tax_id: String,
    signed_at: OffsetDateTime,
    ip: &str,
) -> Result<CreateInvestorRequest, AppError> {
    let dob = parse_date(&draft.date_of_birth)
        .and_then(|(y, m, d)| {
            time::Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()
        })
        .ok_or_else(|| AppError::validation("date_of_birth", "Enter your date of birth."))?;
    let phone = draft
        .phone_e164()
        .ok_or_else(|| AppError::validation("phone", "Enter your mobile phone number."))?;
    let agreement = |kind| SignedAgreement {
        kind,
        signed_at: Some(signed_at),
        ip_address: Some(ip.to_owned()),
    };
    let mut signed_agreements = vec![
        agreement(AgreementType::InvestorAgreement),
        agreement(AgreementType::MarginDisclosureAcknowledged),
    ];
    if draft.needs_w8ben() {
        signed_agreements.push(agreement(AgreementType::W8benCertification));
    }
    let employed = draft.is_employed();
    let needs_company = draft.control_person == "yes" || draft.affiliated == "yes";
    let trusted = !draft.trusted_first_name.is_empty();
    let street = [&draft.street1, &draft.street2]
        .into_iter()
        .filter(|s| !s.is_empty())
        .cloned()
        .collect();
    Ok(CreateInvestorRequest {
        account_type: AccountType::Individual,
        management_type: None,
        tax_advantaged: None,
        first_name: draft.first_name.clone(),
        middle_name: non_empty(&draft.middle_name),
        last_name: draft.last_name.clone(),
        date_of_birth: dob,
        email: draft.email.clone(),
        phone,
        address: Address {
            street,
            unit: non_empty(&draft.unit),
            city: draft.city.clone(),
            state: non_empty(&draft.state),
            postal_code: non_empty(&draft.postal_code),
            country: draft.country.clone(),
        },
        tax_id: Sensitive::new(tax_id),
        tax_id_type: TaxIdType::from_wire(tax_id_type),
        tax_id_country: Some(draft.tax_residence.clone()),
        country_of_citizenship: draft.citizenship.clone(),
        country_of_birth: draft.country_of_birth.clone(),
        country_of_tax_residence: draft.tax_residence.clone(),
        funding_source: draft
            .wealth_sources()
            .into_iter()
            .map(WealthSource::from_wire)
            .collect(),
        annual_income: range(&draft.annual_income),
        liquid_net_worth: range(&draft.liquid_net_worth),
        total_net_worth: Some(range(&draft.total_net_worth)),
        permanent_resident: None,
        visa_type: None,
        visa_expiration_date: None,
        is_control_person: draft.control_person == "yes",
        is_affiliated_exchange_or_finra: draft.affiliated == "yes",
        is_politically_exposed: draft.politically_exposed == "yes",
        immediate_family_exposed: draft.family_exposed == "yes",
        employment_status: EmploymentStatus::from_wire(&draft.employment_status),
        employer_name: employed.then(|| draft.employer_name.clone()),
        employer_address: employed
            .then(|| non_empty(&draft.employer_address))
            .flatten(),
        employment_position: employed.then(|| draft.position.clone()),
        affiliated_company: needs_company.then(|| AffiliatedCompany {
            name: non_empty(&draft.company_name),
            address: non_empty(&draft.company_address),
            compliance_email: non_empty(&draft.company_email),
            ticker: non_empty(&draft.company_ticker).map(|t| t.to_ascii_uppercase()),
        }),
        signed_agreements,
        trusted_contact: trusted.then(|| TrustedContact {
            first_name: draft.trusted_first_name.clone(),
            last_name: draft.trusted_last_name.clone(),
            email: draft.trusted_email.clone(),
            phone: draft.trusted_phone.clone(),
        }),
        metadata: BTreeMap::new(),
    })
}
