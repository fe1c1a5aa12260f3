// Seeds the benchmark: `users` signed-in users, each with an approved investor, a linked bank,
// a completed $10,000 deposit and three filled buys. Investors are created in the simulator
// directly (as the onboarding wizard would have) and linked through `psql`; everything else
// goes through the app's own server functions. Prints one session cookie per line.
//   node bench-seed.mjs <app base> <simulator base> <users> <database url>
import { execFileSync } from "node:child_process";

const [base, sim, users, databaseUrl] = process.argv.slice(2);
const simAuth = "Basic " + Buffer.from("apk_sim_demo:sk_sim_demo_secret").toString("base64");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function call(cookie, endpoint, form) {
  const res = await fetch(`${base}/api/${endpoint}`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
      origin: base,
      ...(cookie ? { cookie } : {}),
    },
    body: new URLSearchParams(form).toString(),
  });
  const text = await res.text();
  let body;
  try { body = JSON.parse(text); } catch { body = text; }
  if (res.status >= 400) throw new Error(`${endpoint}: ${res.status} ${text}`);
  const set = res.headers.get("set-cookie");
  return { body, cookie: set ? set.split(";")[0] : cookie };
}

// The simulator keeps Bluum's sandbox rate limit (10 requests a second per key pair, shared
// with the app): wait as its Retry-After says.
async function simJson(method, path, body) {
  let res;
  for (let attempt = 0; attempt < 20; attempt++) {
    res = await fetch(`${sim}/v1${path}`, {
      method,
      headers: { authorization: simAuth, "content-type": "application/json" },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (res.status !== 429) break;
    await sleep(1000 * Number(res.headers.get("retry-after") || 1));
  }
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

function investorBody(email) {
  const signed = { signed_at: "2026-11-25T09:00:00Z", ip_address: "203.0.113.7" };
  return {
    account_type: "individual", first_name: "Bench", last_name: "User", date_of_birth: "1990-12-10",
    email, phone: "+14155550123",
    address: { street: ["1 Main St"], city: "San Francisco", state: "CA", postal_code: "94105", country: "US" },
    tax_id: "444-55-4321", tax_id_type: "SSN", country_of_citizenship: "US", country_of_birth: "US",
    country_of_tax_residence: "US", funding_source: ["employment_income"],
    annual_income: { min: "75000", max: "99999" }, liquid_net_worth: { min: "10000", max: "49999" },
    is_control_person: false, is_affiliated_exchange_or_finra: false, is_politically_exposed: false,
    immediate_family_exposed: false, employment_status: "employed", employer_name: "Bench Ltd",
    employment_position: "Engineer",
    signed_agreements: [{ type: "investor_agreement", ...signed }, { type: "margin_disclosure_acknowledged", ...signed }],
  };
}

async function until(what, probe) {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (value) return value;
    await sleep(300);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const stamp = Date.now();
for (let i = 0; i < Number(users); i++) {
  const email = `bench-${stamp}-${i}@example.com`;
  let { cookie } = await call(null, "auth/sign_up", { name: "Bench User", email, password: "plum-harbor-gravel-42" });
  const investor = await simJson("POST", "/investors", investorBody(email));
  await until("approval", async () => (await simJson("GET", `/investors/${investor.id}`)).status === "active");
  execFileSync("psql", ["-q", databaseUrl, "-c",
    `INSERT INTO user_investors (user_id, investor_id) SELECT id, '${investor.id}' FROM users WHERE email = '${email}'`]);
  const banks = (await call(cookie, "banks/connect_plaid", { public_token: `public-sandbox-${stamp}${i}-0000` })).body;
  const bank = banks[0].id;
  const review = (await call(cookie, "money/review", { kind: "deposit", bank, amount: "10000" })).body;
  const deposit = (await call(cookie, "money/deposit", { idempotency_key: review.idempotency_key, bank, amount: "10000" })).body;
  await until("the deposit", async () => (await call(cookie, "money/transfer", { id: deposit.id })).body.state === "Completed");
  for (const [symbol, amount] of [["AAPL", "5"], ["MSFT", "3"], ["NVDA", "2"]]) {
    const ticket = { symbol, side: "buy", order_type: "market", amount };
    const r = (await call(cookie, "trade/review", ticket)).body;
    const order = (await call(cookie, "trade/place", { ...ticket, idempotency_key: r.idempotency_key })).body;
    await until(`the ${symbol} fill`, async () => (await call(cookie, "trade/order", { id: order.id })).body.state === "Filled");
  }
  console.log(cookie);
}
