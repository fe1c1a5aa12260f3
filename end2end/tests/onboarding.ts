import { randomBytes } from "node:crypto";
import { expect, type Page } from "@playwright/test";
import { gotoHydrated, step } from "./helpers";

/**
 * Onboarding steps: signing up and answering the wizard. Not a spec of its own: the journey
 * and the onboarding specs call them.
 */

export const PASSWORD = "plum-harbor-gravel-42";

export function uniqueEmail(tag: string): string {
  return `${tag}-${Date.now()}-${randomBytes(3).toString("hex")}@example.com`;
}

export const continueButton = (page: Page) => page.getByRole("button", { name: "Save and continue" });

export async function signUp(page: Page, email: string) {
  await gotoHydrated(page, "/sign-up");
  await page.getByLabel("Full name").fill("Ada Tester");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await step(page, "sign-up");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/onboarding$/);
  await expect(page.getByRole("heading", { name: "About you" })).toBeVisible();
}

/** Answers every step; `beforeIdentity` may exercise the first step first. */
export async function completeWizard(page: Page, lastName: string, opts: { withMistake?: boolean } = {}) {
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("Legal first name").fill("Ada");
  await page.getByLabel("Legal last name").fill(lastName);
  await page.getByLabel("Citizenship").selectOption("US");
  await page.getByLabel("Country of birth").selectOption("US");
  await page.getByLabel("Country of tax residence").selectOption("US");
  const saves: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/onboarding/save")) saves.push(r.url());
  });
  if (opts.withMistake) {
    // A minor: flagged as soon as the field is left, by the server's own rule running in the
    // browser; the form is not sent, and nothing typed is lost.
    await page.getByLabel("Date of birth").fill("2015-03-01");
    await page.getByLabel("Date of birth").blur();
    await expect(page.locator("#date_of_birth-error")).toContainText("18 or older");
    await expect(page.getByLabel("Date of birth")).toHaveAttribute("aria-invalid", "true");
    await step(page, "onboarding-1-identity-mistake");
    await continueButton(page).click();
    await expect(page.locator("#date_of_birth-error")).toContainText("18 or older");
    await expect(page.getByLabel("Legal last name")).toHaveValue(lastName);
  }
  await page.getByLabel("Date of birth").fill("1990-06-15");
  // Fixed: the message goes as the date is typed.
  await expect(page.locator("#date_of_birth-error")).toBeHidden();
  await step(page, "onboarding-1-identity");
  await continueButton(page).click();

  await expect(page.getByRole("heading", { name: "How to reach you" })).toBeVisible();
  // The refused attempt never reached the server: one save, the good one.
  expect(saves.length).toBe(1);
  if (opts.withMistake) {
    // A reload mid-wizard resumes at the same step with the answers kept.
    await page.reload();
    await expect(page.getByRole("heading", { name: "How to reach you" })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  }
  await page.getByLabel("Mobile phone").fill("415 555 0123");
  await step(page, "onboarding-2-contact");
  await continueButton(page).click();

  await expect(page.getByRole("heading", { name: "Home address" })).toBeVisible();
  await page.getByLabel("Street address").fill("1 Market St");
  await page.getByLabel("City").fill("San Francisco");
  await page.getByLabel("State (US addresses)").selectOption("CA");
  await page.getByLabel("ZIP or postal code").fill("94105");
  await step(page, "onboarding-3-address");
  await continueButton(page).click();

  await expect(page.getByRole("heading", { name: "Employment" })).toBeVisible();
  await page.getByLabel("Employment status").selectOption("employed");
  await page.getByLabel("Employer", { exact: true }).fill("Analytical Engines");
  await page.getByLabel("Job title").fill("Engineer");
  await step(page, "onboarding-4-employment");
  await continueButton(page).click();

  await expect(page.getByRole("heading", { name: "Financial profile" })).toBeVisible();
  await page.getByLabel("Yearly income").selectOption("100000-249999");
  await page.getByLabel("Liquid net worth").selectOption("50000-99999");
  await page.getByLabel("Total net worth").selectOption("250000-499999");
  await page.getByLabel("Savings").check();
  await step(page, "onboarding-5-financial-profile");
  await continueButton(page).click();

  await expect(page.getByRole("heading", { name: "Disclosures" })).toBeVisible();
  for (const name of ["control_person", "affiliated", "politically_exposed", "family_exposed"]) {
    await page.locator(`#${name}-no`).check();
  }
  await step(page, "onboarding-6-disclosures");
  await continueButton(page).click();

  await expect(page.getByRole("heading", { name: "Trusted contact" })).toBeVisible();
  await step(page, "onboarding-7-trusted-contact");
  await continueButton(page).click();

  await expect(page.getByRole("heading", { name: "Review and agree" })).toBeVisible();
  await expect(page.getByText(`Ada ${lastName}`)).toBeVisible();
  await page.getByLabel("Tax id number").fill("123-45-6789");
  await page.getByLabel("I have read and agree to the investor agreement.").check();
  await page.getByLabel("I have read and acknowledge the margin disclosure.").check();
  await step(page, "onboarding-8-review-and-agree");
  await page.getByRole("button", { name: "Agree and submit" }).click();
  await expect(page).toHaveURL(/\/onboarding$/);
}

