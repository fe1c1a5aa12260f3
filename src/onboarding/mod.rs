//! The onboarding wizard's rules, shared by the server and the browser: its steps, the answers
//! a user has given so far ([`Draft`]), and how each step is checked.
//!
//! The server checks every step when it is saved and the whole draft again before the investor
//! is created; the same functions give instant feedback in the browser once it has hydrated.
//! The tax id is not part of the draft: it is asked for on the last step and sent to Bluum
//! straight away, never stored by us.

pub mod countries;

use serde::{Deserialize, Serialize};

pub use countries::COUNTRIES;

/// The wizard's steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Step {
    Identity,
    Contact,
    Address,
    Employment,
    Financial,
    Disclosures,
    TrustedContact,
    Agreements,
}

impl Step {
    pub const ALL: [Step; 8] = [
        Step::Identity,
        Step::Contact,
        Step::Address,
        Step::Employment,
        Step::Financial,
        Step::Disclosures,
        Step::TrustedContact,
        Step::Agreements,
    ];

    /// The step's part of the URL: `/onboarding/<slug>`.
    pub fn slug(self) -> &'static str {
        match self {
            Step::Identity => "identity",
            Step::Contact => "contact",
            Step::Address => "address",
            Step::Employment => "employment",
            Step::Financial => "financial",
            Step::Disclosures => "disclosures",
            Step::TrustedContact => "trusted-contact",
            Step::Agreements => "agreements",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.slug() == slug)
    }

    pub fn title(self) -> &'static str {
        match self {
            Step::Identity => "About you",
            Step::Contact => "How to reach you",
            Step::Address => "Home address",
            Step::Employment => "Employment",
            Step::Financial => "Financial profile",
            Step::Disclosures => "Disclosures",
            Step::TrustedContact => "Trusted contact",
            Step::Agreements => "Review and agree",
        }
    }

    /// 1-based position, for "Step 3 of 8".
    pub fn number(self) -> usize {
        self as usize + 1
    }

    pub fn next(self) -> Option<Step> {
        Step::ALL.get(self as usize + 1).copied()
    }

    pub fn previous(self) -> Option<Step> {
        (self as usize).checked_sub(1).map(|i| Step::ALL[i])
    }

    /// The draft fields this step's form owns (saving the step replaces exactly these).
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Step::Identity => &[
                "first_name",
                "middle_name",
                "last_name",
                "date_of_birth",
                "citizenship",
                "country_of_birth",
                "tax_residence",
            ],
            Step::Contact => &["email", "phone_country", "phone"],
            Step::Address => &[
                "street1",
                "street2",
                "unit",
                "city",
                "state",
                "postal_code",
                "country",
            ],
            Step::Employment => &[
                "employment_status",
                "employer_name",
                "position",
                "employer_address",
            ],
            Step::Financial => &[
                "annual_income",
                "liquid_net_worth",
                "total_net_worth",
                "source_employment_income",
                "source_investments",
                "source_inheritance",
                "source_business_income",
                "source_savings",
                "source_family",
                "source_other",
            ],
            Step::Disclosures => &[
                "control_person",
                "affiliated",
                "politically_exposed",
                "family_exposed",
                "company_name",
                "company_ticker",
                "company_address",
                "company_email",
            ],
            Step::TrustedContact => &[
                "trusted_first_name",
                "trusted_last_name",
                "trusted_email",
                "trusted_phone",
            ],
            Step::Agreements => &["agree_investor", "agree_margin", "agree_w8ben"],
        }
    }

    /// The step a draft field (or a Bluum `param` such as `address.postal_code`) belongs to,
    /// with the field's name in our form.
    pub fn of_field(field: &str) -> Option<(Step, &'static str)> {
        let field = match field {
            "country_of_citizenship" => "citizenship",
            "country_of_tax_residence" => "tax_residence",
            "address" | "address.street" | "street" => "street1",
            "employment_position" => "position",
            "funding_source" => "source_employment_income",
            "is_control_person" => "control_person",
            "is_affiliated_exchange_or_finra" => "affiliated",
            "is_politically_exposed" => "politically_exposed",
            "immediate_family_exposed" => "family_exposed",
            "affiliated_company" | "affiliated_company.name" => "company_name",
            "affiliated_company.ticker" => "company_ticker",
            "trusted_contact" | "trusted_contact.first_name" => "trusted_first_name",
            "trusted_contact.last_name" => "trusted_last_name",
            "trusted_contact.email" => "trusted_email",
            "trusted_contact.phone" => "trusted_phone",
            "signed_agreements" => "agree_investor",
            other => other.strip_prefix("address.").unwrap_or(other),
        };
        Step::ALL
            .into_iter()
            .find_map(|s| s.fields().iter().find(|f| **f == field).map(|f| (s, *f)))
    }
}

/// Everything the user has answered so far, as typed (strings; empty means not answered).
/// Never holds the tax id. Stored in our database as JSON between visits.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    // identity
    pub first_name: String,
    pub middle_name: String,
    pub last_name: String,
    /// `YYYY-MM-DD`.
    pub date_of_birth: String,
    pub citizenship: String,
    pub country_of_birth: String,
    pub tax_residence: String,
    // contact
    pub email: String,
    /// Alpha-2 of the phone number's country (its dialling code is prefixed).
    pub phone_country: String,
    /// The number without the country code.
    pub phone: String,
    // address
    pub street1: String,
    pub street2: String,
    pub unit: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub country: String,
    // employment
    pub employment_status: String,
    pub employer_name: String,
    pub position: String,
    pub employer_address: String,
    // financial profile
    pub annual_income: String,
    pub liquid_net_worth: String,
    pub total_net_worth: String,
    pub source_employment_income: String,
    pub source_investments: String,
    pub source_inheritance: String,
    pub source_business_income: String,
    pub source_savings: String,
    pub source_family: String,
    pub source_other: String,
    // disclosures ("yes" / "no")
    pub control_person: String,
    pub affiliated: String,
    pub politically_exposed: String,
    pub family_exposed: String,
    pub company_name: String,
    pub company_ticker: String,
    pub company_address: String,
    pub company_email: String,
    // trusted contact (optional: all or nothing)
    pub trusted_first_name: String,
    pub trusted_last_name: String,
    pub trusted_email: String,
    pub trusted_phone: String,
    // agreements ("on" when ticked)
    pub agree_investor: String,
    pub agree_margin: String,
    pub agree_w8ben: String,
}

/// Calls `$then!(field, field, …)` with every field of [`Draft`], so the name-to-field lookups
/// below are written once.
macro_rules! with_draft_fields {
    ($then:ident) => {
        $then!(
            first_name,
            middle_name,
            last_name,
            date_of_birth,
            citizenship,
            country_of_birth,
            tax_residence,
            email,
            phone_country,
            phone,
            street1,
            street2,
            unit,
            city,
            state,
            postal_code,
            country,
            employment_status,
            employer_name,
            position,
            employer_address,
            annual_income,
            liquid_net_worth,
            total_net_worth,
            source_employment_income,
            source_investments,
            source_inheritance,
            source_business_income,
            source_savings,
            source_family,
            source_other,
            control_person,
            affiliated,
            politically_exposed,
            family_exposed,
            company_name,
            company_ticker,
            company_address,
            company_email,
            trusted_first_name,
            trusted_last_name,
            trusted_email,
            trusted_phone,
            agree_investor,
            agree_margin,
            agree_w8ben,
        )
    };
}

/// One message for one field.
pub type FieldErrors = Vec<(String, String)>;

impl Draft {
    /// The value of a field by name (`""` for unknown names).
    pub fn get(&self, field: &str) -> &str {
        macro_rules! pick {
            ($($f:ident),* $(,)?) => {
                match field {
                    $(stringify!($f) => &self.$f,)*
                    _ => "",
                }
            };
        }
        with_draft_fields!(pick)
    }

    fn slot(&mut self, field: &str) -> Option<&mut String> {
        macro_rules! pick {
            ($($f:ident),* $(,)?) => {
                match field {
                    $(stringify!($f) => Some(&mut self.$f),)*
                    _ => None,
                }
            };
        }
        with_draft_fields!(pick)
    }

    /// A draft from a form's `(name, value)` pairs (trimmed; unknown names are ignored), as
    /// the browser checks a step before sending it.
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut draft = Self::default();
        for (name, value) in pairs {
            if let Some(slot) = draft.slot(name) {
                *slot = value.trim().to_owned();
            }
        }
        draft
    }

    /// Takes `step`'s fields from `form` (trimmed), leaving every other answer as it was.
    pub fn merge_step(&mut self, step: Step, form: &Draft) {
        for field in step.fields() {
            let value = form.get(field).trim().to_owned();
            if let Some(slot) = self.slot(field) {
                *slot = value;
            }
        }
    }

    /// The phone number in E.164 (`+14155550123`), when the parts make one.
    pub fn phone_e164(&self) -> Option<String> {
        e164(&self.phone_country, &self.phone)
    }

    /// Sources of wealth ticked, as Bluum's values.
    pub fn wealth_sources(&self) -> Vec<&'static str> {
        WEALTH_SOURCES
            .iter()
            .filter(|(value, _)| !self.get(&format!("source_{value}")).is_empty())
            .map(|(value, _)| *value)
            .collect()
    }

    /// Whether a W-8BEN is needed: tax residence outside the US.
    pub fn needs_w8ben(&self) -> bool {
        !self.tax_residence.is_empty() && self.tax_residence != "US"
    }

    /// Whether the user is employed (employer and position are asked for).
    pub fn is_employed(&self) -> bool {
        self.employment_status == "employed"
    }

    /// Checks one step. `today` is `(year, month, day)` for the age check.
    pub fn check_step(&self, step: Step, today: (i32, u8, u8)) -> FieldErrors {
        let mut errors = Errors::default();
        let d = self;
        match step {
            Step::Identity => {
                errors.name("first_name", &d.first_name, true, "first name");
                errors.name("middle_name", &d.middle_name, false, "middle name");
                errors.name("last_name", &d.last_name, true, "last name");
                match parse_date(&d.date_of_birth) {
                    None => errors.add("date_of_birth", "Enter your date of birth."),
                    Some(dob) => {
                        let age = age_on(dob, today);
                        if age < 18 {
                            errors.add(
                                "date_of_birth",
                                "You must be 18 or older to open an investing account.",
                            );
                        } else if age > 120 {
                            errors.add("date_of_birth", "Check the year of your date of birth.");
                        }
                    }
                }
                errors.country("citizenship", &d.citizenship, "Choose your citizenship.");
                errors.country(
                    "country_of_birth",
                    &d.country_of_birth,
                    "Choose the country you were born in.",
                );
                errors.country(
                    "tax_residence",
                    &d.tax_residence,
                    "Choose the country where you pay taxes.",
                );
            }
            Step::Contact => {
                if !valid_email(&d.email) {
                    errors.add(
                        "email",
                        "Enter a valid email address, like name@example.com.",
                    );
                }
                errors.country(
                    "phone_country",
                    &d.phone_country,
                    "Choose your phone number's country.",
                );
                if d.phone.is_empty() {
                    errors.add("phone", "Enter your mobile phone number.");
                } else if d.phone_e164().is_none() {
                    errors.add(
                        "phone",
                        "Enter the number without the country code: digits only, like 4155550123.",
                    );
                }
            }
            Step::Address => {
                errors.text(
                    "street1",
                    &d.street1,
                    true,
                    100,
                    "Enter your street address.",
                );
                errors.text("street2", &d.street2, false, 100, "");
                errors.text("unit", &d.unit, false, 20, "");
                errors.text("city", &d.city, true, 60, "Enter your city.");
                errors.country("country", &d.country, "Choose your country.");
                if d.country == "US" {
                    if !US_STATES.iter().any(|(code, _)| *code == d.state) {
                        errors.add("state", "Choose your state.");
                    }
                    if !valid_zip(&d.postal_code) {
                        errors.add("postal_code", "Enter a 5-digit ZIP code, like 94105.");
                    }
                } else {
                    errors.text("state", &d.state, false, 60, "");
                    errors.text("postal_code", &d.postal_code, false, 12, "");
                }
            }
            Step::Employment => {
                if !EMPLOYMENT_STATUSES
                    .iter()
                    .any(|(v, _)| *v == d.employment_status)
                {
                    errors.add("employment_status", "Choose your employment status.");
                }
                if d.is_employed() {
                    errors.text(
                        "employer_name",
                        &d.employer_name,
                        true,
                        100,
                        "Enter your employer's name.",
                    );
                    errors.text("position", &d.position, true, 100, "Enter your job title.");
                    errors.text("employer_address", &d.employer_address, false, 200, "");
                }
            }
            Step::Financial => {
                for (field, what) in [
                    ("annual_income", "your yearly income"),
                    ("liquid_net_worth", "your liquid net worth"),
                    ("total_net_worth", "your total net worth"),
                ] {
                    if bracket(d.get(field)).is_none() {
                        errors.add(field, format!("Choose {what}."));
                    }
                }
                if d.wealth_sources().is_empty() {
                    errors.add(
                        "source_employment_income",
                        "Choose at least one source of the money you'll invest.",
                    );
                }
            }
            Step::Disclosures => {
                for field in [
                    "control_person",
                    "affiliated",
                    "politically_exposed",
                    "family_exposed",
                ] {
                    if !matches!(d.get(field), "yes" | "no") {
                        errors.add(field, "Answer yes or no.");
                    }
                }
                let needs_company = d.control_person == "yes" || d.affiliated == "yes";
                if needs_company {
                    errors.text(
                        "company_name",
                        &d.company_name,
                        true,
                        100,
                        "Enter the company's name.",
                    );
                }
                if d.control_person == "yes" && !valid_ticker(&d.company_ticker) {
                    errors.add(
                        "company_ticker",
                        "Enter the company's ticker symbol, like ACME.",
                    );
                }
                if d.affiliated == "yes"
                    && !d.company_email.is_empty()
                    && !valid_email(&d.company_email)
                {
                    errors.add("company_email", "Enter a valid email address.");
                }
            }
            Step::TrustedContact => {
                let parts = [
                    &d.trusted_first_name,
                    &d.trusted_last_name,
                    &d.trusted_email,
                    &d.trusted_phone,
                ];
                if parts.iter().any(|p| !p.is_empty()) {
                    errors.name(
                        "trusted_first_name",
                        &d.trusted_first_name,
                        true,
                        "their first name",
                    );
                    errors.name(
                        "trusted_last_name",
                        &d.trusted_last_name,
                        true,
                        "their last name",
                    );
                    if !valid_email(&d.trusted_email) {
                        errors.add("trusted_email", "Enter their email address.");
                    }
                    if !valid_e164(&d.trusted_phone) {
                        errors.add(
                            "trusted_phone",
                            "Enter their phone number with the country code, like +14155550123.",
                        );
                    }
                }
            }
            Step::Agreements => {
                if d.agree_investor.is_empty() {
                    errors.add(
                        "agree_investor",
                        "Agree to the investor agreement to continue.",
                    );
                }
                if d.agree_margin.is_empty() {
                    errors.add(
                        "agree_margin",
                        "Acknowledge the margin disclosure to continue.",
                    );
                }
                if d.needs_w8ben() && d.agree_w8ben.is_empty() {
                    errors.add(
                        "agree_w8ben",
                        "Certify the W-8BEN: it is required when you pay taxes outside the US.",
                    );
                }
            }
        }
        errors.0
    }

    /// The first step with a problem, and its problems (every step before the agreements).
    pub fn first_incomplete(&self, today: (i32, u8, u8)) -> Option<(Step, FieldErrors)> {
        Step::ALL
            .into_iter()
            .map(|step| (step, self.check_step(step, today)))
            .find(|(_, errors)| !errors.is_empty())
    }
}

/// Checks the tax id for its type: US numbers as `123-45-6789` (dashes optional), others as 4
/// to 20 letters and digits.
pub fn check_tax_id(kind: &str, value: &str) -> Result<String, (String, String)> {
    if !TAX_ID_TYPES.iter().any(|(v, _)| *v == kind) {
        return Err((
            "tax_id_type".into(),
            "Choose the type of your tax id.".into(),
        ));
    }
    let compact: String = value.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    match kind {
        "SSN" | "ITIN" => {
            if compact.len() != 9 || !compact.chars().all(|c| c.is_ascii_digit()) {
                return Err((
                    "tax_id".into(),
                    "Enter the 9 digits of your number, like 123-45-6789.".into(),
                ));
            }
            Ok(format!(
                "{}-{}-{}",
                &compact[..3],
                &compact[3..5],
                &compact[5..]
            ))
        }
        _ => {
            if !(4..=20).contains(&compact.len())
                || !compact.chars().all(|c| c.is_ascii_alphanumeric())
            {
                return Err((
                    "tax_id".into(),
                    "Enter your tax id: 4 to 20 letters and digits.".into(),
                ));
            }
            Ok(compact.to_ascii_uppercase())
        }
    }
}

#[derive(Default)]
struct Errors(FieldErrors);

impl Errors {
    fn add(&mut self, field: &str, message: impl Into<String>) {
        if !self.0.iter().any(|(f, _)| f == field) {
            self.0.push((field.to_owned(), message.into()));
        }
    }

    fn text(&mut self, field: &str, value: &str, required: bool, max: usize, missing: &str) {
        if value.is_empty() {
            if required {
                self.add(field, missing);
            }
        } else if value.chars().count() > max {
            self.add(field, format!("Keep it under {max} characters."));
        } else if let Err(message) = crate::text::free_text(value) {
            self.add(field, message);
        }
    }

    fn name(&mut self, field: &str, value: &str, required: bool, what: &str) {
        if value.is_empty() {
            if required {
                self.add(field, format!("Enter {}.", with_article(what)));
            }
        } else if value.chars().count() > 50 {
            self.add(field, "Keep it under 50 characters.");
        } else if let Err(message) = crate::text::person_name(value) {
            self.add(field, message);
        }
    }

    fn country(&mut self, field: &str, value: &str, missing: &str) {
        if country_name(value).is_none() {
            self.add(field, missing);
        }
    }
}

fn with_article(what: &str) -> String {
    if what.starts_with("their") {
        what.to_owned()
    } else {
        format!("your {what}")
    }
}

/// The country's name for an alpha-2 code.
pub fn country_name(code: &str) -> Option<&'static str> {
    COUNTRIES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, name, _)| *name)
}

/// `+<dialling code><digits>` when `national` is a plausible number for `country`.
pub fn e164(country: &str, national: &str) -> Option<String> {
    let (_, _, code) = COUNTRIES.iter().find(|(c, _, _)| *c == country)?;
    let digits: String = national
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.'))
        .collect();
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let full = format!("+{code}{digits}");
    valid_e164(&full).then_some(full)
}

/// `+` then 8 to 15 digits, not starting with 0.
pub fn valid_e164(value: &str) -> bool {
    value.strip_prefix('+').is_some_and(|d| {
        (8..=15).contains(&d.len()) && d.chars().all(|c| c.is_ascii_digit()) && !d.starts_with('0')
    })
}

pub fn valid_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && value.len() <= 254
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        && !domain.contains('@')
}

fn valid_zip(value: &str) -> bool {
    let b = value.as_bytes();
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    (b.len() == 5 && digits(b))
        || (b.len() == 10 && digits(&b[..5]) && b[5] == b'-' && digits(&b[6..]))
}

fn valid_ticker(value: &str) -> bool {
    (1..=6).contains(&value.len()) && value.chars().all(|c| c.is_ascii_alphabetic() || c == '.')
}

/// `(year, month, day)` of a `YYYY-MM-DD` date that exists.
pub fn parse_date(value: &str) -> Option<(i32, u8, u8)> {
    let mut parts = value.splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    if value.len() != 10 || !(1..=12).contains(&month) || day == 0 {
        return None;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    (day <= days).then_some((year, month, day))
}

/// Whole years from `born` to `today`.
pub fn age_on(born: (i32, u8, u8), today: (i32, u8, u8)) -> i32 {
    let mut age = today.0 - born.0;
    if (today.1, today.2) < (born.1, born.2) {
        age -= 1;
    }
    age
}

/// A money bracket's `(min, max)` in dollars (`None` max: and above).
pub fn bracket(key: &str) -> Option<(u64, Option<u64>)> {
    BRACKETS
        .iter()
        .find(|(k, _, _, _)| *k == key)
        .map(|(_, _, min, max)| (*min, *max))
}

/// `(key, label, min, max)` of the brackets offered for income and net worth.
pub const BRACKETS: &[(&str, &str, u64, Option<u64>)] = &[
    ("0-24999", "Under $25,000", 0, Some(24_999)),
    ("25000-49999", "$25,000 – $49,999", 25_000, Some(49_999)),
    ("50000-99999", "$50,000 – $99,999", 50_000, Some(99_999)),
    (
        "100000-249999",
        "$100,000 – $249,999",
        100_000,
        Some(249_999),
    ),
    (
        "250000-499999",
        "$250,000 – $499,999",
        250_000,
        Some(499_999),
    ),
    (
        "500000-999999",
        "$500,000 – $999,999",
        500_000,
        Some(999_999),
    ),
    ("1000000-", "$1,000,000 or more", 1_000_000, None),
];

/// Bluum's sources of wealth, with what the form says.
pub const WEALTH_SOURCES: &[(&str, &str)] = &[
    ("employment_income", "Salary or wages"),
    ("investments", "Investments"),
    ("inheritance", "Inheritance"),
    ("business_income", "Business income"),
    ("savings", "Savings"),
    ("family", "Family"),
    ("other", "Something else"),
];

pub const EMPLOYMENT_STATUSES: &[(&str, &str)] = &[
    ("employed", "Employed or self-employed"),
    ("unemployed", "Not employed"),
    ("student", "Student"),
    ("retired", "Retired"),
];

pub const TAX_ID_TYPES: &[(&str, &str)] = &[
    ("SSN", "US Social Security number (SSN)"),
    (
        "ITIN",
        "US Individual Taxpayer Identification number (ITIN)",
    ),
    ("NINO", "UK National Insurance number"),
    ("UTR", "UK Unique Taxpayer Reference"),
    ("SIN", "Canada Social Insurance number"),
    ("TFN", "Australia Tax File number"),
    ("PAN", "India Permanent Account number"),
    ("NIN", "National Identification number"),
    ("KRA_PIN", "Kenya KRA PIN"),
    ("TIN", "Taxpayer Identification number (TIN)"),
    ("OTHER", "Another tax id"),
];

pub const US_STATES: &[(&str, &str)] = &[
    ("AL", "Alabama"),
    ("AK", "Alaska"),
    ("AZ", "Arizona"),
    ("AR", "Arkansas"),
    ("CA", "California"),
    ("CO", "Colorado"),
    ("CT", "Connecticut"),
    ("DE", "Delaware"),
    ("DC", "District of Columbia"),
    ("FL", "Florida"),
    ("GA", "Georgia"),
    ("HI", "Hawaii"),
    ("ID", "Idaho"),
    ("IL", "Illinois"),
    ("IN", "Indiana"),
    ("IA", "Iowa"),
    ("KS", "Kansas"),
    ("KY", "Kentucky"),
    ("LA", "Louisiana"),
    ("ME", "Maine"),
    ("MD", "Maryland"),
    ("MA", "Massachusetts"),
    ("MI", "Michigan"),
    ("MN", "Minnesota"),
    ("MS", "Mississippi"),
    ("MO", "Missouri"),
    ("MT", "Montana"),
    ("NE", "Nebraska"),
    ("NV", "Nevada"),
    ("NH", "New Hampshire"),
    ("NJ", "New Jersey"),
    ("NM", "New Mexico"),
    ("NY", "New York"),
    ("NC", "North Carolina"),
    ("ND", "North Dakota"),
    ("OH", "Ohio"),
    ("OK", "Oklahoma"),
    ("OR", "Oregon"),
    ("PA", "Pennsylvania"),
    ("RI", "Rhode Island"),
    ("SC", "South Carolina"),
    ("SD", "South Dakota"),
    ("TN", "Tennessee"),
    ("TX", "Texas"),
    ("UT", "Utah"),
    ("VT", "Vermont"),
    ("VA", "Virginia"),
    ("WA", "Washington"),
    ("WV", "West Virginia"),
    ("WI", "Wisconsin"),
    ("WY", "Wyoming"),
    ("PR", "Puerto Rico"),
];

/// The agreements' text, shown in full on the last step (`{brand}` stands for the product's
/// name, [`crate::brand::Brand::name`]).
pub const INVESTOR_AGREEMENT: &str = "I open a self-directed brokerage account held with Bluum's \
custodian. I will make my own investment decisions; no one at {brand} gives me advice. I \
understand that investing involves risk, including the loss of the money I invest, that past \
performance does not guarantee future results, and that securities are not FDIC insured. I \
confirm that the information I have given is true and complete, and I will keep it up to date. \
I agree to receive statements, confirmations and notices electronically.";
pub const MARGIN_DISCLOSURE: &str = "My account is a cash account: I can buy only with money \
that has settled in my wallet. I have read the margin disclosure statement, which explains that \
borrowing to invest (margin) can magnify losses, that a firm can sell my securities without \
asking me if my equity falls, and that I can lose more than I deposit. Margin is not offered \
unless I ask for it and am approved separately.";
pub const W8BEN_TEXT: &str = "Under penalties of perjury, I certify that I am not a US person, \
that I am the beneficial owner of the income in this account, that I am a resident of the \
country I gave as my tax residence, and that I will tell Bluum within 30 days if this changes.";

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: (i32, u8, u8) = (2026, 12, 4);

    fn complete() -> Draft {
        Draft {
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            date_of_birth: "1990-06-15".into(),
            citizenship: "US".into(),
            country_of_birth: "US".into(),
            tax_residence: "US".into(),
            email: "ada@example.com".into(),
            phone_country: "US".into(),
            phone: "(415) 555-0123".into(),
            street1: "1 Market St".into(),
            city: "San Francisco".into(),
            state: "CA".into(),
            postal_code: "94105".into(),
            country: "US".into(),
            employment_status: "retired".into(),
            annual_income: "50000-99999".into(),
            liquid_net_worth: "25000-49999".into(),
            total_net_worth: "100000-249999".into(),
            source_savings: "on".into(),
            control_person: "no".into(),
            affiliated: "no".into(),
            politically_exposed: "no".into(),
            family_exposed: "no".into(),
            agree_investor: "on".into(),
            agree_margin: "on".into(),
            ..Draft::default()
        }
    }

    #[test]
    fn a_complete_draft_passes_every_step() {
        assert_eq!(complete().first_incomplete(TODAY), None);
        assert_eq!(complete().phone_e164().as_deref(), Some("+14155550123"));
        assert_eq!(complete().wealth_sources(), vec!["savings"]);
    }

    #[test]
    fn minors_are_refused_on_the_date_of_birth() {
        let mut d = complete();
        d.date_of_birth = "2010-01-01".into();
        let errors = d.check_step(Step::Identity, TODAY);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].0, "date_of_birth");
        d.date_of_birth = "2008-12-04".into();
        assert!(d.check_step(Step::Identity, TODAY).is_empty(), "18 today");
        d.date_of_birth = "2008-12-05".into();
        assert!(
            !d.check_step(Step::Identity, TODAY).is_empty(),
            "18 tomorrow"
        );
        d.date_of_birth = "1990-02-30".into();
        assert!(!d.check_step(Step::Identity, TODAY).is_empty());
    }

    #[test]
    fn us_addresses_need_state_and_zip() {
        let mut d = complete();
        d.state.clear();
        d.postal_code = "941".into();
        let fields: Vec<_> = d
            .check_step(Step::Address, TODAY)
            .into_iter()
            .map(|e| e.0)
            .collect();
        assert_eq!(fields, ["state", "postal_code"]);
        d.country = "GB".into();
        assert!(d.check_step(Step::Address, TODAY).is_empty());
    }

    #[test]
    fn employed_people_name_their_employer_and_control_persons_their_company() {
        let mut d = complete();
        d.employment_status = "employed".into();
        let fields: Vec<_> = d
            .check_step(Step::Employment, TODAY)
            .into_iter()
            .map(|e| e.0)
            .collect();
        assert_eq!(fields, ["employer_name", "position"]);
        d.control_person = "yes".into();
        let fields: Vec<_> = d
            .check_step(Step::Disclosures, TODAY)
            .into_iter()
            .map(|e| e.0)
            .collect();
        assert_eq!(fields, ["company_name", "company_ticker"]);
    }

    #[test]
    fn trusted_contact_is_all_or_nothing_and_w8ben_follows_tax_residence() {
        let mut d = complete();
        d.trusted_first_name = "Grace".into();
        assert_eq!(d.check_step(Step::TrustedContact, TODAY).len(), 3);
        d.tax_residence = "GB".into();
        assert_eq!(d.check_step(Step::Agreements, TODAY)[0].0, "agree_w8ben");
    }

    #[test]
    fn merging_a_step_touches_only_its_fields() {
        let mut d = complete();
        let form = Draft {
            city: "  Oakland ".into(),
            first_name: "Eve".into(),
            ..Draft::default()
        };
        d.merge_step(Step::Address, &form);
        assert_eq!(d.city, "Oakland");
        assert_eq!(d.first_name, "Ada");
        assert_eq!(
            d.street1, "",
            "the address form owns street1: an absent field clears it"
        );
    }

    #[test]
    fn bluum_params_map_to_the_step_and_field() {
        assert_eq!(Step::of_field("phone"), Some((Step::Contact, "phone")));
        assert_eq!(
            Step::of_field("address.postal_code"),
            Some((Step::Address, "postal_code"))
        );
        assert_eq!(
            Step::of_field("country_of_tax_residence"),
            Some((Step::Identity, "tax_residence"))
        );
        assert_eq!(Step::of_field("tax_id"), None);
        for step in Step::ALL {
            assert_eq!(Step::from_slug(step.slug()), Some(step));
            for field in step.fields() {
                assert_eq!(Step::of_field(field), Some((step, *field)), "{field}");
            }
        }
    }

    #[test]
    fn tax_ids_are_checked_for_their_type() {
        assert_eq!(check_tax_id("SSN", "123 45 6789").unwrap(), "123-45-6789");
        assert!(check_tax_id("SSN", "12345678").is_err());
        assert_eq!(check_tax_id("NINO", "qq 12 34 56 c").unwrap(), "QQ123456C");
        assert_eq!(check_tax_id("XYZ", "1234").unwrap_err().0, "tax_id_type");
    }
}
