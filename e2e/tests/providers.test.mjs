// The fixes that only a known provider gets, pressed in the real window: Gmail's
// "Application-specific password required" (534 5.7.9) opens Google's app-password page, and
// Microsoft 365's "SMTP AUTH is disabled" (5.7.139) copies a request for the IT admin.
// A scripted server on loopback answers under the provider's own name: the app runs in a mount
// namespace whose /etc/hosts maps smtp.gmail.com and smtp.office365.com to 127.0.0.1
// (isolate.mjs), and the server's certificate for that name is signed by the test CA the app
// is told to trust. The page opens through a recording `xdg-open` first on the app's PATH (the
// system opener on Linux); the request is read from the X clipboard as another program reads it.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, until } from "../lib/app.mjs";
import { providerSmtp } from "../lib/fake-smtp.mjs";
import { canIsolate, dnsServer, isolatedDriver } from "../lib/isolate.mjs";
import { axeViolations, clipboard } from "../lib/journey.mjs";
import { servers } from "../lib/servers.mjs";

const env = servers();
const isolated = env !== null && canIsolate();
const CANARY = "Window-Provider-Canary-4hQ";
const GMAIL_SAID =
  "534-5.7.9 Application-specific password required. Learn more at\r\n534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor";
const MS_SAID =
  "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.";
let app;
let dns;
let iso;
let gmail;
let microsoft;
let dir;
let record;

before(async () => {
  if (!isolated) return;
  dir = mkdtempSync(join(tmpdir(), "portolan-opener-"));
  record = join(dir, "opened");
  // The opener the `open` crate runs first on Linux, recording what it was asked to open.
  writeFileSync(join(dir, "xdg-open"), `#!/bin/sh\nprintf '%s\\n' "$@" >> '${record}'\n`);
  chmodSync(join(dir, "xdg-open"), 0o755);
  gmail = await providerSmtp(env, "smtp.gmail.com", GMAIL_SAID);
  microsoft = await providerSmtp(env, "smtp.office365.com", MS_SAID);
  // Every other name gets a quick "no such name" from loopback, so discovery ends at once.
  dns = await dnsServer({});
  iso = isolatedDriver({ names: ["smtp.gmail.com", "smtp.office365.com"], nameserver: dns.address });
  process.env.PORTOLAN_CA_FILE = env.PORTOLAN_TEST_CA_FILE;
  app = await launch({ wrap: iso.wrap, env: { PATH: `${dir}:${process.env.PATH}` } });
});

after(async () => {
  await app?.stop();
  await gmail?.close();
  await microsoft?.close();
  await dns?.close();
  iso?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function click(browser, selector) {
  const el = await browser.$(selector);
  await el.waitForClickable({ timeout: 15000 });
  await el.click();
}

/** From the first screen: `address`, then the provider's server typed by hand; the verdict. */
async function checkAs(browser, address, host, port) {
  const first = await browser.$("#address");
  if (!(await first.isDisplayed())) await click(browser, "button=Change");
  await first.waitForDisplayed({ timeout: 15000 });
  await first.setValue(address);
  await click(browser, "button=Continue");
  const h = await browser.$("#host");
  await h.waitForDisplayed({ timeout: 30000 });
  await h.setValue(host);
  await (await browser.$("#port")).setValue(String(port));
  await (await browser.$("input[name=security][value=tls]")).click();
  const signIn = await browser.$("input[name=sign-in]");
  if (!(await signIn.isSelected())) await signIn.click();
  await (await browser.$("#username")).setValue(address);
  await (await browser.$("#password")).setValue(CANARY);
  await click(browser, "button=Check these settings");
  const v = await browser.$("[data-testid=verdict]");
  await v.waitForDisplayed({ timeout: 40000 });
  return v;
}

test("Gmail's app-password page opens through the system opener", { skip: !isolated }, async () => {
  const { browser } = app;
  const v = await checkAs(browser, "ann@gmail.com", "smtp.gmail.com", gmail.port);
  assert.equal(await v.getAttribute("data-code"), "app_password_required");
  const link = await (await browser.$("[data-testid=verdict] [data-testid=fix-link]")).getText();
  assert.equal(link, "https://myaccount.google.com/apppasswords", "the catalogue's page, shown");
  assert.deepEqual(await axeViolations(browser), [], "the provider's verdict is accessible");
  const button = await browser.$("[data-testid=verdict] button[data-kind=open_page]");
  assert.match(await button.getAttribute("class"), /primary/, "the first thing to do");
  await button.click();
  const opened = await until(() => {
    try {
      return readFileSync(record, "utf8");
    } catch {
      return null;
    }
  }, "the opener to be run");
  assert.equal(opened, `${link}\n`, "exactly the catalogue's https page, nothing else");
  assert.ok(!opened.includes(CANARY));
  const said = gmail.said();
  assert.ok(said.includes("AUTH") && !said.includes("MAIL"), `tried to sign in, sent nothing: ${said}`);
});

test("Microsoft 365's request for the IT admin goes to the clipboard", { skip: !isolated }, async () => {
  const { browser } = app;
  const v = await checkAs(browser, "ann@firma.example", "smtp.office365.com", microsoft.port);
  assert.equal(await v.getAttribute("data-code"), "smtp_auth_disabled");
  const shown = await (await browser.$("[data-testid=verdict] [data-testid=fix-copy-text]")).getText();
  await click(browser, "[data-testid=verdict] button[data-kind=copy_text]");
  const copied = await until(() => {
    const c = clipboard();
    return c.includes("Security Defaults") ? c : null;
  }, "the request in the clipboard");
  assert.equal(copied.trim(), shown.trim(), "the text shown is the text copied");
  assert.ok(copied.includes(MS_SAID.slice(4)), `the server's reply quoted: ${copied}`);
  assert.match(copied, /SmtpClientAuthenticationDisabled/);
  assert.ok(copied.includes("ann@firma.example"), "names the mailbox");
  assert.ok(!copied.includes(CANARY), "no password in the request");
  assert.deepEqual(await axeViolations(browser), [], "the admin request is accessible");
});
