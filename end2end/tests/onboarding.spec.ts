import { test, expect } from "@playwright/test";
import { PASSWORD, completeWizard, continueButton, signUp, uniqueEmail } from "./onboarding";

// The approved applicant's whole journey is in journey.spec.ts; here, the other outcomes of
// the review and the wizard without JavaScript.

test("a declined applicant sees the declined state", async ({ page }) => {
  await signUp(page, uniqueEmail("declined"));
  await completeWizard(page, "Decline");
  await expect(page.getByRole("heading", { name: "We couldn't approve your application" })).toBeVisible({
    timeout: 20_000,
  });
});

test("an applicant asked for documents uploads one and is approved", async ({ page }) => {
  test.setTimeout(60_000);
  await signUp(page, uniqueEmail("documents"));
  await completeWizard(page, "Documents");
  await expect(page.getByRole("heading", { name: /We need a document/ })).toBeVisible({ timeout: 20_000 });
  // A file of the wrong type is refused, next to the file field.
  await page.getByLabel("File").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hi") });
  await page.getByRole("button", { name: "Upload document" }).click();
  await expect(page.locator("#document-error")).toContainText("PDF, JPG, PNG");
  await page.getByLabel("Kind of document").selectOption("PASSPORT");
  await page.getByLabel("File").setInputFiles({
    name: "passport.png",
    mimeType: "image/png",
    buffer: Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"),
  });
  await expect(page.locator("#document-error")).toHaveText("");
  await page.getByRole("button", { name: "Upload document" }).click();
  await expect(page.getByRole("heading", { name: /You're approved/ })).toBeVisible({ timeout: 30_000 });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the wizard's forms work as plain form posts", async ({ page }) => {
    await page.goto("/sign-up");
    await page.getByLabel("Full name").fill("Nojs Tester");
    await page.getByLabel("Email").fill(uniqueEmail("nojs"));
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/onboarding$/);
    await page.getByLabel("Legal first name").fill("Nojs");
    await page.getByLabel("Legal last name").fill("Tester");
    await page.getByLabel("Date of birth").fill("2015-03-01");
    await page.getByLabel("Citizenship").selectOption("US");
    await page.getByLabel("Country of birth").selectOption("US");
    await page.getByLabel("Country of tax residence").selectOption("US");
    await continueButton(page).click();
    // The error comes back next to the field, with the answers prefilled from the server.
    await expect(page.locator("#date_of_birth-error")).toContainText("18 or older");
    await expect(page.getByLabel("Legal last name")).toHaveValue("Tester");
    await page.getByLabel("Date of birth").fill("1990-06-15");
    await continueButton(page).click();
    await expect(page.getByRole("heading", { name: "How to reach you" })).toBeVisible();
    // Back keeps the answers.
    await page.getByRole("button", { name: "Back" }).click();
    await expect(page.getByLabel("Legal first name")).toHaveValue("Nojs");
  });
});
