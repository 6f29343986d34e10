// The real window and the real core: a saved profile, reopened, shows what its provider or its
// sending service asks before the password is typed: Outlook.com's notice (no passwords from
// other apps since 16 September 2024), or the service's user-name words and key page. The
// profiles are saved with the CLI into a config folder of this test's own.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch } from "../lib/app.mjs";
import { axeViolations } from "../lib/journey.mjs";

const CLI = process.env.PORTOLAN_CLI;
const config = mkdtempSync(join(tmpdir(), "portolan-e2e-notes-"));
const env = { XDG_CONFIG_HOME: config };
let app;

function cli(args) {
  return execFileSync(CLI, args, { encoding: "utf8", env: { ...process.env, ...env } });
}

function save(name, host, user, from, extra = []) {
  const common = ["--port", "587", "--security", "starttls", "--no-password"];
  cli(["profiles", "save", name, "--host", host, "--user", user, "--from", from, ...common, ...extra]);
}

before(async () => {
  save("Hotmail", "smtp-mail.outlook.com", "ann@hotmail.com", "ann@hotmail.com");
  save("Shop", "email-smtp.eu-west-1.amazonaws.com", "AKIAEXAMPLE", "shop@example.com", [
    "--service",
    "amazon-ses-eu-west-1",
  ]);
  app = await launch({ env });
});

after(async () => {
  await app?.stop();
  rmSync(config, { recursive: true, force: true });
});

/** Opens the saved profile `name` from the list. */
async function open(browser, name) {
  await (await browser.$("button=Saved profiles")).click();
  const button = await browser.$(`button[aria-label='Open ${name}']`);
  await button.waitForDisplayed({ timeout: 10000 });
  await button.click();
  await (await browser.$("#settings-heading")).waitForDisplayed({ timeout: 10000 });
}

/** Whether `el` is above the password field. */
async function abovePassword(browser, el) {
  const password = await browser.$("#password");
  return (await el.getLocation("y")) < (await password.getLocation("y"));
}

test("reopened profiles show their provider's notice and their service's words before the password", async () => {
  const { browser } = app;
  await open(browser, "Hotmail");
  const notes = await browser.$("[data-testid=provider-notes]");
  await notes.waitForDisplayed({ timeout: 10000 });
  const text = await notes.getText();
  assert.match(text, /Outlook\.com/);
  assert.match(text, /since 16 September 2024/);
  assert.match(text, /As of \d+ \w+ \d{4}/, "dated");
  assert.ok(await abovePassword(browser, notes), "before the password");
  assert.deepEqual(await axeViolations(browser), [], "accessibility of the provider's notes");

  const ses = JSON.parse(cli(["services", "amazon-ses-eu-west-1", "--json"]));
  await open(browser, "Shop");
  const panel = await browser.$("[data-testid=service]");
  await panel.waitForDisplayed({ timeout: 10000 });
  const words = await panel.getText();
  assert.ok(words.includes(ses.name), words);
  assert.ok(words.includes(ses.username_words), words);
  assert.ok(words.includes(ses.key_link_label), "the key page button");
  assert.ok(await abovePassword(browser, panel), "before the password");
  assert.equal(await (await browser.$("[data-testid=provider-notes]")).isExisting(), false);
});
