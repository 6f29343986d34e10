// Starts the real Portolan binary through tauri-driver (which drives WebKitWebDriver) and
// hands back a WebdriverIO browser. Expects DISPLAY to point at a running X server (Xvfb).
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import net from "node:net";
import { remote } from "webdriverio";

const APP = process.env.PORTOLAN_APP;
const DRIVER = process.env.TAURI_DRIVER || "tauri-driver";

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`tauri-driver did not listen on port ${port} within ${ms} ms`);
}

/** The processes started under `pid` (WebKitWebDriver and the app), from /proc. */
function descendants(pid) {
  const children = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(name));
    } catch {
      // Gone meanwhile.
    }
  }
  const out = [];
  const walk = (p) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** Whether a process of the app binary is still running (pgrep exits 1 when none is). */
function appRunning() {
  try {
    execFileSync("pgrep", ["-f", APP], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Waits until the previous test's app has exited. The app is single-instance: a launch while
 * the last one is still closing would only focus that one and exit, and the new session would
 * wait for a window that never comes.
 */
async function previousAppGone(ms) {
  const end = Date.now() + ms;
  while (appRunning()) {
    if (Date.now() > end) {
      try {
        execFileSync("pkill", ["-KILL", "-f", APP], { stdio: "ignore" });
      } catch {
        // Gone in the meantime.
      }
      await sleep(200);
      return;
    }
    await sleep(100);
  }
}

/**
 * Launches the app; returns { browser, stop }. `wrap(cmd, args)` may return another
 * [cmd, args] to start tauri-driver through (a namespace, see isolate.mjs); `env` is added to
 * the environment of the driver and so of the app.
 */
export async function launch({ wrap = null, env = {} } = {}) {
  if (!APP) throw new Error("PORTOLAN_APP must name the built app binary");
  await previousAppGone(10000);
  const port = await freePort();
  const nativePort = await freePort();
  const driverArgs = ["--port", String(port), "--native-port", String(nativePort)];
  const [cmd, args] = wrap ? wrap(DRIVER, driverArgs) : [DRIVER, driverArgs];
  const driver = spawn(cmd, args, {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, ...env },
  });
  await waitForPort(port, 15000);
  let browser;
  try {
    browser = await remote({
      hostname: "127.0.0.1",
      port,
      logLevel: "warn",
      connectionRetryCount: 2,
      capabilities: {
        browserName: "wry",
        "wdio:enforceWebDriverClassic": true,
        "tauri:options": { application: APP },
      },
    });
  } catch (e) {
    driver.kill();
    throw e;
  }
  const stop = async () => {
    // Noted before the session ends: an app that outlives its driver would keep the test
    // runner waiting on its output.
    const started = descendants(driver.pid);
    try {
      await browser.deleteSession();
    } finally {
      driver.kill();
      for (const pid of started) {
        try {
          process.kill(pid, "SIGTERM");
        } catch {
          // Already ended.
        }
      }
      await previousAppGone(10000);
    }
  };
  return { browser, stop };
}

/** Waits until `fn` returns a truthy value, or throws with `what`. */
export async function until(fn, what, ms = 10000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}
