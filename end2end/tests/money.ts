import { expect, type Page } from "@playwright/test";
import { gotoHydrated, step } from "./helpers";

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
  await step(page, "deposit-review");
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
  await step(page, "deposit-completed");
  expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);

  await gotoHydrated(page, "/transfers");
  await expect(page.getByTestId("transfer-row").filter({ hasText: "+$250.00" })).toHaveCount(1);
  await expect(page.getByTestId("cash-balance")).toHaveText("$250.00");
  await step(page, "transfers");
}

/** Asks for more than the withdrawable cash (refused next to the field, with the limit), then
 * withdraws $100 and sees the wallet's new balance. */
export async function withdraw(page: Page) {
  await gotoHydrated(page, "/transfers");
  const cash = dollars(await page.getByTestId("cash-balance").textContent());
  await choose(page, "/withdraw", "100000");
  const error = page.locator("#amount-error");
  await expect(error).toHaveText(/^You can withdraw up to \$[\d,]+\.\d{2} right now\.$/);
  await step(page, "withdraw-over-the-limit");
  const withdrawable = dollars(await error.textContent());
  expect(withdrawable).toBeGreaterThanOrEqual(100);
  expect(withdrawable).toBeLessThanOrEqual(cash);
  await expect(page.getByLabel("Amount (USD)")).toHaveValue("100000");
  await page.getByLabel("Amount (USD)").fill("100");
  await page.getByRole("button", { name: "Review" }).click();
  await page.getByRole("button", { name: "Withdraw $100.00" }).click();
  await expect(page).toHaveURL(/\/transfers\/wd_/);
  await expect(state(page)).toHaveAttribute("data-transfer-state", "completed", { timeout: 20_000 });
  await expect(page.getByTestId("new-balance")).toContainText(usd(cash - 100));
  await step(page, "withdraw-completed");
}

/** The first dollar amount in `text` (`$1,234.56`), as a number. */
function dollars(text: string | null): number {
  const match = /\$([\d,]+\.\d{2})/.exec(text ?? "");
  if (!match) throw new Error(`no dollar amount in ${text}`);
  return Number(match[1].replace(/,/g, ""));
}

/** `$1,234.56`, as the app writes amounts. */
function usd(amount: number): string {
  return amount.toLocaleString("en-US", { style: "currency", currency: "USD" });
}

/** A bank transfer the user sends themselves stays pending, with instructions; cancel it. */
export async function cancelAPendingDeposit(page: Page) {
  await choose(page, "/deposit", "50", "manual_bank_transfer");
  await page.getByRole("button", { name: "Deposit $50.00" }).click();
  await expect(page).toHaveURL(/\/transfers\/dep_/);
  await expect(state(page)).toHaveAttribute("data-transfer-state", "pending");
  await expect(page.getByRole("heading", { name: "How to send the money" })).toBeVisible();
  await step(page, "deposit-bank-transfer-instructions");
  await page.getByRole("button", { name: "Cancel this transfer" }).click();
  await expect(page.getByText("Cancelled. No money moved.").first()).toBeVisible();
  await expect(state(page)).toHaveAttribute("data-transfer-state", "cancelled");
}
