// Starts the real Portolan binary through tauri-driver (which drives WebKitWebDriver) and
// hands back a WebdriverIO browser. Expects DISPLAY to point at a running X server (Xvfb).
import { spawn } from "node:child_process";
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

/** Launches the app; returns { browser, stop }. */
export async function launch() {
  if (!APP) throw new Error("PORTOLAN_APP must name the built app binary");
  const port = await freePort();
  const nativePort = await freePort();
  const driver = spawn(DRIVER, ["--port", String(port), "--native-port", String(nativePort)], {
    stdio: ["ignore", "inherit", "inherit"],
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
