// The real window: "I send through a service" fills in the service's settings from the core's
// list, the same the CLI prints.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { launch, until } from "../lib/app.mjs";
import { axeViolations } from "../lib/journey.mjs";

const CLI = process.env.PORTOLAN_CLI;
let app;

before(async () => {
  app = await launch();
});

after(async () => {
  await app?.stop();
});

test("choosing SendGrid reaches the settings with its server, user name and notes", async () => {
  const { browser } = app;
  const expected = JSON.parse(execFileSync(CLI, ["services", "sendgrid", "--json"], { encoding: "utf8" }));
  const input = await browser.$("#address");
  await input.waitForDisplayed({ timeout: 10000 });
  await input.setValue("alice@example.com");
  await (await browser.$("#services-toggle")).click();
  const search = await browser.$("#service-search");
  await search.waitForDisplayed({ timeout: 10000 });
  assert.deepEqual(await axeViolations(browser), [], "accessibility of the list of services");
  await search.setValue("sendgrid");
  const choice = await browser.$(`button=${expected.name}`);
  await choice.waitForDisplayed({ timeout: 5000 });
  await choice.click();

  await (await browser.$("#settings-heading")).waitForDisplayed({ timeout: 10000 });
  await until(async () => (await (await browser.$("#host")).getValue()) === expected.proposal.host, "the host");
  assert.equal(await (await browser.$("#port")).getValue(), String(expected.proposal.port));
  assert.equal(await (await browser.$("#username")).getValue(), "apikey");
  assert.equal(await (await browser.$("#from")).getValue(), "alice@example.com");
  const panel = await (await browser.$("[data-testid=service]")).getText();
  assert.ok(panel.includes(expected.username_words), panel);
  for (const n of expected.notes) assert.ok(panel.includes(n.text), n.text);
  assert.ok(panel.includes(expected.key_link_label), "the key page button");
  assert.deepEqual(await axeViolations(browser), [], "accessibility of the service's settings");
  if (process.env.PORTOLAN_SCREENSHOT_DIR) {
    await browser.saveScreenshot(`${process.env.PORTOLAN_SCREENSHOT_DIR}/sending-service.png`);
  }

  // Back to the first step: the address typed is still there.
  await (await browser.$("button=Change")).click();
  const again = await browser.$("#address");
  await again.waitForDisplayed({ timeout: 5000 });
  assert.equal(await again.getValue(), "alice@example.com");
});
