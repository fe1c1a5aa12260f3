import { expect, type Page } from "@playwright/test";
import { gotoHydrated, step } from "./helpers";

/**
 * Bank-account steps of the journey, for a signed-in user whose investing account is
 * approved. Both start from /banks and end there with the new account listed. Not a spec of
 * its own: the journey test calls them once onboarding is done.
 */

/** Links First Platypus Bank (both accounts) through the simulated Plaid Link. */
export async function linkBankWithSimulatedPlaid(page: Page) {
  await gotoHydrated(page, "/banks");
  await page.getByRole("link", { name: "Link a bank with Plaid" }).click();

  const link = page.getByTestId("simulated-link");
  await expect(link.getByRole("heading", { name: "Select your bank" })).toBeVisible();
  await step(page, "plaid-1-select-bank");
  await link.getByLabel("Search for your bank").fill("Platypus");
  await link.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/q=Platypus/);
  await link.getByRole("link", { name: "First Platypus Bank" }).click();

  await expect(link.getByRole("heading", { name: "Sign in to First Platypus Bank" })).toBeVisible();
  await step(page, "plaid-2-sign-in");
  await link.getByLabel("Username").fill("user_good");
  await link.getByLabel("Password").fill("pass_good");
  await link.getByRole("button", { name: "Sign in" }).click();

  await expect(link.getByRole("heading", { name: "Choose the accounts to link" })).toBeVisible();
  await step(page, "plaid-3-accounts");
  await expect(link.getByLabel(/Plaid Checking/)).toBeChecked();
  await expect(link.getByLabel(/Plaid Saving/)).toBeChecked();
  await link.getByRole("button", { name: "Continue" }).click();

  await expect(link.getByRole("heading", { name: "Success" })).toBeVisible();
  await link.getByRole("button", { name: "Continue" }).click();

  await expect(page).toHaveURL(/\/banks\?linked=2$/);
  await expect(page.getByRole("status").filter({ hasText: "2 bank accounts linked." })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: "Plaid Checking" })).toContainText("••••0000");
  await expect(page.getByRole("row").filter({ hasText: "Plaid Saving" })).toContainText("••••1111");
  await step(page, "banks-linked");
}

/** Adds a checking account at "Chase" by typing in its details. */
export async function addManualBank(page: Page) {
  await gotoHydrated(page, "/banks");
  await page.getByRole("link", { name: "Enter bank details manually" }).click();
  await expect(page.getByRole("heading", { name: "Enter bank details", level: 1 })).toBeVisible();
  await step(page, "bank-manual-form");

  await page.getByLabel("Bank name").fill("Chase");
  await page.getByLabel("Account holder").fill("Jane Tester");
  await page.getByLabel("Routing number").fill("021000021");
  await page.getByLabel("Account number", { exact: true }).fill("000123456789");
  await page.getByLabel("Re-enter account number").fill("000123456789");
  await page.getByLabel("Account type").selectOption("checking");
  await page.getByRole("button", { name: "Add bank account" }).click();

  await expect(page).toHaveURL(/\/banks\?linked=1$/);
  await expect(page.getByRole("row").filter({ hasText: "Chase" })).toContainText("••••6789");
}
