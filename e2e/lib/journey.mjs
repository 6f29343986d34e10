// Helpers for the journey tests: the accessibility scan, keyboard moves, the clipboard, the
// keychain and the mailbox, all read from outside the app.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** Serious and critical axe-core violations of the page as it is now (WCAG 2 A/AA rules). */
export async function axeViolations(browser) {
  const loaded = await browser.execute(() => typeof globalThis.axe === "object");
  if (!loaded) await browser.execute(AXE);
  const found = await browser.executeAsync((done) => {
    globalThis.axe
      .run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
        resultTypes: ["violations"],
      })
      .then((r) =>
        done(
          r.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
          })),
        ),
      )
      .catch((e) => done([{ id: "axe-error", impact: "critical", help: String(e), nodes: [] }]));
  });
  return found.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** Presses Tab (at most `max` times) until the focused element matches `selector`. */
export async function tabTo(browser, selector, max = 40) {
  for (let i = 0; i < max; i++) {
    const hit = await browser.execute((s) => document.activeElement?.matches(s) ?? false, selector);
    if (hit) return;
    await browser.keys("Tab");
  }
  const at = await browser.execute(() => document.activeElement?.outerHTML.slice(0, 120));
  throw new Error(`Tab never reached ${selector}; focus is on ${at}`);
}

/**
 * Types `text` into the focused element, one key at a time: WebKitWebDriver drops the second
 * of two identical keys sent in one action sequence ("43500" arrives as "4350").
 */
export async function typeText(browser, text) {
  for (const ch of text) await browser.keys(ch);
}

/** Replaces the focused field's text by typing, as a person does: select all, then type. */
export async function typeInto(browser, text) {
  await browser.keys(["Control", "a"]);
  await browser.keys("Backspace");
  await typeText(browser, text);
}

/** The clipboard's text (the X11 CLIPBOARD selection), as another program would read it. */
export function clipboard() {
  return execFileSync("xclip", ["-o", "-selection", "clipboard"], { encoding: "utf8", timeout: 5000 });
}

/** The password the keychain holds for a profile, or null (secret-tool exits 1 when none). */
export function keychainPassword(profileId) {
  try {
    return execFileSync("secret-tool", ["lookup", "service", "Portolan", "username", profileId], {
      encoding: "utf8",
      timeout: 5000,
    });
  } catch {
    return null;
  }
}

/** The messages delivered to the test mailbox so far (Maildir `new/`), newest last. */
export function mailbox(maildir) {
  const dir = join(maildir, "new");
  let names = [];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return names.map((n) => readFileSync(join(dir, n), "utf8"));
}

/**
 * Saves a screenshot of the window when PORTOLAN_SCREENSHOT_DIR is set, scrolled so that
 * `selector` (default: the top of the page) is at the top.
 *
 * `fromDisplay`: take the picture from the X display (ImageMagick's `import`, cropped to the
 * window) instead of through WebDriver. Once the app has written to the Secret Service,
 * WebKitWebDriver's own screenshot never answers, while every other command still does.
 */
export async function shot(browser, name, selector = null, { fromDisplay = false } = {}) {
  const dir = process.env.PORTOLAN_SCREENSHOT_DIR;
  if (!dir) return;
  await browser.execute((s) => {
    const el = s ? document.querySelector(s) : null;
    if (el) el.scrollIntoView({ block: "start" });
    else window.scrollTo(0, 0);
  }, selector);
  const file = join(dir, `${name}.png`);
  if (!fromDisplay) {
    await browser.saveScreenshot(file);
    return;
  }
  // Let the scroll and any transition settle before the display is read.
  await browser.pause(300);
  const { x, y, width, height } = await browser.getWindowRect();
  execFileSync("import", ["-window", "root", "-crop", `${width}x${height}+${x}+${y}`, "+repage", file], {
    timeout: 15000,
  });
}
