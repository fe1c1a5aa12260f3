//! Bank accounts over HTTP against real Postgres and the in-process simulator: the link token,
//! the simulated Link with and without JavaScript, Plaid and manual linking, listing,
//! disconnecting, and that one user can never reach another's bank accounts.
#![cfg(feature = "ssr")]

mod common;
mod sim_support;

use common::accounts::{call_json, sign_up, validation};
use common::{spawn_app, spawn_app_with, TestApp};
use serde_json::Value;
use sqlx::PgPool;

/// A signed-in client whose user has an investor.
async fn investor_client(app: &TestApp, pool: &PgPool, email: &str) -> reqwest::Client {
    common::investors::investor_client(
        app,
        pool,
        email,
        &sim_support::investor_body(email, "Lovelace"),
    )
    .await
}

fn sandbox_token() -> String {
    format!("public-sandbox-{}", uuid::Uuid::new_v4())
}

async fn list(app: &TestApp, client: &reqwest::Client) -> Vec<Value> {
    let (status, body) = call_json(app, client, "banks/list", &[]).await;
    assert_eq!(status, 200, "{body}");
    body.as_array().unwrap().clone()
}

/// A form post as a browser without JavaScript sends it: accepts HTML, from a page of the app.
async fn plain_post(
    app: &TestApp,
    client: &reqwest::Client,
    endpoint: &str,
    referer: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(app.url(&format!("/api/{endpoint}")))
        .header("accept", "text/html,application/xhtml+xml")
        .header("referer", app.url(referer))
        .form(form)
        .send()
        .await
        .unwrap()
}

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    let res = client.get(app.url(path)).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap())
}

async fn audit(pool: &PgPool, action: &str) -> Vec<(Option<String>, Value)> {
    sqlx::query_as("SELECT upstream_id, detail FROM audit_log WHERE action = $1 ORDER BY id")
        .bind(action)
        .fetch_all(pool)
        .await
        .unwrap()
}

const MANUAL: &[(&str, &str)] = &[
    ("bank_name", "Chase"),
    ("account_holder_name", "Jane Doe"),
    ("routing_number", "021000021"),
    ("account_number", "000123456789"),
    ("account_number_confirm", "000123456789"),
    ("account_type", "checking"),
];

fn manual_with(field: &str, value: &str) -> Vec<(&'static str, String)> {
    MANUAL
        .iter()
        .map(|(k, v)| (*k, if *k == field { value } else { v }.to_owned()))
        .collect()
}

async fn connect_manual(
    app: &TestApp,
    client: &reqwest::Client,
    form: &[(&'static str, String)],
) -> (u16, Value) {
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    call_json(app, client, "banks/connect_manual", &form).await
}

#[sqlx::test]
async fn link_token_then_plaid_connect_lists_the_accounts(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let client = investor_client(&app, &pool, "ada@example.com").await;
    assert!(list(&app, &client).await.is_empty());

    let (status, start) = call_json(&app, &client, "banks/link_token", &[]).await;
    assert_eq!(status, 200, "{start}");
    assert_eq!(start["simulated"], true);
    assert!(start["link_token"]
        .as_str()
        .unwrap()
        .starts_with("link-sandbox-"));
    let (status, mode) = call_json(&app, &client, "banks/link_mode", &[]).await;
    assert_eq!((status, mode), (200, Value::Bool(true)));

    let token = sandbox_token();
    let (status, linked) = call_json(
        &app,
        &client,
        "banks/connect_plaid",
        &[("public_token", &token)],
    )
    .await;
    assert_eq!(status, 200, "{linked}");
    assert_eq!(linked.as_array().unwrap().len(), 2);

    let banks = list(&app, &client).await;
    assert_eq!(banks.len(), 2);
    let mut masks: Vec<&str> = banks.iter().map(|b| b["mask"].as_str().unwrap()).collect();
    masks.sort();
    assert_eq!(masks, ["0000", "1111"]);
    for bank in &banks {
        assert_eq!(bank["bank_name"], "First Platypus Bank");
        assert_eq!(bank["status"], "Active");
        assert_eq!(bank["plaid"], true);
        assert!(bank["id"].as_str().unwrap().starts_with("fs_"));
    }
    let checking = banks.iter().find(|b| b["mask"] == "0000").unwrap();
    assert_eq!(checking["account_name"], "Plaid Checking");
    assert_eq!(checking["account_type"], "Checking");

    // A public token is single use: the second exchange is refused on the token.
    let (status, body) = call_json(
        &app,
        &client,
        "banks/connect_plaid",
        &[("public_token", &token)],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(validation(&body).0, "public_token");
    // Something that is not a Plaid public token never reaches Bluum.
    let (status, body) = call_json(
        &app,
        &client,
        "banks/connect_plaid",
        &[("public_token", "nope")],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(validation(&body).0, "public_token");

    // The simulated Link's account choice: a token ending in masks links only those.
    let (status, linked) = call_json(
        &app,
        &client,
        "banks/connect_plaid",
        &[("public_token", &format!("{}-1111", sandbox_token()))],
    )
    .await;
    assert_eq!(status, 200, "{linked}");
    assert_eq!(linked.as_array().unwrap().len(), 1);
    assert_eq!(linked[0]["mask"], "1111");
    assert_eq!(list(&app, &client).await.len(), 3);

    // Every linked account is audited under its fs_ id.
    let records = audit(&pool, "bank_linked").await;
    assert_eq!(records.len(), 3);
    for bank in list(&app, &client).await {
        assert!(records
            .iter()
            .any(|(id, _)| id.as_deref() == bank["id"].as_str()));
    }
}

#[sqlx::test]
async fn the_simulated_link_works_without_javascript(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let client = investor_client(&app, &pool, "ada@example.com").await;

    // Search, then the bank.
    let (status, html) = page(&app, &client, "/banks/link?q=platypus").await;
    assert_eq!(status, 200);
    assert!(html.contains("Select your bank"), "{html}");
    assert!(html.contains("/banks/link?step=credentials&amp;institution=ins_109508"));
    let (_, html) = page(&app, &client, "/banks/link?q=chase").await;
    assert!(html.contains("No bank in the sandbox matches that."));

    // Sign in to the bank: wrong credentials go back with the error in the URL...
    let referer = "/banks/link?step=credentials&institution=ins_109508";
    let (_, html) = page(&app, &client, referer).await;
    assert!(html.contains("Sign in to First Platypus Bank"));
    let res = plain_post(
        &app,
        &client,
        "banks/sandbox_sign_in",
        referer,
        &[
            ("institution", "ins_109508"),
            ("username", "user_good"),
            ("password", "pass_bad"),
        ],
    )
    .await;
    assert_eq!(res.status(), 302);
    let back = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(back.contains("__err="), "{back}");
    let (_, html) = page(&app, &client, back.trim_start_matches(&app.url(""))).await;
    assert!(
        html.contains("The username or password is incorrect."),
        "{html}"
    );

    // ...and the right ones move on to the account choice.
    let res = plain_post(
        &app,
        &client,
        "banks/sandbox_sign_in",
        referer,
        &[
            ("institution", "ins_109508"),
            ("username", "user_good"),
            ("password", "pass_good"),
        ],
    )
    .await;
    assert_eq!(res.status(), 302);
    let accounts = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        accounts.starts_with("/banks/link?step=accounts&institution=ins_109508&session="),
        "{accounts}"
    );
    let session = accounts.rsplit('=').next().unwrap().to_owned();
    let (_, html) = page(&app, &client, &accounts).await;
    assert!(html.contains("Choose the accounts to link"));

    // Choosing none asks again; choosing the checking account leads to success.
    let (_, html) = page(
        &app,
        &client,
        &format!("/banks/link?step=success&institution=ins_109508&session={session}"),
    )
    .await;
    assert!(html.contains("Choose at least one account."));
    let (_, html) = page(
        &app,
        &client,
        &format!("/banks/link?step=success&institution=ins_109508&session={session}&account=0000"),
    )
    .await;
    assert!(html.contains("Success"));
    let token = format!("public-sandbox-{session}-0000");
    assert!(html.contains(&token), "{html}");

    // Continue exchanges the token and lands on the list.
    let res = plain_post(
        &app,
        &client,
        "banks/connect_plaid",
        "/banks/link?step=success",
        &[("public_token", &token)],
    )
    .await;
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], "/banks?linked=1");
    let (status, html) = page(&app, &client, "/banks?linked=1").await;
    assert_eq!(status, 200);
    assert!(html.contains("Bank account linked."));
    assert!(html.contains("Plaid Checking"));
    assert!(html.contains("••••0000"));
    assert!(!html.contains("Plaid Saving"));

    // The exit path says nothing was linked.
    let (_, html) = page(&app, &client, "/banks?link=exited").await;
    assert!(html.contains("Nothing was linked."));
}

#[sqlx::test]
async fn sandbox_sign_in_checks_the_sandbox_credentials(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let client = investor_client(&app, &pool, "ada@example.com").await;
    let (status, body) = call_json(
        &app,
        &client,
        "banks/sandbox_sign_in",
        &[
            ("institution", "ins_109508"),
            ("username", "user_bad"),
            ("password", "pass_good"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(validation(&body).0, "password");
    let (status, body) = call_json(
        &app,
        &client,
        "banks/sandbox_sign_in",
        &[
            ("institution", "ins_109508"),
            ("username", "user_good"),
            ("password", "pass_good"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["session"].as_str().unwrap().len(), 36);
}

#[sqlx::test]
async fn manual_bank_details_are_checked_field_by_field(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let client = investor_client(&app, &pool, "ada@example.com").await;

    for (field, value, expected) in [
        ("routing_number", "021000022", "routing_number"),
        ("routing_number", "12345", "routing_number"),
        ("account_number", "123", "account_number"),
        ("account_number", "12345678901234567890", "account_number"),
        (
            "account_number_confirm",
            "000123456780",
            "account_number_confirm",
        ),
        ("bank_name", " ", "bank_name"),
        ("account_holder_name", "", "account_holder_name"),
        ("account_type", "brokerage", "account_type"),
    ] {
        let (status, body) = connect_manual(&app, &client, &manual_with(field, value)).await;
        assert_eq!(status, 422, "{field}={value}: {body}");
        let (got, message) = validation(&body);
        assert_eq!(got, expected, "{field}={value}: {body}");
        assert!(!message.is_empty());
        assert!(!body.to_string().contains("000123456789"), "{body}");
    }
    assert!(list(&app, &client).await.is_empty());

    let (status, bank) = connect_manual(&app, &client, &manual_with("bank_name", "Chase")).await;
    assert_eq!(status, 200, "{bank}");
    assert_eq!(bank["bank_name"], "Chase");
    assert_eq!(bank["mask"], "6789");
    assert_eq!(bank["plaid"], false);
    assert_eq!(bank["account_type"], "Checking");
    assert!(!bank.to_string().contains("000123456789"));
    let banks = list(&app, &client).await;
    assert_eq!(banks.len(), 1);
    assert!(!serde_json::to_string(&banks).unwrap().contains("021000021"));

    // Audited without the numbers; nothing of them kept in our database.
    let records = audit(&pool, "bank_linked").await;
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].0.as_deref(), bank["id"].as_str());
    let dump: String = sqlx::query_scalar("SELECT string_agg(detail::text, ' ') FROM audit_log")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(!dump.contains("000123456789") && !dump.contains("021000021"));

    // Without JavaScript, the form post lands on the list.
    let form: Vec<(&str, &str)> = MANUAL.to_vec();
    let res = plain_post(
        &app,
        &client,
        "banks/connect_manual",
        "/banks/manual",
        &form,
    )
    .await;
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], "/banks?linked=1");
    // ...and a mistake goes back to the form, where the page shows it next to the field.
    let mut bad = MANUAL.to_vec();
    bad[2] = ("routing_number", "021000022");
    let res = plain_post(&app, &client, "banks/connect_manual", "/banks/manual", &bad).await;
    assert_eq!(res.status(), 302);
    let back = res.headers()["location"].to_str().unwrap().to_owned();
    let (_, html) = page(&app, &client, back.trim_start_matches(&app.url(""))).await;
    assert!(
        html.contains("That routing number isn&#x27;t valid")
            || html.contains("That routing number isn't valid"),
        "{html}"
    );
}

#[sqlx::test]
async fn disconnecting_asks_first_and_keeps_the_account_listed_as_disconnected(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let client = investor_client(&app, &pool, "ada@example.com").await;
    let token = sandbox_token();
    call_json(
        &app,
        &client,
        "banks/connect_plaid",
        &[("public_token", &token)],
    )
    .await;
    let banks = list(&app, &client).await;
    let id = banks[0]["id"].as_str().unwrap().to_owned();

    // The confirmation page, then the confirmed form.
    let (status, html) = page(&app, &client, &format!("/banks/disconnect?id={id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Disconnect First Platypus Bank"), "{html}");
    let (status, body) = call_json(&app, &client, "banks/disconnect", &[("id", &id)]).await;
    assert_eq!(status, 200, "{body}");

    let banks = list(&app, &client).await;
    let gone = banks.iter().find(|b| b["id"] == id.as_str()).unwrap();
    assert_eq!(gone["status"], "Disconnected");
    assert_eq!(banks.iter().filter(|b| b["status"] == "Active").count(), 1);
    let records = audit(&pool, "bank_disconnected").await;
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].0.as_deref(), Some(id.as_str()));

    // Without JavaScript the confirmed form lands on the list.
    let other = banks.iter().find(|b| b["status"] == "Active").unwrap();
    let res = plain_post(
        &app,
        &client,
        "banks/disconnect",
        "/banks/disconnect",
        &[("id", other["id"].as_str().unwrap())],
    )
    .await;
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], "/banks?disconnected=1");

    // Nonsense ids are not found.
    let (status, _) = call_json(&app, &client, "banks/disconnect", &[("id", "inv_123")]).await;
    assert_eq!(status, 404);
}

#[sqlx::test]
async fn another_user_cannot_reach_my_bank_accounts(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let ada = investor_client(&app, &pool, "ada@example.com").await;
    let bob = investor_client(&app, &pool, "bob@example.com").await;
    call_json(
        &app,
        &ada,
        "banks/connect_plaid",
        &[("public_token", &sandbox_token())],
    )
    .await;
    let before = list(&app, &ada).await;
    let id = before[0]["id"].as_str().unwrap().to_owned();

    // Bob's list is his own.
    assert!(list(&app, &bob).await.is_empty());
    // Ada's ids are unknown to Bob, to read and to disconnect.
    let (status, _) = call_json(&app, &bob, "banks/get", &[("id", &id)]).await;
    assert_eq!(status, 404);
    let (status, _) = call_json(&app, &bob, "banks/disconnect", &[("id", &id)]).await;
    assert_eq!(status, 404);
    let (status, html) = page(&app, &bob, &format!("/banks/disconnect?id={id}")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("We couldn&#x27;t find that.") || html.contains("We couldn't find that."),
        "{html}"
    );
    // Bob linking a bank (an investor id in the form is ignored) links it to his investor.
    let (status, body) = call_json(
        &app,
        &bob,
        "banks/connect_plaid",
        &[("public_token", &sandbox_token()), ("investor_id", "inv_x")],
    )
    .await;
    assert!(status == 200 || status == 400, "{body}");

    // Nothing of Ada's changed, and nothing was audited as disconnected.
    assert_eq!(list(&app, &ada).await, before);
    assert!(audit(&pool, "bank_disconnected").await.is_empty());
}

#[sqlx::test]
async fn bank_calls_need_a_signed_in_user_with_an_investor(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let anonymous = app.new_client();
    for endpoint in [
        "banks/list",
        "banks/get",
        "banks/link_mode",
        "banks/link_token",
        "banks/sandbox_sign_in",
        "banks/connect_plaid",
        "banks/connect_manual",
        "banks/disconnect",
    ] {
        let (status, body) = call_json(&app, &anonymous, endpoint, &[]).await;
        assert_eq!(status, 401, "{endpoint}: {body}");
    }
    let res = anonymous.get(app.url("/banks")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/sign-in?next=/banks");

    // Signed in but not onboarded: 409, and the pages point to onboarding.
    let client = app.new_client();
    sign_up(&app, &client, "new@example.com").await;
    let (status, body) = call_json(&app, &client, "banks/list", &[]).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body, Value::String("NotOnboarded".into()));
    for path in ["/banks", "/banks/link", "/banks/manual"] {
        let (status, html) = page(&app, &client, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(html.contains("href=\"/onboarding\""), "{path}: {html}");
    }
}

#[sqlx::test]
async fn plaid_is_allowed_in_the_csp_of_the_linking_page_only(pool: PgPool) {
    // With a key pair (pointing nowhere: no call needs to succeed for the headers).
    let app = spawn_app_with(
        pool.clone(),
        &[
            ("BLUUM_API_KEY", "apk_test"),
            ("BLUUM_API_SECRET", "sk_test"),
            ("BLUUM_BASE_URL", "http://127.0.0.1:9/v1"),
        ],
    )
    .await;
    let csp = |res: &reqwest::Response| {
        res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned()
    };
    let client = app.new_client();
    for path in ["/", "/sign-in", "/banks"] {
        let res = client.get(app.url(path)).send().await.unwrap();
        assert!(!csp(&res).contains("plaid.com"), "{path}");
    }
    let res = client.get(app.url("/banks/link")).send().await.unwrap();
    let policy = csp(&res);
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(policy.contains("https://cdn.plaid.com"), "{policy}");
    assert!(
        policy.contains("frame-src https://cdn.plaid.com"),
        "{policy}"
    );

    // With the simulator, Link is simulated: no Plaid anywhere.
    let sim_app = spawn_app(pool).await;
    let res = sim_app
        .new_client()
        .get(sim_app.url("/banks/link"))
        .send()
        .await
        .unwrap();
    assert!(!csp(&res).contains("plaid.com"));
}
