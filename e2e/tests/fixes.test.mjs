// Every kind of fix the engine can offer, pressed in the real window against the real local
// Postfix/Dovecot (and, for an OAuth-only server and a hello refused for its name, which the
// fixture's Postfix does not do, a scripted one):
// each press changes something on screen — a new check, a field in focus, the port list.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch } from "../lib/app.mjs";
import { fakeSmtp } from "../lib/fake-smtp.mjs";
import { axeViolations } from "../lib/journey.mjs";
import { servers } from "../lib/servers.mjs";

const env = servers();
let app;
let fake;
let strict;
const pressed = new Set();

before(async () => {
  if (!env) return;
  process.env.PORTOLAN_CA_FILE = env.PORTOLAN_TEST_CA_FILE;
  fake = await fakeSmtp(env);
  strict = await fakeSmtp(env, undefined, "504 5.5.2 <[127.0.0.1]>: Helo command rejected: need fully-qualified hostname");
  app = await launch();
});

after(async () => {
  await app?.stop();
  await fake?.close();
  await strict?.close();
});

async function scan(browser, where) {
  assert.deepEqual(await axeViolations(browser), [], `serious or critical accessibility problems: ${where}`);
}

async function click(browser, selector) {
  const el = await browser.$(selector);
  await el.waitForClickable({ timeout: 15000 });
  await el.click();
}

async function focused(browser) {
  return browser.execute(() => document.activeElement?.id ?? "");
}

async function until(browser, fn, what, timeout = 30000) {
  await browser.waitUntil(fn, { timeout, timeoutMsg: what });
}

/** Fills the settings form and runs the check; returns the verdict's code. */
async function check(browser, { port, security, user = null, password = "", from = env.PORTOLAN_TEST_ADDRESS }) {
  const host = await browser.$("#host");
  await host.waitForDisplayed({ timeout: 15000 });
  await host.setValue(env.PORTOLAN_TEST_HOST);
  await (await browser.$("#port")).setValue(String(port));
  await (await browser.$(`input[name=security][value=${security}]`)).click();
  await (await browser.$("#from")).setValue(from);
  const signIn = await browser.$("input[name=sign-in]");
  if ((await signIn.isSelected()) !== (user !== null)) await signIn.click();
  if (user !== null) {
    await (await browser.$("#username")).setValue(user);
    const pw = await browser.$("#password");
    if (password !== "") await pw.setValue(password);
    else {
      // Emptied as a person does, so the page hears it.
      await pw.click();
      await browser.keys(["Control", "a"]);
      await browser.keys("Backspace");
    }
  }
  await stale(browser, "verdict");
  await click(browser, "button=Check these settings");
  return fresh(browser, "verdict");
}

/** Marks the verdict on screen as old, so `fresh` waits for the next one. */
async function stale(browser, testid) {
  await browser.execute((t) => {
    const v = document.querySelector(`[data-testid=${t}]`);
    if (v) v.dataset.stale = "1";
  }, testid);
}

/** Waits for a verdict that was not there before `stale`; returns its code. */
async function fresh(browser, testid) {
  const v = await browser.$(`[data-testid=${testid}]:not([data-stale])`);
  await v.waitForDisplayed({ timeout: 40000 });
  return v.getAttribute("data-code");
}

/** Presses the verdict's fix of `kind` (on the check or the test-email screen). */
async function press(browser, kind, testid = "verdict") {
  pressed.add(kind);
  await stale(browser, testid);
  await click(browser, `[data-testid=${testid}] button[data-kind=${kind}]`);
}

test("every fix button acts in the window", { skip: !env }, async () => {
  const { browser } = app;
  const user = env.PORTOLAN_TEST_USER;
  const password = env.PORTOLAN_TEST_PASSWORD;
  await (await browser.$("#address")).setValue(env.PORTOLAN_TEST_ADDRESS);
  await click(browser, "button=Continue");

  // A security mismatch: the fix switches the security and checks again.
  let code = await check(browser, { port: env.PORTOLAN_TEST_SUBMISSION_PORT, security: "tls", user, password });
  assert.equal(code, "security_mismatch");
  await scan(browser, "a verdict with fixes");
  await press(browser, "use_security");
  assert.equal(await fresh(browser, "verdict"), "ok", "the re-check with STARTTLS passes");
  assert.ok(await (await browser.$("input[name=security][value=starttls]")).isSelected());

  // A wrong password: the fix puts the focus in the password field.
  code = await check(browser, { port: env.PORTOLAN_TEST_SUBMISSIONS_PORT, security: "tls", user, password: "wrong" });
  assert.equal(code, "auth_failed");
  await press(browser, "check_password");
  await until(browser, async () => (await focused(browser)) === "password", "the focus in the password");

  // No password typed: works, not finished (amber), and the fix asks for the password.
  code = await check(browser, { port: env.PORTOLAN_TEST_SUBMISSIONS_PORT, security: "tls", user, password: "" });
  assert.equal(code, "ok_without_auth");
  const amber = await browser.$("[data-testid=verdict]");
  assert.equal(await amber.getAttribute("data-tone"), "unfinished");
  assert.match(await amber.getText(), /Type your password and check again/);
  await press(browser, "check_password");
  await until(browser, async () => (await focused(browser)) === "password", "the focus in the password");

  // Nothing listens: the fix tries the usual ports, and the page ends with what to do next.
  code = await check(browser, { port: env.PORTOLAN_TEST_CLOSED_PORT, security: "starttls" });
  assert.equal(code, "connection_refused");
  await press(browser, "find_working_port");
  const next = await browser.$("[data-testid=probe-next]");
  await next.waitForDisplayed({ timeout: 60000 });
  assert.match(await next.getText(), /another network/);
  assert.match(await next.getText(), /sending service/);
  await scan(browser, "no port works");

  // A certificate for another name: the fix types that name and checks again.
  code = await check(browser, { port: env.PORTOLAN_TEST_WRONGNAME_PORT, security: "tls" });
  assert.equal(code, "cert_name_mismatch");
  await press(browser, "use_host");
  await fresh(browser, "verdict");
  assert.equal(await (await browser.$("#host")).getValue(), "wrong.example");

  // A self-signed certificate: trusting it is secondary and asks first, with the fingerprint.
  code = await check(browser, { port: env.PORTOLAN_TEST_SELFSIGNED_PORT, security: "tls", user, password });
  assert.equal(code, "cert_untrusted");
  const ask = await browser.$("[data-testid=trust-fix]");
  assert.equal(await ask.getAttribute("class"), "secondary");
  await ask.click();
  const confirm = await browser.$("[data-testid=trust-confirm]");
  await confirm.waitForDisplayed({ timeout: 10000 });
  assert.ok((await confirm.getText()).includes(env.PORTOLAN_TEST_SELFSIGNED_SHA256), "the fingerprint is shown");
  assert.equal(await focused(browser), "trust-question");
  await scan(browser, "the trust confirmation");
  await press(browser, "trust_certificate");
  assert.equal(await fresh(browser, "verdict"), "ok", "trusted for this server, the check passes");

  // Sign-in without encryption: the (unsafe) fix allows it for this profile and checks again.
  code = await check(browser, { port: env.PORTOLAN_TEST_PLAIN_AUTH_PORT, security: "none", user, password });
  assert.equal(code, "plaintext_auth_refused");
  await press(browser, "allow_plaintext_auth");
  assert.equal(await fresh(browser, "verdict"), "ok");

  // No sign-in offered: the fix closes sign-in and checks again without it.
  code = await check(browser, { port: env.PORTOLAN_TEST_RELAY_PORT, security: "starttls", user, password });
  assert.equal(code, "auth_not_offered");
  await press(browser, "send_without_auth");
  assert.equal(await fresh(browser, "verdict"), "ok_without_auth");
  assert.equal(await (await browser.$("input[name=sign-in]")).isSelected(), false);

  // A busy server: "Try again" checks again.
  code = await check(browser, { port: env.PORTOLAN_TEST_BUSY_PORT, security: "none" });
  assert.equal(code, "server_busy");
  await press(browser, "retry_later");
  assert.equal(await fresh(browser, "verdict"), "server_busy", "checked again");
  assert.equal(await focused(browser), "check-heading", "the focus stays on the check, not the page start");

  // Only OAuth sign-in offered (the scripted server): the fix asks for an app password.
  code = await check(browser, { port: fake.port, security: "tls", user, password });
  assert.equal(code, "oauth_required");
  await press(browser, "create_app_password");
  await until(browser, async () => (await focused(browser)) === "password", "the focus in the password");

  // A server that wants a full computer name in the hello: the fix opens the EHLO name.
  code = await check(browser, { port: strict.port, security: "tls" });
  assert.equal(code, "ehlo_name_rejected");
  await press(browser, "set_ehlo_name");
  await until(browser, async () => (await focused(browser)) === "ehlo-name", "the focus in the EHLO name");

  // The test email's fixes. A refused recipient: the fix puts the focus in the recipient.
  code = await check(browser, { port: env.PORTOLAN_TEST_SUBMISSIONS_PORT, security: "tls", user, password });
  assert.equal(code, "ok");
  await click(browser, "button=Next: send a test email");
  await (await browser.$("#test-to")).setValue(env.PORTOLAN_TEST_REJECT_ADDRESS);
  await click(browser, "button=Send the test email");
  assert.equal(await fresh(browser, "test-verdict"), "recipient_rejected");
  await scan(browser, "a refused test email");
  await press(browser, "check_recipient", "test-verdict");
  await until(browser, async () => (await focused(browser)) === "test-to", "the focus in the recipient");

  // A sender the account may not use: the fix goes back to the From address.
  await (await browser.$("#test-to")).setValue(env.PORTOLAN_TEST_ADDRESS);
  await click(browser, "button=Back to the settings");
  code = await check(browser, {
    port: env.PORTOLAN_TEST_SUBMISSIONS_PORT,
    security: "tls",
    user,
    password,
    from: "bob@portolan.test",
  });
  assert.equal(code, "ok");
  await click(browser, "button=Next: send a test email");
  await stale(browser, "test-verdict");
  await click(browser, "button=Send the test email");
  assert.equal(await fresh(browser, "test-verdict"), "sender_rejected");
  await press(browser, "check_address", "test-verdict");
  await until(browser, async () => (await focused(browser)) === "from", "the focus in the From address");

  // A server that defers the sender: "Try again" sends the test email again.
  code = await check(browser, { port: env.PORTOLAN_TEST_TEMPFAIL_PORT, security: "starttls" });
  assert.equal(code, "ok_without_auth");
  await click(browser, "button=Next: send a test email");
  await stale(browser, "test-verdict");
  await click(browser, "button=Send the test email");
  assert.equal(await fresh(browser, "test-verdict"), "server_busy");
  await press(browser, "retry_later", "test-verdict");
  assert.equal(await fresh(browser, "test-verdict"), "server_busy", "sent again");

  // Relaying refused without sign-in: the fix opens sign-in on the settings screen.
  await click(browser, "button=Back to the settings");
  code = await check(browser, { port: env.PORTOLAN_TEST_SUBMISSIONS_PORT, security: "tls", from: "bob@example.org" });
  assert.equal(code, "ok_without_auth");
  await click(browser, "button=Next: send a test email");
  await (await browser.$("#test-to")).setValue(env.PORTOLAN_TEST_FOREIGN_ADDRESS);
  await stale(browser, "test-verdict");
  await click(browser, "button=Send the test email");
  assert.equal(await fresh(browser, "test-verdict"), "relay_denied");
  await press(browser, "add_sign_in", "test-verdict");
  await until(
    browser,
    async () => ["username", "password"].includes(await focused(browser)),
    "the focus in the sign-in fields",
  );
  assert.equal(await (await browser.$("input[name=sign-in]")).isSelected(), true, "sign-in is open");

  assert.deepEqual(
    [...pressed].sort(),
    [
      "add_sign_in",
      "allow_plaintext_auth",
      "check_address",
      "check_password",
      "check_recipient",
      "create_app_password",
      "find_working_port",
      "retry_later",
      "send_without_auth",
      "set_ehlo_name",
      "trust_certificate",
      "use_host",
      "use_security",
    ],
    "every kind of fix was pressed",
  );
});
