// Settings the window sends that Rust cannot take as they are (a port of 65536, a 10 MB
// name, broken punycode): the real window's own IPC gets Portolan's sentence naming the field,
// with its code, and never a deserialisation error.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, until } from "../lib/app.mjs";
import { clipboard } from "../lib/journey.mjs";

let app;

before(async () => {
  app = await launch();
});

after(async () => {
  await app?.stop();
});

/** Calls a command through the page's IPC, as the UI does; resolves { ok } or { err }. */
async function invoke(browser, cmd, args, change) {
  return browser.executeAsync(
    (cmd, args, change, done) => {
      const settings = {
        host: "smtp.example.com",
        port: 587,
        security: "starttls",
        username: "me@example.com",
        from: "me@example.com",
        allow_plaintext_auth: false,
        cert_exception: null,
      };
      if (change === "port") settings.port = 65536;
      if (change === "huge") settings.host = "h".repeat(10 * 1024 * 1024);
      if (change === "punycode") settings.host = "xn--.example";
      if (change === "type") settings.port = "587";
      window.__TAURI_INTERNALS__
        .invoke(cmd, { args: { ...args, settings } })
        .then((ok) => done({ ok }))
        .catch((err) => done({ err }));
    },
    cmd,
    args,
    change,
  );
}

test("out-of-range settings from the window get Portolan's own sentence", async () => {
  const { browser } = app;
  await until(async () => (await browser.getTitle()) === "Portolan", "the title");
  const preview = { format: "env", name: null, profile_id: null };
  const cases = [
    ["port", /The port must be a whole number from 1 to 65535, not 65536/],
    ["huge", /The server name is 10485760 characters long; at most 253/],
    ["punycode", /The part "xn--" of the server name .* not a valid international name/],
    ["type", /The port must be a whole number from 1 to 65535, not "587"/],
  ];
  for (const [change, sentence] of cases) {
    for (const [cmd, args] of [
      ["export_preview", preview],
      ["profile_save", { id: null, name: "Bad", password: null }],
    ]) {
      const r = await invoke(browser, cmd, args, change);
      assert.ok(r.err, `${cmd} ${change}: refused`);
      assert.equal(typeof r.err, "object", `${cmd} ${change}: a Portolan error, not ${JSON.stringify(r.err)}`);
      assert.equal(r.err.code, "invalid_settings", `${cmd} ${change}`);
      assert.match(r.err.message, sentence, `${cmd} ${change}`);
      assert.ok(r.err.message.length < 400, `${cmd} ${change}: the value is not echoed`);
      assert.ok(r.err.hint, `${cmd} ${change}: says what to do`);
    }
  }
  // The good settings still work.
  const ok = await invoke(browser, "export_preview", preview, null);
  assert.match(ok.ok.text, /smtp\.example\.com/);
});

/** Calls `copy_text` through the page's IPC with a text of `size` characters. */
async function copyText(browser, text, size) {
  return browser.executeAsync(
    (text, size, done) => {
      window.__TAURI_INTERNALS__
        .invoke("copy_text", { args: { text: size ? "x".repeat(size) : text } })
        .then((ok) => done({ ok }))
        .catch((err) => done({ err }));
    },
    text,
    size,
  );
}

test("copy_text takes a fix's text and refuses a flood with Portolan's sentence", async () => {
  const { browser } = app;
  const ok = await copyText(browser, "Hello, could you allow SMTP AUTH for my mailbox?", 0);
  assert.ok(!ok.err, JSON.stringify(ok.err));
  await until(() => clipboard() === "Hello, could you allow SMTP AUTH for my mailbox?", "the text copied");
  const r = await copyText(browser, null, 70 * 1024);
  assert.equal(r.err?.code, "clipboard_failed", JSON.stringify(r));
  assert.equal(r.err.message, "This text is too long to copy (70 KiB; Portolan copies at most 64 KiB), so nothing was copied.");
  assert.match(r.err.hint, /copy it yourself/);
  assert.equal(clipboard(), "Hello, could you allow SMTP AUTH for my mailbox?", "the clipboard is as it was");
});
