import { test, expect, type Browser, type Page } from "@playwright/test";
import { addManualBank, linkBankWithSimulatedPlaid } from "./banks";
import { cancelAPendingDeposit, depositAndWatchItComplete, withdraw } from "./money";
import { PASSWORD, completeWizard, signUp, uniqueEmail } from "./onboarding";
import { buyByDollars, restALimitBuyThenCancel, seeTheDashboardAndActivity, seeThePortfolio, sellPart } from "./trade";
import { gotoHydrated, shot, step, watchConsole } from "./helpers";

/**
 * The whole journey, as a new user takes it: sign up, open the investing account, get
 * approved, link a bank through the simulated Plaid Link, deposit and watch it complete, buy
 * by dollars, rest a limit order and cancel it, read the portfolio, sell, withdraw, sign out.
 * Each step saves a screenshot (`end2end/screenshots/<project>/`) and runs axe-core on the
 * page. Then the same user, with JavaScript off, signs in, deposits and buys (screenshots only:
 * axe-core runs inside the page, which a context without JavaScript does not allow).
 */
test("the whole journey: from sign-up to a funded investor who trades, then withdraws", async ({ page, browser }) => {
  test.setTimeout(300_000);
  const errors = watchConsole(page);
  const email = uniqueEmail("journey");
  await signUp(page, email);
  await completeWizard(page, "Lovelace", { withMistake: true });
  // The review decides after a few seconds; the page follows it without a reload.
  await expect(page.getByRole("heading", { name: /You're approved/ })).toBeVisible({ timeout: 20_000 });
  await step(page, "approved");
  await linkBankWithSimulatedPlaid(page);
  await depositAndWatchItComplete(page);
  await buyByDollars(page);
  await restALimitBuyThenCancel(page);
  await seeThePortfolio(page);
  await sellPart(page);
  await withdraw(page);
  await seeTheDashboardAndActivity(page);
  // Beyond the main path: a bank typed in by hand, and a bank transfer cancelled while pending.
  await addManualBank(page);
  await cancelAPendingDeposit(page);
  await signOut(page);
  // The browser logs the refused answers (422) the test asked for; nothing else.
  expect(errors.filter((e) => !/status of 422/.test(e))).toEqual([]);

  await withoutJavaScript(browser, page, email);
});

async function signOut(page: Page) {
  await gotoHydrated(page, "/account");
  await page.locator("main").getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Invest in what you believe in.");
  await expect(page.getByTestId("account-name")).toHaveCount(0);
  await step(page, "signed-out");
}

/** Signs in, deposits $250 and buys one share of Apple at the market, in a browser with
 * JavaScript off: every form is a plain post, and pages that wait refresh themselves. */
async function withoutJavaScript(browser: Browser, page: Page, email: string) {
  const context = await browser.newContext({
    javaScriptEnabled: false,
    baseURL: new URL(page.url()).origin,
    viewport: page.viewportSize(),
  });
  const nojs = await context.newPage();
  await nojs.goto("/sign-in");
  await nojs.getByLabel("Email").fill(email);
  await nojs.getByLabel("Password").fill(PASSWORD);
  await nojs.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(nojs).toHaveURL(/\/account$/);
  await nojs.goto("/");
  await expect(nojs.getByRole("heading", { name: /^Hello, / })).toBeVisible();
  await shot(nojs, "nojs-dashboard");

  await nojs.goto("/deposit");
  await nojs.getByLabel("Amount (USD)").fill("250");
  await nojs.getByRole("button", { name: "Review" }).click();
  await nojs.getByRole("button", { name: "Deposit $250.00" }).click();
  await expect(nojs).toHaveURL(/\/transfers\/dep_/);
  await expect(nojs.locator("[data-transfer-state]")).toHaveAttribute("data-transfer-state", "completed", {
    timeout: 20_000,
  });
  await shot(nojs, "nojs-deposit-completed");

  await nojs.goto("/trade/AAPL");
  await nojs.getByLabel("Buy", { exact: true }).check();
  await nojs.getByLabel("Amount", { exact: true }).fill("1");
  await nojs.getByRole("button", { name: "Review order" }).click();
  await expect(nojs.getByTestId("order-sentence")).toHaveText("Buy 1 share of AAPL at the market price, good for today.");
  await shot(nojs, "nojs-order-review");
  await nojs.getByRole("button", { name: "Place buy order" }).click();
  await expect(nojs).toHaveURL(/\/orders\/ord_/);
  await expect(nojs.locator("[data-order-state]")).toHaveAttribute("data-order-state", "filled", { timeout: 20_000 });
  await shot(nojs, "nojs-order-filled");
  await context.close();
}
