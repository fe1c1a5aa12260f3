// Waits until the server cargo-leptos started answers its health probe.
export default async function globalSetup() {
  const url = `${process.env.BASE_URL ?? "http://127.0.0.1:3000"}/readyz`;
  const deadline = Date.now() + 180_000;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      lastErr = new Error(`HTTP ${res.status}`);
    } catch (e) {
      lastErr = e;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`server at ${url} not ready: ${lastErr}`);
}
