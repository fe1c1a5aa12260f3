import { test, expect, type Page } from "@playwright/test";
import { gotoHydrated, step } from "./helpers";

// Demo mode (the test server runs with DEMO_MODE=true): the sign-in page shows the demo
// account, whose dashboard and portfolio are full from the first screen, and "Reset the demo"
// puts it back after a trade.

async function positions(page: Page): Promise<string[]> {
  await gotoHydrated(page, "/portfolio");
  await expect(page.getByTestId("position-row").first()).toBeVisible();
  const symbols = await page.getByTestId("position-row").locator("td:first-child a").allInnerTexts();
  return symbols.map((t) => t.trim()).sort();
}

test("the demo account: shown on the sign-in page, full from the first screen, reset after a trade", async ({ page }) => {
  test.setTimeout(120_000);
  await gotoHydrated(page, "/sign-in");
  const card = page.getByTestId("demo-account");
  await expect(card.getByTestId("demo-email")).toHaveText("avery.morgan@demo.bluum.example");
  await expect(card.getByTestId("demo-password")).toHaveText("demo-investor-2026");
  await step(page, "demo-sign-in");
  await card.getByRole("button", { name: "Sign in as the demo investor" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: "Hello, Avery" })).toBeVisible();
  // Funded and trading: no "next step" for a new user.
  await expect(page.getByTestId("next-step")).toHaveCount(0);
  await step(page, "demo-dashboard");

  const before = await positions(page);
  expect(before.length).toBeGreaterThanOrEqual(5);
  await expect(page.getByTestId("total-value")).toHaveText(/^\$\d{2},\d{3}\.\d{2}$/);
  // A year of history: the value chart draws a line and says so.
  await page.getByRole("link", { name: "1Y" }).click();
  await expect(page.getByTestId("value-chart")).toBeVisible();
  await expect(page.getByTestId("value-chart-summary")).toContainText("year");
  await expect(page.getByTestId("value-chart").locator("path").first()).toBeAttached();
  // Some positions gained and some lost (told by sign: + and −).
  const rows = await page.getByTestId("position-row").allInnerTexts();
  expect(rows.some((r) => r.includes("+$"))).toBe(true);
  expect(rows.some((r) => r.includes("\u2212$"))).toBe(true);
  await step(page, "demo-portfolio");

  // A trade the demo did not have: one share of Intel.
  await gotoHydrated(page, "/trade/INTC");
  await page.getByLabel("Buy", { exact: true }).check();
  await page.getByLabel("Amount", { exact: true }).fill("1");
  await page.getByRole("button", { name: "Review order" }).click();
  await page.getByRole("button", { name: "Place buy order" }).click();
  await expect(page.locator("[data-order-state]")).toHaveAttribute("data-order-state", "filled", { timeout: 20_000 });
  const traded = await positions(page);
  expect(traded).toContain("INTC");

  // Reset: the demo is back as it started, and the demo user is still signed in.
  await page.getByTestId("demo-bar").getByRole("button", { name: "Reset the demo" }).click();
  await expect(page).toHaveURL(/\/$/, { timeout: 30_000 });
  await expect(page.getByRole("heading", { name: "Hello, Avery" })).toBeVisible();
  expect(await positions(page)).toEqual(before);
});
