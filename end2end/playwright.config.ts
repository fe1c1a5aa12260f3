import { defineConfig, devices } from "@playwright/test";

const BASE_URL = process.env.BASE_URL ?? "http://127.0.0.1:3000";

// Debian's Chromium, not Playwright's own download (which these machines cannot fetch).
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  // cargo-leptos starts the server and runs this command at once: wait until it answers.
  globalSetup: "./global-setup.ts",
  use: { baseURL: BASE_URL, trace: "retain-on-failure" },
  // Each project comes from an address of its own (the test server trusts X-Forwarded-For,
  // as behind a proxy), so the sign-ups of both stay within the per-address sign-in throttle.
  projects: [
    {
      name: "desktop",
      use: { ...devices["Desktop Chrome"], launchOptions: chromium, extraHTTPHeaders: { "X-Forwarded-For": "198.51.100.1" } },
    },
    {
      name: "phone",
      use: { ...devices["Pixel 7"], launchOptions: chromium, extraHTTPHeaders: { "X-Forwarded-For": "198.51.100.2" } },
    },
  ],
});
