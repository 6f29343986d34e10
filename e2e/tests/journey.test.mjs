// The whole journey in the real window against the real local Postfix/Dovecot and the real
// Secret Service: address → check → test email → save → export, with an accessibility scan of
// every step, then the saved profile's list.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, until } from "../lib/app.mjs";
import { servers } from "../lib/servers.mjs";
import { axeViolations, clipboard, keychainPassword, mailbox, shot } from "../lib/journey.mjs";

const env = servers();
let app;
const scans = {};

before(async () => {
  if (!env) return;
  process.env.PORTOLAN_CA_FILE = env.PORTOLAN_TEST_CA_FILE;
  app = await launch();
});

after(async () => {
  await app?.stop();
});

async function scan(browser, step) {
  const v = await axeViolations(browser);
  scans[step] = v;
  assert.deepEqual(v, [], `serious or critical accessibility problems on the ${step} step`);
}

async function click(browser, text) {
  const b = await browser.$(`button=${text}`);
  await b.waitForClickable({ timeout: 10000 });
  await b.click();
}

test("address → check → test email → save → export, every step accessible", { skip: !env }, async () => {
  const { browser } = app;
  const password = env.PORTOLAN_TEST_PASSWORD;
  const address = env.PORTOLAN_TEST_ADDRESS;

  // 1. Address.
  const input = await browser.$("#address");
  await input.waitForDisplayed({ timeout: 10000 });
  await scan(browser, "address");
  await input.setValue(address);
  await shot(browser, "1-address");
  await click(browser, "Continue");

  // 2. Server and sign-in (the local server is not in any directory: typed by hand).
  const host = await browser.$("#host");
  await host.waitForDisplayed({ timeout: 30000 });
  await host.setValue(env.PORTOLAN_TEST_HOST);
  await (await browser.$("#port")).setValue(env.PORTOLAN_TEST_SUBMISSIONS_PORT);
  await (await browser.$("input[name=security][value=tls]")).click();
  assert.equal(await (await browser.$("#username")).getValue(), address, "user name defaults to the address");
  const pw = await browser.$("#password");
  await pw.setValue(password);
  assert.equal(await pw.getAttribute("type"), "password", "masked");
  await (await browser.$("input[name=show-password]")).click();
  assert.equal(await pw.getAttribute("type"), "text", "the show toggle reveals it");
  await (await browser.$("input[name=show-password]")).click();
  await scan(browser, "settings");
  await shot(browser, "2-settings");

  // "Find a working port": nothing listens on the usual ports here, and each says so in words.
  await click(browser, "Find a working port");
  const recommendation = await browser.$("[data-testid=probe-recommendation]");
  await recommendation.waitForDisplayed({ timeout: 30000 });
  const probe = await (await browser.$("[data-testid=probe]")).getText();
  for (const port of ["465", "587", "2525", "25"]) {
    assert.match(probe, new RegExp(`(^|[^0-9])${port}(Encrypted|Upgrade)[^\\n]*Refused`), `port ${port} in words`);
  }
  await scan(browser, "find a working port");
  await shot(browser, "2-find-a-working-port", "[data-testid=probe]");

  // 3. Check.
  await click(browser, "Check these settings");
  const verdict = await browser.$("[data-testid=verdict]");
  await verdict.waitForDisplayed({ timeout: 30000 });
  assert.equal(await verdict.getAttribute("data-code"), "ok");
  await (await browser.$("[data-testid=details] summary")).click();
  const details = await (await browser.$("[data-testid=details]")).getText();
  assert.match(details, /235/, "reply codes in the details");
  assert.match(details, /TLS 1\.[23]/, "TLS version in the details");
  assert.ok(!details.includes(password), "the transcript has no password");
  await scan(browser, "check");
  await shot(browser, "3-check", "[data-testid=check]");

  // 4. Test email, to the user's own address by default.
  const before = mailbox(env.PORTOLAN_TEST_MAILDIR).length;
  await click(browser, "Next: send a test email");
  const to = await browser.$("#test-to");
  await to.waitForDisplayed({ timeout: 10000 });
  assert.equal(await to.getValue(), address);
  await click(browser, "Send the test email");
  const reply = await browser.$("[data-testid=server-reply]");
  await reply.waitForDisplayed({ timeout: 30000 });
  const replyText = await reply.getText();
  assert.match(replyText, /^250 .*queued as ([0-9A-Za-z]+)/, "the server's acceptance reply");
  const queueId = replyText.match(/queued as ([0-9A-Za-z]+)/)[1];
  const mail = await until(
    () => mailbox(env.PORTOLAN_TEST_MAILDIR).slice(before).find((m) => m.includes(queueId)),
    "the test email in the mailbox",
  );
  assert.match(mail, /^To: .*alice@portolan\.test/im, "to the user's own address");
  await scan(browser, "test email");
  await shot(browser, "4-test-email", "[data-testid=test-verdict]");

  // 5. Save: the password goes to the keychain, under the profile's id.
  await click(browser, "Next: save these settings");
  const name = await browser.$("#profile-name");
  await name.waitForDisplayed({ timeout: 10000 });
  await name.setValue("Shop website");
  await click(browser, "Save");
  const saved = await browser.$("[data-testid=saved]");
  await saved.waitForDisplayed({ timeout: 15000 });
  const id = await saved.getAttribute("data-profile-id");
  assert.ok(id, "the saved profile's id");
  // From here on the pictures come from the X display: once the app has written to the
  // Secret Service, WebKitWebDriver's own screenshot never answers.
  assert.equal(keychainPassword(id), password, "the keychain holds the password under the profile id");
  await scan(browser, "save");
  await shot(browser, "5-save", "[data-testid=save]", { fromDisplay: true });

  // 6. Export: the clipboard as another program reads it, without the password.
  await click(browser, "Next: copy the settings into your app");
  const picker = await browser.$("#export-format");
  await picker.waitForDisplayed({ timeout: 10000 });
  await picker.selectByAttribute("value", "laravel");
  const preview = await browser.$("[data-testid=export-preview]");
  await browser.waitUntil(async () => (await preview.getText()).includes("MAIL_HOST"), {
    timeout: 10000,
    timeoutMsg: "the Laravel preview",
  });
  assert.ok(!(await preview.getText()).includes(password), "the preview never holds the password");
  await shot(browser, "6-export", "[data-testid=export]", { fromDisplay: true });
  await click(browser, "Copy");
  await (await browser.$("[data-testid=copied]")).waitForDisplayed({ timeout: 10000 });
  const copied = await until(() => {
    const c = clipboard();
    return c.includes("MAIL_HOST") ? c : null;
  }, "the export in the clipboard");
  assert.match(copied, new RegExp(`MAIL_HOST='?${env.PORTOLAN_TEST_HOST}'?\n`));
  assert.match(copied, new RegExp(`MAIL_PORT=${env.PORTOLAN_TEST_SUBMISSIONS_PORT}`));
  assert.ok(!copied.includes(password), "the clipboard has no password unless asked");
  await scan(browser, "export");

  // The password only when ticked, for that one copy (from the keychain: the window forgot it).
  await (await browser.$("input[name=include-password]")).click();
  await click(browser, "Copy");
  const withPw = await until(() => {
    const c = clipboard();
    return c.includes(password) ? c : null;
  }, "the copy with the password");
  assert.match(withPw, /MAIL_PASSWORD/);
  assert.equal(await (await browser.$("input[name=include-password]")).isSelected(), false, "unticked after the copy");
  await click(browser, "Copy");
  await until(() => !clipboard().includes(password), "the next copy without the password");

  // The support report: redacted.
  await click(browser, "Copy a report for support");
  const reportText = await until(() => {
    const c = clipboard();
    return c.includes(env.PORTOLAN_TEST_HOST) && !c.includes("MAIL_HOST") ? c : null;
  }, "the support report in the clipboard");
  assert.ok(!reportText.includes(password), "the report has no password");

  // The host check page: the copy is the page previewed, under the name shown, even when the
  // copy comes seconds later (the page carries the time it stops working).
  await picker.selectByAttribute("value", "check_php");
  await browser.waitUntil(async () => (await preview.getText()).startsWith("<?php"), {
    timeout: 10000,
    timeoutMsg: "the host check preview",
  });
  const page = await browser.execute(() => document.querySelector("[data-testid=export-preview]")?.textContent ?? "");
  const heading = await (await browser.$("#preview-heading")).getText();
  const fileName = heading.match(/portolan-check-[0-9a-f]{16}\.php/)?.[0];
  assert.ok(fileName, `the file name in the heading: ${heading}`);
  await browser.pause(1100);
  await click(browser, "Copy");
  const copiedPage = await until(() => {
    const c = clipboard();
    return c.startsWith("<?php") ? c : null;
  }, "the host check page in the clipboard");
  assert.equal(copiedPage, page, "the page copied is the page previewed");
  await until(async () => {
    const said = await browser.$("[data-testid=copied] + ul.warnings");
    return (await said.isExisting()) && (await said.getText()).includes(fileName);
  }, `the copy naming the same file, ${fileName}`);
  assert.ok(!copiedPage.includes(password), "the page has no password");

  // The profiles list shows it.
  await click(browser, "Done: show my saved profiles");
  const item = await browser.$(`[data-testid=profile][data-profile-id="${id}"]`);
  await item.waitForDisplayed({ timeout: 10000 });
  assert.match(await item.getText(), /Shop website/);
  await scan(browser, "profiles");
  await shot(browser, "7-profiles", "[data-testid=profiles]", { fromDisplay: true });
});

test("a saved profile: re-checked with its keychain password, duplicated, deleted with its entry", { skip: !env }, async () => {
  const { browser } = app;
  const first = await browser.$("[data-testid=profile]");
  await first.waitForDisplayed({ timeout: 10000 });
  const id = await first.getAttribute("data-profile-id");

  await (await browser.$("button[aria-label='Check again: Shop website']")).click();
  const verdict = await browser.$("[data-testid=verdict]");
  await verdict.waitForDisplayed({ timeout: 30000 });
  assert.equal(await verdict.getAttribute("data-code"), "ok", "signed in with the saved password");
  assert.equal(await (await browser.$("#password")).getValue(), "", "the window never held it");

  await click(browser, "Saved profiles");
  await (await browser.$("button[aria-label='Duplicate Shop website']")).click();
  const copy = await browser.$("h3=Shop website (copy)");
  await copy.waitForDisplayed({ timeout: 10000 });
  const copyItem = await browser.$$("[data-testid=profile]")[1];
  const copyId = await copyItem.getAttribute("data-profile-id");
  assert.notEqual(copyId, id);
  assert.equal(keychainPassword(copyId), env.PORTOLAN_TEST_PASSWORD, "the copy has its own keychain entry");

  await (await browser.$("button[aria-label='Delete Shop website (copy)']")).click();
  // The confirmation's own button, not the other profiles' "Delete".
  await (await browser.$("[aria-label='Delete Shop website (copy)?'] button.danger")).click();
  await copy.waitForDisplayed({ reverse: true, timeout: 10000 });
  assert.equal(keychainPassword(copyId), null, "its keychain entry is gone");
  assert.equal(keychainPassword(id), env.PORTOLAN_TEST_PASSWORD, "the original's stays");
});
