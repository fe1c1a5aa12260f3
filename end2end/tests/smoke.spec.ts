import { test, expect } from "@playwright/test";
import { gotoHydrated, watchConsole } from "./helpers";

test("home page renders, hydrates and has no console errors", async ({ page }, info) => {
  const errors = watchConsole(page);
  await gotoHydrated(page, "/");
  await expect(page).toHaveTitle("Invest in what you believe in · Bluum Invest");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Invest in what you believe in.");
  await expect(page.getByRole("link", { name: "Get started" }).first()).toBeVisible();

  // Tailwind produced the stylesheet: the primary button has the brand colour, not default blue.
  const bg = await page.locator("a.btn-primary").first().evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(bg).not.toBe("rgba(0, 0, 0, 0)");

  if (info.project.name === "phone") {
    // A client-side interaction that only works once hydrated: the phone menu opens.
    const menu = page.locator("#mobile-menu");
    await expect(menu).toBeHidden();
    await page.getByRole("button", { name: "Menu" }).click();
    await expect(menu).toBeVisible();
    await expect(page.getByRole("button", { name: "Menu" })).toHaveAttribute("aria-expanded", "true");
  }
  expect(errors).toEqual([]);
});

test("design system page: toasts and inline field errors work in the browser", async ({ page }) => {
  const errors = watchConsole(page);
  await gotoHydrated(page, "/design");
  await page.getByRole("button", { name: "Show a toast" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();

  const amount = page.getByLabel("Amount (USD)");
  await amount.fill("abc");
  await expect(page.locator("#amount-error")).toHaveText("Enter an amount in dollars, like 25.00");
  await expect(amount).toHaveAttribute("aria-invalid", "true");
  await amount.fill("25.00");
  await expect(page.locator("#amount-error")).toBeHidden();
  expect(errors).toEqual([]);
});

test("unknown pages get the app's 404 page with status 404", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "We can't find that page" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Back to home" })).toBeVisible();
});

test("health probes answer JSON", async ({ request }) => {
  const health = await request.get("/healthz");
  expect(health.status()).toBe(200);
  expect(await health.json()).toEqual({ status: "ok" });
  const ready = await request.get("/readyz");
  expect(ready.status()).toBe(200);
  expect(await ready.json()).toEqual({ status: "ready", database: "ok" });
  expect(ready.headers()["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
});
