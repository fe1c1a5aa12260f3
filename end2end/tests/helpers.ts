import { expect, type Page } from "@playwright/test";

/** Collects console errors and failed page loads, to assert none happened. */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(`${msg.text()} (on ${page.url()})`);
  });
  page.on("pageerror", (err) => errors.push(err.message));
  return errors;
}

/** Opens a page and waits until hydration has attached the event handlers. */
export async function gotoHydrated(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
}
