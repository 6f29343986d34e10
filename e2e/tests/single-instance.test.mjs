// One window: a second launch of the app hands over to the running one, which comes to the
// front; no second window opens to race the first on the same files.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { launch, until } from "../lib/app.mjs";

let app;

before(async () => {
  app = await launch();
});

after(async () => {
  await app?.stop();
});

function xdotool(...args) {
  return execFileSync("xdotool", args, { encoding: "utf8", timeout: 5000 }).trim();
}

/** The X windows titled exactly `title` (xdotool exits 1 when there is none). */
function windowsTitled(title) {
  try {
    return xdotool("search", "--onlyvisible", "--name", `^${title}$`).split("\n").filter(Boolean);
  } catch {
    return [];
  }
}

function focusedWindow() {
  return xdotool("getwindowfocus", "-f");
}

/** Runs the app binary again, as a person would; resolves with its exit code. */
function launchAgain(ms) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.PORTOLAN_APP, [], { stdio: "ignore" });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the second launch still ran after ${ms} ms`));
    }, ms);
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? signal);
    });
  });
}

test("a second launch focuses the first window and opens no other", async () => {
  const { browser } = app;
  await until(async () => (await browser.getTitle()) === "Portolan", "the title");
  const ours = await until(() => {
    const w = windowsTitled("Portolan");
    return w.length > 0 ? w : null;
  }, "the Portolan window on the display");

  // Another program's window takes the focus.
  const other = spawn("xmessage", ["-title", "another-program", "another program"], { stdio: "ignore" });
  try {
    const [otherWin] = await until(() => {
      const w = windowsTitled("another-program");
      return w.length > 0 ? w : null;
    }, "the other program's window");
    xdotool("windowfocus", "--sync", otherWin);
    await until(() => focusedWindow() === otherWin, "the focus on the other program");
    await until(async () => !(await browser.execute(() => document.hasFocus())), "Portolan losing the focus");

    // The second launch ends at once (handing over), and the first window comes to the front.
    const code = await launchAgain(20000);
    assert.equal(code, 0, "the second launch exits cleanly after handing over");
    await until(() => ours.includes(focusedWindow()), "the focus back on the first window");
    await until(async () => await browser.execute(() => document.hasFocus()), "the page focused");
    assert.deepEqual(windowsTitled("Portolan"), ours, "no second window");
    // The first window still works.
    assert.equal(await browser.getTitle(), "Portolan");
  } finally {
    other.kill();
  }
});
