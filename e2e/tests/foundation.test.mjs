// The real window: the welcome screen and the port guide, whose words come from portolan-core.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { launch, until } from "../lib/app.mjs";

const CLI = process.env.PORTOLAN_CLI;
let app;

before(async () => {
  app = await launch();
});

after(async () => {
  await app?.stop();
});

test("the window is titled Portolan and shows the welcome screen", async () => {
  const { browser } = app;
  await until(async () => (await browser.getTitle()) === "Portolan", "the title");
  const heading = await browser.$("#welcome-heading");
  await heading.waitForDisplayed({ timeout: 10000 });
  assert.match(await heading.getText(), /Set up sending mail/);
  const label = await browser.$("label[for=address]");
  assert.match(await label.getText(), /Which email address will you send from/);
});

test("a bad address gets a plain-words message before anything is sent", async () => {
  const { browser } = app;
  const input = await browser.$("#address");
  await input.setValue("alice.example.com");
  await (await browser.$("button[type=submit]")).click();
  const problem = await browser.$("#address-problem");
  await problem.waitForDisplayed({ timeout: 5000 });
  // The engine's own check and words, the same discovery and the CLI use.
  assert.match(await problem.getText(), /has no @/);
});

test("the port guide shows the core's words, the same the CLI prints", async () => {
  const { browser } = app;
  const toggle = await browser.$("button[aria-controls=guide-panel]");
  await toggle.click();
  const guide = await browser.$("[data-testid=port-guide]");
  await guide.waitForDisplayed({ timeout: 10000 });
  const text = await guide.getText();
  const expected = JSON.parse(execFileSync(CLI, ["ports", "--json"], { encoding: "utf8" }));
  assert.ok(text.includes(expected.heading), "heading");
  for (const p of expected.ports) {
    assert.ok(text.includes(`Port ${p.port}`), `port ${p.port}`);
    assert.ok(text.includes(p.title), `title of ${p.port}`);
    assert.ok(text.includes(p.summary), `summary of ${p.port}`);
  }
  assert.equal(await toggle.getAttribute("aria-expanded"), "true");
  if (process.env.PORTOLAN_SCREENSHOT_DIR) {
    await browser.saveScreenshot(`${process.env.PORTOLAN_SCREENSHOT_DIR}/welcome-and-port-guide.png`);
  }
});
