// Page weight: what a first visit downloads, and how soon the page shows and comes alive.
//
//   node end2end/scripts/page-weight.mjs <base url> <site pkg dir>
//   node end2end/scripts/page-weight.mjs <base url> <site pkg dir> --cookie <name=value> <path>...
//
// Run by scripts/page-weight.sh, which builds the release site and starts the server: signs up a
// user through the HTTP API (for /account). Run by scripts/bench.sh with a seeded investor's
// session cookie and /portfolio, checked against the targets (first visit at most 280 KB, LCP
// at most 400 ms). Loads each page in headless Chromium with a cold
// cache (a fresh browser context), twice: unthrottled, and on an emulated slow mobile network.
// Counts every response's bytes on the wire (headers and encoded body: CDP's
// Network.loadingFinished encodedDataLength), the Largest Contentful Paint, and when hydration
// finished (the app sets data-hydrated on <html>). Then loads the page again in the same context
// to show what a repeat visit downloads. Also prints the raw, gzip and brotli sizes of the files
// under /pkg.
import { chromium } from "@playwright/test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const [base, pkgDir, ...rest] = process.argv.slice(2);
if (!base || !pkgDir || (rest.length && (rest[0] !== "--cookie" || rest.length < 3))) {
  console.error("usage: page-weight.mjs <base url> <site pkg dir> [--cookie <name=value> <path>...]");
  process.exit(2);
}
// A signed-in user's session (`name=value`) and the pages to load as them.
const cookie = rest.length ? rest[1] : null;
const cookiePaths = rest.slice(2);
// The targets for the pages loaded with a cookie (issue 10: the portfolio page).
const TARGET_KB = 280;
const TARGET_LCP_MS = 400;

// Same browser as the end-to-end tests (end2end/playwright.config.ts).
const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

// Lighthouse's mobile profile ("Slow 4G"): 150 ms round trips, 1.6 Mbit/s down, 750 kbit/s up.
const SLOW_4G = {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6 * 1024 * 1024) / 8,
  uploadThroughput: (750 * 1024) / 8,
};

const kb = (n) => (n / 1024).toFixed(1);

function assetSizes() {
  const rows = [];
  for (const name of readdirSync(pkgDir).sort()) {
    const path = join(pkgDir, name);
    if (!statSync(path).isFile() || /\.(br|gz|d\.ts)$/.test(name)) continue;
    const data = readFileSync(path);
    rows.push({
      file: name,
      raw: data.length,
      gzip: gzipSync(data, { level: 9 }).length,
      brotli: brotliCompressSync(data, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
      }).length,
    });
  }
  return rows;
}

async function signUp(context) {
  const email = `page-weight-${Date.now()}@example.com`;
  const res = await context.request.post(`${base}/api/auth/sign_up`, {
    form: { name: "Page Weight", email, password: "plum-harbor-gravel-42" },
    headers: { Origin: base },
  });
  if (!res.ok()) throw new Error(`sign-up failed: HTTP ${res.status()} ${await res.text()}`);
}

// Loads `path` in `page` and returns what went over the wire and the timings.
async function visit(page, path, network) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send(
    "Network.emulateNetworkConditions",
    network ?? { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 },
  );
  const responses = new Map();
  const finished = [];
  cdp.on("Network.responseReceived", (e) => {
    const h = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    responses.set(e.requestId, {
      url: e.response.url,
      status: e.response.status,
      encoding: h["content-encoding"] ?? "",
      cache: h["cache-control"] ?? "",
      fromCache: e.response.fromDiskCache || e.response.fromPrefetchCache,
    });
  });
  cdp.on("Network.loadingFinished", (e) => finished.push({ id: e.requestId, bytes: e.encodedDataLength }));
  cdp.on("Network.loadingFailed", (e) => finished.push({ id: e.requestId, bytes: 0, failed: e.errorText }));

  const errors = [];
  const onConsole = (msg) => msg.type() === "error" && errors.push(msg.text());
  const onError = (err) => errors.push(err.message);
  page.on("console", onConsole);
  page.on("pageerror", onError);

  const start = Date.now();
  const res = await page.goto(base + path, { waitUntil: "load" });
  if (!res || !res.ok()) throw new Error(`${path}: HTTP ${res?.status()}`);
  if (new URL(page.url()).pathname !== path) throw new Error(`${path} redirected to ${page.url()}`);
  await page.locator("html[data-hydrated=true]").waitFor({ state: "attached", timeout: 120_000 });
  const hydrated = Date.now() - start;
  await page.waitForLoadState("networkidle");
  const lcp = await page.evaluate(
    () =>
      new Promise((resolve) => {
        new PerformanceObserver((list) => {
          const entries = list.getEntries();
          resolve(entries[entries.length - 1].startTime);
        }).observe({ type: "largest-contentful-paint", buffered: true });
        setTimeout(() => resolve(null), 2000);
      }),
  );
  await cdp.detach();
  page.off("console", onConsole);
  page.off("pageerror", onError);

  const requests = finished.map((f) => ({ ...responses.get(f.id), ...f }));
  const total = requests.reduce((sum, r) => sum + r.bytes, 0);
  return { requests, total, lcp, hydrated, errors };
}

async function measure(browser, path, { signedIn, session }) {
  const run = async (network) => {
    const context = await browser.newContext();
    if (signedIn) await signUp(context);
    if (session) {
      const [name, ...value] = session.split("=");
      await context.addCookies([{ name, value: value.join("="), url: base }]);
    }
    const page = await context.newPage();
    const first = await visit(page, path, network);
    const repeat = network ? null : await visit(page, path, null);
    await context.close();
    return { first, repeat };
  };
  const fast = await run(null);
  const slow = await run(SLOW_4G);
  return { path, first: fast.first, repeat: fast.repeat, slow: slow.first };
}

const browser = await chromium.launch(launchOptions);
const results = [];
try {
  if (cookie) {
    for (const path of cookiePaths) results.push(await measure(browser, path, { session: cookie }));
  } else {
    results.push(await measure(browser, "/sign-in", { signedIn: false }));
    results.push(await measure(browser, "/account", { signedIn: true }));
  }
} finally {
  await browser.close();
}

console.log("\nFiles under /pkg (bytes; gzip -9 and brotli q11 computed here):");
console.table(assetSizes());

for (const r of results) {
  console.log(`\nFirst visit of ${r.path}, each response:`);
  console.table(
    r.first.requests.map((q) => ({
      url: q.url?.replace(base, "") ?? "?",
      status: q.status,
      "on the wire (B)": q.bytes,
      encoding: q.encoding,
      "cache-control": q.cache,
      ...(q.failed ? { failed: q.failed } : {}),
    })),
  );
}

console.log("\nPage weight (first visit = cold cache; KB = 1024 bytes on the wire, headers included):");
console.table(
  results.map((r) => ({
    page: r.path,
    requests: r.first.requests.length,
    "first visit KB": Number(kb(r.first.total)),
    "repeat visit KB": Number(kb(r.repeat.total)),
    "LCP ms": Math.round(r.first.lcp),
    "hydrated ms": r.first.hydrated,
    "LCP ms, slow 4G": Math.round(r.slow.lcp),
    "hydrated ms, slow 4G": r.slow.hydrated,
  })),
);

// A page that hydrated with errors (a blocked script, a failed fetch) is not a fair measurement.
const errors = results.flatMap((r) =>
  [r.first, r.repeat, r.slow].flatMap((v) => v.errors.map((e) => `${r.path}: ${e}`)),
);
if (errors.length) {
  console.error(`\nConsole errors:\n${errors.join("\n")}`);
  process.exit(1);
}

if (cookie) {
  let met = true;
  for (const r of results) {
    const weight = r.first.total / 1024;
    const ok = weight <= TARGET_KB && r.first.lcp <= TARGET_LCP_MS;
    met &&= ok;
    console.log(
      `${r.path}: first visit ${weight.toFixed(1)} KB (target ≤ ${TARGET_KB}), ` +
        `LCP ${Math.round(r.first.lcp)} ms (target ≤ ${TARGET_LCP_MS}): ${ok ? "met" : "NOT MET"}`,
    );
  }
  if (!met) process.exitCode = 3;
}
