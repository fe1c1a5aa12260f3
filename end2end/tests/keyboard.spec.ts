import { test, expect, type Page } from "@playwright/test";
import { PASSWORD, uniqueEmail } from "./onboarding";
import { checkAccessibility, gotoHydrated } from "./helpers";

/** Presses Tab until the element `selector` has the focus (at most `max` times); every element
 * passed on the way shows a visible focus indicator. */
async function tabTo(page: Page, selector: string, max = 40) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const state = await page.evaluate((sel) => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return { here: false, visible: true, what: "body" };
      const style = getComputedStyle(el);
      const ring = style.boxShadow !== "none" && style.boxShadow !== "";
      const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
      return {
        here: el.matches(sel),
        visible: ring || outline,
        what: `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} ${el.textContent?.trim().slice(0, 30) ?? ""}`,
      };
    }, selector);
    expect(state.visible, `focus is visible on ${state.what}`).toBe(true);
    if (state.here) return;
  }
  throw new Error(`${selector} was not reached with Tab`);
}

test("sign up and reach the first onboarding step with the keyboard alone", async ({ page }) => {
  await gotoHydrated(page, "/sign-up");
  await tabTo(page, "#name");
  await page.keyboard.type("Kay Board");
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Email")).toBeFocused();
  await page.keyboard.type(uniqueEmail("keyboard"));
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Password")).toBeFocused();
  // A short password: the message is linked to the field, for screen readers.
  await page.keyboard.type("short");
  await page.keyboard.press("Tab");
  await expect(page.locator("#password-error")).toHaveText("Use at least 12 characters.");
  await expect(page.getByLabel("Password")).toHaveAttribute("aria-describedby", /password-error/);
  await page.getByLabel("Password").focus();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/onboarding$/);
  await expect(page.getByRole("heading", { name: "About you" })).toBeVisible();
  await checkAccessibility(page, "onboarding, first step");
  // The wizard's first field is reached by keyboard too.
  await tabTo(page, "#first_name");
});
