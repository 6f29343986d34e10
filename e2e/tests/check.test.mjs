// The check screen against the real local Postfix/Dovecot: a wrong password, and a security
// mismatch fixed with one click.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch } from "../lib/app.mjs";
import { servers } from "../lib/servers.mjs";

const env = servers();
let app;

before(async () => {
  if (!env) return;
  // The app trusts the test CA the way a company's own CA is trusted: PORTOLAN_CA_FILE.
  process.env.PORTOLAN_CA_FILE = env.PORTOLAN_TEST_CA_FILE;
  app = await launch();
});

after(async () => {
  await app?.stop();
});

async function fillAndCheck(browser, { port, security, password }) {
  const host = await browser.$("#host");
  await host.waitForDisplayed({ timeout: 10000 });
  await host.setValue(env.PORTOLAN_TEST_HOST);
  await (await browser.$("#port")).setValue(String(port));
  await (await browser.$(`input[name=security][value=${security}]`)).click();
  await (await browser.$("#username")).setValue(env.PORTOLAN_TEST_USER);
  await (await browser.$("#password")).setValue(password);
  await (await browser.$("button=Check these settings")).click();
}

async function verdictCode(browser) {
  const verdict = await browser.$("[data-testid=verdict]");
  await verdict.waitForDisplayed({ timeout: 30000 });
  return verdict.getAttribute("data-code");
}

test("address, then a wrong password: the sign-in verdict and its advice", { skip: !env }, async () => {
  const { browser } = app;
  await (await browser.$("#address")).setValue(env.PORTOLAN_TEST_ADDRESS);
  await (await browser.$("button=Continue")).click();
  await fillAndCheck(browser, {
    port: env.PORTOLAN_TEST_SUBMISSIONS_PORT,
    security: "tls",
    password: "not-the-password",
  });
  assert.equal(await verdictCode(browser), "auth_failed");
  const text = await (await browser.$("[data-testid=check]")).getText();
  assert.match(text, /✓/, "the steps before sign-in show a text mark");
  assert.match(text, /✗/, "the failed sign-in shows a text mark");
  assert.ok(!text.includes("not-the-password"), "the password is never shown");
});

test("a security mismatch, then its fix button, then a passing check", { skip: !env }, async () => {
  const { browser } = app;
  await fillAndCheck(browser, {
    port: env.PORTOLAN_TEST_SUBMISSION_PORT,
    security: "tls",
    password: env.PORTOLAN_TEST_PASSWORD,
  });
  assert.equal(await verdictCode(browser), "security_mismatch");
  const fix = await browser.$("[data-testid=verdict] .fixes button");
  await fix.click();
  await browser.waitUntil(
    async () => (await (await browser.$("[data-testid=verdict]")).getAttribute("data-code")) === "ok",
    { timeout: 30000, timeoutMsg: "the re-check did not pass" },
  );
  const checked = await (await browser.$("input[name=security][value=starttls]")).isSelected();
  assert.ok(checked, "the fix switched to STARTTLS");
  if (process.env.PORTOLAN_SCREENSHOT_DIR) {
    await browser.saveScreenshot(`${process.env.PORTOLAN_SCREENSHOT_DIR}/check-passed.png`);
  }
});
