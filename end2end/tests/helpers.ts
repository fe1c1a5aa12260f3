import { expect, test, type Page } from "@playwright/test";

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

/** Saves a full-page screenshot of the step just reached, as
 * `end2end/screenshots/<project>/<name>.png` (an ignored folder), for people to look at. */
export async function shot(page: Page, name: string) {
  const project = test.info().project.name;
  await page.screenshot({ path: `screenshots/${project}/${name}.png`, fullPage: true });
}
