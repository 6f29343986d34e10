import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import App from "../App.svelte";
import type { Report, SmtpSettings, UserError } from "../lib/bindings";
import { mockApp, startWith } from "../test/fixtures";

afterEach(() => {
  cleanup();
  clearMocks();
});

function report(settings: SmtpSettings, ok: boolean): Report {
  return {
    host: settings.host,
    port: settings.port,
    security: settings.security,
    steps: [],
    verdict: ok
      ? { code: "ok", ok: true, finished: true, title: "Everything works", explanation: "Signed in.", fixes: [] }
      : {
          code: "security_mismatch",
          ok: false,
          finished: false,
          title: "This port expects STARTTLS",
          explanation: "The server greeted in plain text.",
          fixes: [
            {
              kind: "use_security",
              label: "Use STARTTLS on 587",
              settings_patch: { port: 587, security: "starttls" },
            },
          ],
        },
    tls: null,
    server: null,
    transcript: [{ direction: "client", text: "AUTH PLAIN <redacted>", at_ms: 1 }],
    sent: null,
    total_ms: 5,
  } as Report;
}

describe("the check screen", () => {
  it("offers the verdict's fix as a button that changes the settings and checks again", async () => {
    const calls: { settings: SmtpSettings; password: string | null }[] = [];
    mockApp((cmd, args) => {
      if (cmd === "check") {
        const a = args as { settings: SmtpSettings; password: string | null };
        calls.push(a);
        return report(a.settings, a.settings.security === "starttls");
      }
      return null;
    });
    render(App);
    await startWith("alice@example.com");
    expect((screen.getByLabelText("Server name") as HTMLInputElement).value).toBe("smtp.example.com");
    await fireEvent.input(screen.getByLabelText("Password"), { target: { value: "s3cret" } });
    await fireEvent.click(screen.getByRole("button", { name: "Check these settings" }));
    expect(await screen.findByRole("heading", { name: /This port expects STARTTLS/ })).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Use STARTTLS on 587" }));
    expect(await screen.findByRole("heading", { name: /Everything works/ })).toBeTruthy();
    expect(calls).toHaveLength(2);
    expect(calls[1]!.settings.port).toBe(587);
    expect(calls[1]!.settings.security).toBe("starttls");
    expect(calls[1]!.password).toBe("s3cret");
    expect((screen.getByLabelText("Port") as HTMLInputElement).value).toBe("587");
  });

  it("writes what it says about the check in the engine's phrases and details", async () => {
    mockApp((cmd, args) => {
      if (cmd === "check") return report((args as { settings: SmtpSettings }).settings, true);
      if (cmd === "report_details") return [{ label: "Greeting", text: "220 mx ESMTP", verbatim: true }];
      return null;
    });
    render(App);
    await startWith("alice@example.com");
    await fireEvent.click(screen.getByRole("button", { name: "Check these settings" }));
    expect(await screen.findByRole("heading", { name: "What the check found" })).toBeTruthy();
    expect(screen.getByText("Steps and verdict, no password.")).toBeTruthy();
    const greeting = await screen.findByText("220 mx ESMTP");
    expect(greeting.tagName).toBe("CODE");
    expect(greeting.closest("dd")?.previousElementSibling?.textContent).toBe("Greeting");
  });

  it("opens the provider's page and copies the admin request through Rust", async () => {
    const calls: { cmd: string; args: Record<string, unknown> }[] = [];
    const page = "https://myaccount.google.com/apppasswords";
    mockApp((cmd, args) => {
      calls.push({ cmd, args: args as Record<string, unknown> });
      if (cmd === "check") {
        const r = report((args as { settings: SmtpSettings }).settings, false);
        r.verdict = {
          code: "auth_failed",
          ok: false,
          finished: false,
          title: "Gmail refused the password: it needs an app password",
          explanation: "Gmail does not accept your normal password in other apps.",
          fixes: [
            { kind: "open_page", label: "Create an app password at Gmail", link: page },
            { kind: "copy_text", label: "Copy a request for your IT admin", copy_text: "Hello, could you…" },
          ],
        };
        return r;
      }
      return null;
    });
    render(App);
    await startWith("ann@gmail.com");
    await fireEvent.click(screen.getByRole("button", { name: "Check these settings" }));
    const verdict = await screen.findByTestId("verdict");
    expect(verdict.textContent).toContain(page);
    await fireEvent.click(screen.getByRole("button", { name: "Create an app password at Gmail" }));
    await fireEvent.click(screen.getByRole("button", { name: "Copy a request for your IT admin" }));
    expect(calls.find((c) => c.cmd === "open_page")?.args).toEqual({ url: page });
    expect(calls.find((c) => c.cmd === "copy_text")?.args).toEqual({ text: "Hello, could you…" });
  });

  it("shows a refused check's message and hint in words", async () => {
    mockApp((cmd) => {
      if (cmd === "check") {
        throw {
          code: "invalid_settings",
          message: "The server name is empty.",
          hint: "Type it.",
        } satisfies UserError;
      }
      return null;
    });
    render(App);
    await startWith("bob@example.org");
    await fireEvent.click(screen.getByRole("button", { name: "Check these settings" }));
    const alerts = await screen.findAllByRole("alert");
    expect(alerts.map((a) => a.textContent).join(" ")).toMatch(/server name is empty.*Type it/s);
  });
});
