// The journey with the keyboard alone: Tab to move, typing, Enter and Space to act. No click.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch } from "../lib/app.mjs";
import { servers } from "../lib/servers.mjs";
import { clipboard, keychainPassword, tabTo, typeInto, typeText } from "../lib/journey.mjs";

const env = servers();
let app;

before(async () => {
  if (!env) return;
  process.env.PORTOLAN_CA_FILE = env.PORTOLAN_TEST_CA_FILE;
  app = await launch();
});

after(async () => {
  await app?.stop();
});

/** Tabs to the button whose text is `text` and presses Enter. */
async function press(browser, text) {
  for (let i = 0; i < 60; i++) {
    const hit = await browser.execute(
      (t) => document.activeElement?.tagName === "BUTTON" && document.activeElement.textContent.trim() === t,
      text,
    );
    if (hit) {
      await browser.keys("Enter");
      return;
    }
    await browser.keys("Tab");
  }
  throw new Error(`Tab never reached the button "${text}"`);
}

test("keyboard only: address, settings, check, test email, save and copy", { skip: !env }, async () => {
  const { browser } = app;
  await (await browser.$("#address")).waitForDisplayed({ timeout: 10000 });

  await tabTo(browser, "#address");
  await typeText(browser, env.PORTOLAN_TEST_ADDRESS);
  await browser.keys("Enter");

  await (await browser.$("#host")).waitForDisplayed({ timeout: 30000 });
  await tabTo(browser, "#host");
  await typeInto(browser, env.PORTOLAN_TEST_HOST);
  await tabTo(browser, "#port");
  await typeInto(browser, env.PORTOLAN_TEST_SUBMISSION_PORT);
  // The security radios: Tab lands on the chosen one, the arrows move the choice.
  await tabTo(browser, "input[name=security]:checked");
  const chosen = await browser.execute(() => document.activeElement.value);
  if (chosen !== "starttls") {
    await browser.keys(chosen === "tls" ? "ArrowDown" : "ArrowUp");
  }
  assert.equal(await browser.execute(() => document.activeElement.value), "starttls");
  assert.equal(await (await browser.$("#host")).getValue(), env.PORTOLAN_TEST_HOST, "host typed");
  assert.equal(await (await browser.$("#port")).getValue(), env.PORTOLAN_TEST_SUBMISSION_PORT, "port typed");
  await tabTo(browser, "#password");
  await typeText(browser, env.PORTOLAN_TEST_PASSWORD);
  await browser.keys("Enter");

  const verdict = await browser.$("[data-testid=verdict]");
  await verdict.waitForDisplayed({ timeout: 30000 });
  assert.equal(await verdict.getAttribute("data-code"), "ok");

  await press(browser, "Next: send a test email");
  await (await browser.$("#test-to")).waitForDisplayed({ timeout: 10000 });
  assert.equal(await browser.execute(() => document.activeElement?.id), "test-heading", "focus follows the step");
  await tabTo(browser, "#test-to");
  await browser.keys("Enter");
  await (await browser.$("[data-testid=server-reply]")).waitForDisplayed({ timeout: 30000 });

  await press(browser, "Next: save these settings");
  await tabTo(browser, "#profile-name");
  await typeInto(browser, "Keyboard");
  await browser.keys("Enter");
  const saved = await browser.$("[data-testid=saved]");
  await saved.waitForDisplayed({ timeout: 15000 });
  const id = await saved.getAttribute("data-profile-id");
  assert.equal(keychainPassword(id), env.PORTOLAN_TEST_PASSWORD);

  await press(browser, "Next: copy the settings into your app");
  await (await browser.$("#export-format")).waitForDisplayed({ timeout: 10000 });
  await press(browser, "Copy");
  await (await browser.$("[data-testid=copied]")).waitForDisplayed({ timeout: 10000 });
  const text = clipboard();
  assert.match(text, new RegExp(env.PORTOLAN_TEST_HOST));
  assert.ok(!text.includes(env.PORTOLAN_TEST_PASSWORD));
});
