import { expect, type Browser, type Page } from "@playwright/test";
import { gotoHydrated } from "./helpers";

/**
 * Money steps of the journey, for a signed-in user whose investing account is approved and
 * who has linked First Platypus Bank. Not a spec of its own: the journey test calls them.
 */

/** Fills the first step of /deposit or /withdraw and asks for the review. */
async function choose(page: Page, path: "/deposit" | "/withdraw", amount: string, method?: string) {
  await gotoHydrated(page, path);
  if (method) await page.getByLabel("How").selectOption(method);
  await page.getByLabel("Amount (USD)").fill(amount);
  await page.getByRole("button", { name: "Review" }).click();
}

/** The transfer page's status, as the page shows it (`pending`, …, `completed`). */
const state = (page: Page) => page.locator("[data-transfer-state]");

/**
 * Deposits $250 by ACH, double-clicking the confirm button, and watches the deposit complete
 * on its page without a reload.
 */
export async function depositAndWatchItComplete(page: Page) {
  await choose(page, "/deposit", "250");
  await expect(page.getByRole("heading", { name: "Review" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  // The transfer page listens to the user's live events (and polls only as a fallback).
  const stream = page.waitForResponse((r) => new URL(r.url()).pathname === "/events");
  // An impatient double click: one deposit.
  await page.getByRole("button", { name: "Deposit $250.00" }).dblclick();
  await expect(page).toHaveURL(/\/transfers\/dep_/);
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  const events = await stream;
  expect(events.status()).toBe(200);
  expect(events.headers()["content-type"]).toBe("text/event-stream");
  // The page is not reloaded while the status moves: a mark set now is still there after.
  await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
  await expect(state(page)).toHaveAttribute("data-transfer-state", "completed", { timeout: 20_000 });
  await expect(page.getByTestId("new-balance")).toContainText("$250.00");
  expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);

  await gotoHydrated(page, "/transfers");
  await expect(page.getByTestId("transfer-row").filter({ hasText: "+$250.00" })).toHaveCount(1);
  await expect(page.getByTestId("cash-balance")).toHaveText("$250.00");
}

/** Asks for more than the withdrawable cash (refused next to the field), then withdraws $100. */
export async function withdraw(page: Page) {
  await choose(page, "/withdraw", "1000");
  await expect(page.locator("#amount-error")).toHaveText("You can withdraw up to $250.00 right now.");
  await expect(page.getByLabel("Amount (USD)")).toHaveValue("1000");
  await page.getByLabel("Amount (USD)").fill("100");
  await page.getByRole("button", { name: "Review" }).click();
  await page.getByRole("button", { name: "Withdraw $100.00" }).click();
  await expect(page).toHaveURL(/\/transfers\/wd_/);
  await expect(state(page)).toHaveAttribute("data-transfer-state", "completed", { timeout: 20_000 });
  await expect(page.getByTestId("new-balance")).toContainText("$150.00");
}

/** A bank transfer the user sends themselves stays pending, with instructions; cancel it. */
export async function cancelAPendingDeposit(page: Page) {
  await choose(page, "/deposit", "50", "manual_bank_transfer");
  await page.getByRole("button", { name: "Deposit $50.00" }).click();
  await expect(page).toHaveURL(/\/transfers\/dep_/);
  await expect(state(page)).toHaveAttribute("data-transfer-state", "pending");
  await expect(page.getByRole("heading", { name: "How to send the money" })).toBeVisible();
  await page.getByRole("button", { name: "Cancel this transfer" }).click();
  await expect(page.getByText("Cancelled. No money moved.").first()).toBeVisible();
  await expect(state(page)).toHaveAttribute("data-transfer-state", "cancelled");
}

/** The same deposit in a browser with JavaScript off (same session): plain pages and posts. */
export async function depositWithoutJavaScript(browser: Browser, page: Page) {
  const context = await browser.newContext({
    javaScriptEnabled: false,
    storageState: await page.context().storageState(),
    baseURL: new URL(page.url()).origin,
  });
  const nojs = await context.newPage();
  await nojs.goto("/deposit");
  await nojs.getByLabel("Amount (USD)").fill("20");
  await nojs.getByRole("button", { name: "Review" }).click();
  await nojs.getByRole("button", { name: "Deposit $20.00" }).click();
  await expect(nojs).toHaveURL(/\/transfers\/dep_/);
  // The page reloads itself while the deposit moves.
  await expect(state(nojs)).toHaveAttribute("data-transfer-state", "completed", { timeout: 20_000 });
  await context.close();
}
