// Dark mode follows the desktop's theme, and still has no serious accessibility problems
// (contrast included) on the steps up to a failed check with its fix buttons.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch } from "../lib/app.mjs";
import { servers } from "../lib/servers.mjs";
import { axeViolations, shot } from "../lib/journey.mjs";

const env = servers();
let app;

before(async () => {
  if (!env) return;
  process.env.PORTOLAN_CA_FILE = env.PORTOLAN_TEST_CA_FILE;
  // The driver and the app inherit it: GTK, and with it WebKit, prefer the dark theme.
  process.env.GTK_THEME = "Adwaita:dark";
  try {
    app = await launch();
  } finally {
    delete process.env.GTK_THEME;
  }
});

after(async () => {
  await app?.stop();
});

test("dark mode: follows the theme, and every step scanned is still accessible", { skip: !env }, async () => {
  const { browser } = app;
  const input = await browser.$("#address");
  await input.waitForDisplayed({ timeout: 10000 });
  const dark = await browser.execute(() => window.matchMedia("(prefers-color-scheme: dark)").matches);
  assert.equal(dark, true, "the window sees the dark preference");
  const bg = await browser.execute(() => getComputedStyle(document.documentElement).backgroundColor);
  assert.equal(bg, "rgb(18, 24, 32)", "the dark palette is used");
  assert.deepEqual(await axeViolations(browser), [], "address");

  await input.setValue(env.PORTOLAN_TEST_ADDRESS);
  await (await browser.$("button=Continue")).click();
  const host = await browser.$("#host");
  await host.waitForDisplayed({ timeout: 30000 });
  await host.setValue(env.PORTOLAN_TEST_HOST);
  await (await browser.$("#port")).setValue(env.PORTOLAN_TEST_SUBMISSION_PORT);
  await (await browser.$("input[name=security][value=tls]")).click();
  await (await browser.$("#password")).setValue("not-the-password");
  assert.deepEqual(await axeViolations(browser), [], "settings");

  await (await browser.$("button=Check these settings")).click();
  const verdict = await browser.$("[data-testid=verdict]");
  await verdict.waitForDisplayed({ timeout: 30000 });
  assert.equal(await verdict.getAttribute("data-code"), "security_mismatch");
  assert.deepEqual(await axeViolations(browser), [], "a failed check with its fixes");
  await shot(browser, "dark-check-with-fix", "[data-testid=check]");
});
