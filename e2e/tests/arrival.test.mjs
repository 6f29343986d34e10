// "Did it arrive?" in the real window: the test email goes through the real Postfix, then
// No explains, in order, the spam folder, Gmail's hiding of mail sent to yourself, and whether
// the server may send for the From domain, read from the domain's SPF and DMARC records. Those
// records come from a DNS responder the test starts on loopback: the app runs in a mount
// namespace whose resolv.conf names it (isolate.mjs), the system's resolver being the one the
// app asks. The words are compared with `portolan delivery` asking the same responder, so both
// come from the core. Yes then finishes, with the next step.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { launch, until } from "../lib/app.mjs";
import { canIsolate, dnsServer, isolatedDriver } from "../lib/isolate.mjs";
import { axeViolations, mailbox } from "../lib/journey.mjs";
import { servers } from "../lib/servers.mjs";

const env = servers();
const isolated = env !== null && canIsolate();
let app;
let dns;
let iso;

// The From domain lists another loopback address only, and asks for failing mail to go to spam.
const SPF = "v=spf1 ip4:127.0.0.2 -all";
const DMARC = "v=DMARC1; p=quarantine";

before(async () => {
  if (!isolated) return;
  const domain = env.PORTOLAN_TEST_DOMAIN;
  dns = await dnsServer({ [domain]: { TXT: [SPF] }, [`_dmarc.${domain}`]: { TXT: [DMARC] } });
  iso = isolatedDriver({ nameserver: dns.address });
  process.env.PORTOLAN_CA_FILE = env.PORTOLAN_TEST_CA_FILE;
  app = await launch({ wrap: iso.wrap });
});

after(async () => {
  await app?.stop();
  await dns?.close();
  iso?.cleanup();
});

async function click(browser, selector) {
  const el = await browser.$(selector);
  await el.waitForClickable({ timeout: 15000 });
  await el.click();
}

/** The core's help for the same test email, asking the same DNS responder. */
async function coreHelp(from, to, host) {
  const { stdout } = await promisify(execFile)(
    process.env.PORTOLAN_CLI,
    ["delivery", "--from", from, "--to", to, "--host", host, "--resolver", `${dns.address}:53`, "--json"],
    { encoding: "utf8", timeout: 30000 },
  );
  return JSON.parse(stdout);
}

test("did it arrive? No explains in order; Yes finishes with the next step", { skip: !isolated }, async () => {
  const { browser } = app;
  const address = env.PORTOLAN_TEST_ADDRESS;
  await (await browser.$("#address")).setValue(address);
  await click(browser, "button=Continue");
  const host = await browser.$("#host");
  await host.waitForDisplayed({ timeout: 30000 });
  await host.setValue(env.PORTOLAN_TEST_HOST);
  await (await browser.$("#port")).setValue(env.PORTOLAN_TEST_SUBMISSIONS_PORT);
  await (await browser.$("input[name=security][value=tls]")).click();
  await (await browser.$("#password")).setValue(env.PORTOLAN_TEST_PASSWORD);
  await click(browser, "button=Check these settings");
  const verdict = await browser.$("[data-testid=verdict]");
  await verdict.waitForDisplayed({ timeout: 40000 });
  assert.equal(await verdict.getAttribute("data-code"), "ok");

  // The test email, through the real Postfix to the user's own address.
  const before = mailbox(env.PORTOLAN_TEST_MAILDIR).length;
  await click(browser, "button=Next: send a test email");
  await click(browser, "button=Send the test email");
  const arrival = await browser.$("[data-testid=arrival]");
  await arrival.waitForDisplayed({ timeout: 40000 });
  const messageId = await (await browser.$("[data-testid=message-id]")).getText();
  await until(
    () => mailbox(env.PORTOLAN_TEST_MAILDIR).slice(before).some((m) => m.includes(messageId)),
    "the test email with the Message-ID shown in the mailbox",
    20000,
  );

  // No: the steps, in the core's order and words.
  const [yes, no] = await browser.$$("[data-testid=arrival] .answers button");
  await no.click();
  const list = await browser.$("[data-testid=delivery-help]");
  await list.waitForDisplayed({ timeout: 30000 });
  const shown = await browser.execute(() =>
    [...document.querySelectorAll("[data-testid=delivery-help] li")].map((li) => ({
      title: li.querySelector("strong")?.textContent?.trim() ?? "",
      text: li.querySelector("p")?.textContent?.trim() ?? "",
    })),
  );
  const asked = [...dns.queries];
  assert.ok(asked.includes(`${env.PORTOLAN_TEST_DOMAIN} 16`), `the app read SPF from the test's DNS: ${asked}`);
  assert.ok(asked.includes(`_dmarc.${env.PORTOLAN_TEST_DOMAIN} 16`), `and DMARC: ${asked}`);
  const core = await coreHelp(address, address, env.PORTOLAN_TEST_HOST);
  assert.equal(core.sender.authorisation, "not_listed", "the records say the server is not listed");
  assert.deepEqual(shown, core.steps, "the window shows the core's steps, in its order");
  assert.equal(shown.length, 3);
  assert.match(shown[0].title, /spam/i, "the spam folder first");
  assert.match(shown[1].title, /Gmail/, "Gmail's own-address rule second");
  assert.ok(shown[2].title.includes(env.PORTOLAN_TEST_DOMAIN), "then the From domain's records");
  assert.match(shown[2].text, /SPF record of portolan\.test does not list/);
  assert.match(shown[2].text, /DMARC policy/);
  await (await browser.$("[data-testid=arrival] details summary")).click();
  const records = await (await browser.$("[data-testid=arrival] details")).getText();
  assert.ok(records.includes(SPF) && records.includes(DMARC), `the records as published: ${records}`);
  assert.deepEqual(await axeViolations(browser), [], "the explanation is accessible");

  // Yes: finished, and the next step is the primary action.
  await yes.click();
  const arrived = await browser.$("[data-testid=arrived]");
  await arrived.waitForDisplayed({ timeout: 10000 });
  assert.match(await arrived.getText(), /save them now/);
  assert.equal(await yes.getAttribute("aria-pressed"), "true");
  assert.equal(await (await browser.$("[data-testid=delivery-help]")).isExisting(), false, "the help is gone");
  const next = await browser.$("button=Next: save these settings");
  assert.match(await next.getAttribute("class"), /primary/);
  await next.click();
  await (await browser.$("#profile-name")).waitForDisplayed({ timeout: 10000 });
});
