import { expect, type Page } from "@playwright/test";
import { gotoHydrated, step } from "./helpers";

/**
 * Trading steps of the journey, for a signed-in, approved user with cash. Not a spec of its
 * own: the journey test calls them.
 */

const sentence = (page: Page) => page.getByTestId("order-sentence");
const orderState = (page: Page) => page.locator("[data-order-state]");
const amount = (page: Page) => page.getByLabel("Amount", { exact: true });

/** Finds Apple through the suggestions as they are typed, reads its page, buys $50 of it by
 * dollars (double-clicked) and watches it fill. */
export async function buyByDollars(page: Page) {
  await gotoHydrated(page, "/trade");
  const search = page.getByRole("combobox", { name: "Symbol or name" });
  await search.pressSequentially("Appl", { delay: 30 });
  const suggestion = page.getByTestId("asset-suggestion").filter({ hasText: "AAPL" });
  await expect(suggestion).toBeVisible();
  await step(page, "trade-suggestions");
  await expect(search).toHaveAttribute("aria-expanded", "true");
  await search.press("ArrowDown");
  await expect(page.getByRole("option", { selected: true })).toContainText("AAPL");
  await search.press("Enter");
  await expect(page).toHaveURL(/\/trade\/AAPL$/);
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  // The asset page: price, the day's change in words, a chart with ranges, key facts.
  await expect(page.getByRole("heading", { name: "Apple Inc." })).toBeVisible();
  await expect(page.getByTestId("asset-price")).toHaveText(/^\$\d/);
  await expect(page.getByTestId("asset-day-change")).toHaveText(/(up|down|unchanged) today$/);
  await expect(page.getByTestId("price-chart")).toBeVisible();
  await page.getByRole("link", { name: "1Y" }).click();
  await expect(page).toHaveURL(/range=1y/);
  await expect(page.getByTestId("price-chart-summary")).toContainText("over the last year");
  await expect(page.getByText("52-week range")).toBeVisible();
  await expect(page.getByTestId("asset-position")).toContainText("You don't own AAPL yet");
  await step(page, "trade-asset-page");
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  // A market order asks for no prices.
  await expect(page.getByLabel("Limit price (USD)")).toBeHidden();
  await expect(page.getByLabel("Stop price (USD)")).toBeHidden();
  await page.getByLabel("Buy", { exact: true }).check();
  await page.getByLabel("Amount in").selectOption("dollars");
  await amount(page).fill("50");
  await page.getByRole("button", { name: "Review order" }).click();
  await expect(sentence(page)).toHaveText("Buy $50.00 of AAPL at the market price, good for today.");
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await step(page, "trade-review");
  await page.getByRole("button", { name: "Place buy order" }).dblclick();
  await expect(page).toHaveURL(/\/orders\/ord_/);
  await expect(orderState(page)).toHaveAttribute("data-order-state", "filled", { timeout: 20_000 });
  await expect(page.getByText(/Filled: .* shares at \$/)).toBeVisible();
  await step(page, "trade-order-filled");
}

/** A limit buy far below the price rests at the market; cancel it. */
export async function restALimitBuyThenCancel(page: Page) {
  await gotoHydrated(page, "/trade/AAPL");
  await page.getByLabel("Order type", { exact: true }).selectOption("limit");
  // Now the limit price is asked for, and only it.
  await expect(page.getByLabel("Limit price (USD)")).toBeVisible();
  await expect(page.getByLabel("Stop price (USD)")).toBeHidden();
  await expect(page.locator("#order_type-hint")).toHaveText("Trades only at your price or better.");
  await amount(page).fill("1");
  // The server's rules run in the browser as a field is left: no round trip, nothing lost.
  await page.getByLabel("Limit price (USD)").fill("1.005");
  await page.getByLabel("Limit price (USD)").press("Tab");
  await expect(page.locator("#limit_price-error")).toHaveText("Use whole cents for a limit price, like 12.50.");
  await expect(page).toHaveURL(/\/trade\/AAPL$/);
  await page.getByRole("button", { name: "Review order" }).click();
  await expect(page.locator("#limit_price-error")).toBeVisible();
  await expect(page).toHaveURL(/\/trade\/AAPL$/);
  await expect(amount(page)).toHaveValue("1");
  await page.getByLabel("Limit price (USD)").fill("1.00");
  await expect(page.locator("#limit_price-error")).toBeHidden();
  await page.getByLabel("Good for").selectOption("gtc");
  await page.getByRole("button", { name: "Review order" }).click();
  await expect(sentence(page)).toHaveText("Buy 1 share of AAPL at $1.00 or less, good 'til cancelled.");
  await page.getByRole("button", { name: "Place buy order" }).click();
  await expect(page).toHaveURL(/\/orders\/ord_/);
  await expect(orderState(page)).toHaveAttribute("data-order-state", "open");
  await step(page, "trade-limit-resting");
  await page.getByRole("button", { name: "Cancel this order" }).click();
  await expect(orderState(page)).toHaveAttribute("data-order-state", "cancelled");
  await expect(page.getByRole("button", { name: "Cancel this order" })).toBeHidden();
  await step(page, "trade-limit-cancelled");
}

/** With the portfolio and the activity feed open in other tabs, asks to sell more than is held
 * (refused next to the field), then sells part: both tabs update without a reload. */
export async function sellPart(page: Page) {
  const portfolio = await page.context().newPage();
  await gotoHydrated(portfolio, "/portfolio");
  const held = portfolio.getByTestId("position-row").filter({ hasText: "AAPL" });
  const before = Number(await held.getAttribute("data-shares"));
  expect(before).toBeGreaterThan(0.1);
  const activity = await page.context().newPage();
  await gotoHydrated(activity, "/activity");
  const sells = activity.getByTestId("activity-item").filter({ hasText: "Sell · " });
  await expect(sells).toHaveCount(0);

  await page.bringToFront();
  await gotoHydrated(page, "/trade/AAPL");
  await expect(page.getByTestId("asset-position")).toContainText("Shares");
  await page.getByLabel("Sell", { exact: true }).check();
  await amount(page).fill("10");
  await page.getByRole("button", { name: "Review order" }).click();
  await expect(page.locator("#amount-error")).toContainText("sell at most that");
  await expect(amount(page)).toHaveValue("10");
  await amount(page).fill("0.1");
  await page.getByRole("button", { name: "Review order" }).click();
  await expect(sentence(page)).toHaveText("Sell 0.1 shares of AAPL at the market price, good for today.");
  await page.getByRole("button", { name: "Place sell order" }).click();
  await expect(orderState(page)).toHaveAttribute("data-order-state", "filled", { timeout: 20_000 });

  // The other tabs were not reloaded: their live regions followed the fill.
  await expect(held).toHaveAttribute("data-shares", String(Number((before - 0.1).toFixed(6))), { timeout: 15_000 });
  await expect(sells).toHaveCount(1, { timeout: 15_000 });
  await step(portfolio, "portfolio-after-sale");
  await step(activity, "activity-after-sale");
  await portfolio.close();
  await activity.close();

  await gotoHydrated(page, "/orders");
  await expect(page.getByTestId("order-row")).toHaveCount(3);
  await expect(page.getByTestId("order-row").filter({ hasText: "Cancelled" })).toHaveCount(1);
  await step(page, "orders");
}

/** The portfolio shows the Apple position left after the sale, its value chart and totals. */
export async function seeThePortfolio(page: Page) {
  await gotoHydrated(page, "/portfolio");
  const row = page.getByTestId("position-row").filter({ hasText: "AAPL" });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Apple");
  await expect(page.getByTestId("value-chart")).toBeVisible();
  await expect(page.getByTestId("total-value")).toHaveText(/^\$\d{1,3}(,\d{3})*\.\d{2}$/);
  await expect(page.getByTestId("unrealized-pl")).toHaveText(/^[+−]?\$/);
  await step(page, "portfolio");
  // The header carries the buying power on every page once the account is approved (in the
  // phone menu on small screens; known approved from the page before).
  await gotoHydrated(page, "/portfolio");
  const power = await page.getByTestId("buying-power").textContent();
  await expect(page.getByTestId("header-buying-power").first()).toContainText(power ?? "missing");
}

/** Home is now the dashboard, and the activity feed lists the trades and deposits. */
export async function seeTheDashboardAndActivity(page: Page) {
  await gotoHydrated(page, "/");
  await expect(page.getByRole("heading", { name: /^Hello, / })).toBeVisible();
  await expect(page.getByTestId("next-step")).toHaveCount(0);
  await expect(page.getByTestId("activity-item").first()).toBeVisible();
  await step(page, "dashboard");
  await gotoHydrated(page, "/activity?kind=buy");
  await expect(page.getByTestId("activity-item")).toHaveCount(1);
  await expect(page.getByTestId("activity-item")).toContainText("−$50.00");
  await step(page, "activity-buys");
  await gotoHydrated(page, "/activity?kind=sell");
  await expect(page.getByTestId("activity-item")).toHaveCount(1);
}
