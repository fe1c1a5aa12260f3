import AxeBuilder from "@axe-core/playwright";
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

/** Runs axe-core (WCAG 2.1 A and AA rules) on the page as it is now: no serious or critical
 * violations. */
export async function checkAccessibility(page: Page, name: string) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ")}`);
  // AXE_REPORT_ONLY=1 lists every page's violations instead of stopping at the first (for fixing
  // them in one go).
  if (process.env.AXE_REPORT_ONLY) {
    if (serious.length) console.log(`AXE ${name} (${page.url()}):\n  ${serious.join("\n  ")}`);
    return;
  }
  expect(serious, `accessibility of "${name}" (${page.url()})`).toEqual([]);
}

/** One step of the journey: a screenshot for people to look at, and the accessibility check. */
export async function step(page: Page, name: string) {
  await shot(page, name);
  await checkAccessibility(page, name);
}
