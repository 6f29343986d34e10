// The About page of the real window: the core's words, the same `portolan --version` prints,
// opened from the header and closed with Escape.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { launch, until } from "../lib/app.mjs";
import { axeViolations, shot } from "../lib/journey.mjs";

const CLI = process.env.PORTOLAN_CLI;
let app;

before(async () => {
  app = await launch();
});

after(async () => {
  await app?.stop();
});

test("About Portolan shows the version, the licence and the notices portolan --version prints", async () => {
  const { browser } = app;
  await until(async () => (await browser.getTitle()) === "Portolan", "the title");
  const open = await browser.$("button=About Portolan");
  await open.waitForDisplayed({ timeout: 10000 });
  await open.click();
  const version = await browser.$("[data-testid=about-version]");
  await version.waitForDisplayed({ timeout: 10000 });

  const printed = execFileSync(CLI, ["--version"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const [firstLine] = printed.split("\n");
  assert.equal(await version.getText(), firstLine.replace(/^portolan /, "Portolan "));
  const licence = await (await browser.$("[data-testid=about-licence]")).getText();
  assert.ok(printed.includes(`Licence: MIT OR Apache-2.0. ${licence.replace(/ \(MIT OR Apache-2\.0\)$/, "")}`));
  const notice = await (await browser.$("[data-testid=about-data-notice]")).getText();
  assert.match(notice, /Thunderbird's ISPDB \(MPL-2\.0\)/);
  assert.ok(printed.includes(notice.replace(/^Thunderbird's ISPDB \(MPL-2\.0\): /, "")), "the same ISPDB notice");
  // Every component the CLI lists is on the page.
  const components = await (await browser.$("[data-testid=about-components]")).getText();
  const listed = printed.split("\n").filter((l) => /^ {2}\S+ \S+ \((crate|npm)\): /.test(l));
  assert.ok(listed.length > 100, "the CLI lists the components");
  for (const line of listed) {
    const [, name, version] = /^ {2}(\S+) (\S+) /.exec(line);
    assert.ok(components.includes(`${name} ${version}`), `${name} ${version} on the page`);
  }
  assert.deepEqual(await axeViolations(browser), [], "no serious accessibility problem");
  await shot(browser, "about");

  await browser.keys("Escape");
  await until(async () => !(await (await browser.$("[data-testid=about]")).isExisting()), "the page closes");
  assert.equal(await browser.execute(() => document.activeElement?.textContent?.trim()), "About Portolan");
});
