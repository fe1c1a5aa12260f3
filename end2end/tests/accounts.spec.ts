import { createHmac, randomBytes } from "node:crypto";
import { test, expect, type Page } from "@playwright/test";
import { gotoHydrated, watchConsole } from "./helpers";

const PASSWORD = "plum-harbor-gravel-42";

/** A fresh address per test run, so tests never depend on each other. */
function uniqueEmail(tag: string): string {
  return `${tag}-${Date.now()}-${randomBytes(3).toString("hex")}@example.com`;
}

/** RFC 6238 code (SHA-1, 6 digits, 30 s) for a base32 secret at `unixSeconds`. */
function totp(secretBase32: string, unixSeconds: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secretBase32.replace(/=+$/, "").toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  }
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, "0");
}

const main = (page: Page) => page.locator("main");

async function signUp(page: Page, email: string) {
  await gotoHydrated(page, "/sign-up");
  await page.getByLabel("Full name").fill("Jane Tester");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  // A new account starts the journey: opening the investing account.
  await expect(page).toHaveURL(/\/onboarding$/);
  await gotoHydrated(page, "/account");
  await expect(page.getByRole("heading", { name: "Your account", level: 1 })).toBeVisible();
}

async function signOut(page: Page) {
  await main(page).getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Invest in what you believe in.");
}

async function signIn(page: Page, email: string, password: string) {
  await gotoHydrated(page, "/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

test("sign up, sign out, sign in; wrong input is shown next to the field", async ({ page }, info) => {
  const errors = watchConsole(page);
  const email = uniqueEmail("journey");

  // A short password is flagged in the browser as soon as the field is left...
  await gotoHydrated(page, "/sign-up");
  await page.getByLabel("Full name").fill("Jane Tester");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("too-short");
  await page.getByLabel("Password").press("Tab");
  await expect(page.locator("#password-error")).toHaveText("Use at least 12 characters.");
  // ...and the server's own rules come back next to the field, the rest of the form kept.
  await page.getByLabel("Password").fill("password1234");
  await expect(page.locator("#password-error")).toBeHidden();
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("#password-error")).toContainText("That password is too common.");
  await expect(page.getByLabel("Email")).toHaveValue(email);
  await expect(page.getByLabel("Full name")).toHaveValue("Jane Tester");

  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/onboarding$/);
  await gotoHydrated(page, "/account");
  await expect(main(page).getByLabel("Full name")).toHaveValue("Jane Tester");
  // The header shows who is signed in (in the phone menu on small screens).
  if (info.project.name === "phone") await page.getByRole("button", { name: "Menu" }).click();
  await expect(page.getByTestId("account-name").locator("visible=true")).toHaveText("Jane Tester");
  if (info.project.name === "phone") await page.getByRole("button", { name: "Menu" }).click();
  await signOut(page);
  await expect(page.getByTestId("account-name")).toHaveCount(0);

  // Signed out, the account page sends you to sign in and back.
  await page.goto("/account");
  await expect(page).toHaveURL(/\/sign-in\?next=\/account$/);

  await signIn(page, email, "not-the-password-1");
  await expect(page.getByRole("alert")).toHaveText("Email or password is incorrect.");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(main(page).getByLabel("Email")).toHaveValue(email);
  // The refused submissions answer 422, which the browser logs; nothing else may be logged.
  expect(errors.filter((e) => !e.includes("status of 422"))).toEqual([]);
});

test("change password, then sign in with the new one", async ({ page }) => {
  const email = uniqueEmail("change");
  await signUp(page, email);
  // The password card (the profile card has its own "Current password" for email changes).
  await page.locator("#current_password").fill(PASSWORD);
  await page.locator("#new_password").fill("a-brand-new-passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Password changed." })).toBeVisible();
  await signOut(page);

  await signIn(page, email, PASSWORD);
  await expect(page.getByRole("alert")).toHaveText("Email or password is incorrect.");
  await signIn(page, email, "a-brand-new-passphrase");
  await expect(page).toHaveURL(/\/account$/);
});

test("reset a forgotten password through the development outbox", async ({ page }) => {
  const email = uniqueEmail("reset");
  await signUp(page, email);
  await signOut(page);

  await gotoHydrated(page, "/forgot-password");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("status")).toContainText("a reset link is on its way");
  await page.getByRole("link", { name: "development outbox" }).click();

  // The email goes out from a background task (so the answer takes as long whether or not the
  // address has an account): reload the outbox until it is there.
  const mail = page.getByTestId("outbox-email").filter({ hasText: email }).first();
  await expect(async () => {
    if (!(await mail.isVisible())) await page.reload();
    await expect(mail).toContainText("Reset your Bluum Invest password", { timeout: 1_000 });
  }).toPass({ timeout: 10_000 });
  await mail.getByRole("link", { name: /reset-password\?token=/ }).click();

  await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("New password").fill("a-brand-new-passphrase");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page).toHaveURL(/\/sign-in\?reset=1$/);
  await expect(page.getByRole("status").filter({ hasText: "Your password was changed." })).toBeVisible();

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a-brand-new-passphrase");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/account$/);
});

test("turn on two-factor sign-in and sign in with a code", async ({ page }) => {
  const email = uniqueEmail("totp");
  await signUp(page, email);

  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  const qr = page.getByRole("img", { name: "QR code for your authenticator app" });
  await expect(qr).toBeVisible();
  await expect(qr.locator("svg")).toBeVisible();
  const secret = (await page.locator("#totp-secret").textContent())!.trim();
  expect(secret).toMatch(/^[A-Z2-7]+=*$/);
  await page.getByLabel("Code from the app").fill(totp(secret, Date.now() / 1000));
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.locator("#recovery-codes li")).toHaveCount(10);
  await expect(main(page).getByText("On", { exact: true })).toBeVisible();
  await signOut(page);

  await signIn(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/sign-in\/two-factor$/);
  await page.getByLabel("Code").fill("000000");
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.locator("#code-error")).toContainText("That code didn't work.");
  // The enrolment code's time step is used up: the next step's code is accepted (clock drift).
  await page.getByLabel("Code").fill(totp(secret, Date.now() / 1000 + 30));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(main(page).getByLabel("Email")).toHaveValue(email);
});
