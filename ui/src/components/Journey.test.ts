import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import App from "../App.svelte";
import type { ProfileListing, SmtpSettings, UserError } from "../lib/bindings";
import { copied, formats, listed, mockApp, profile, report, startWith, stream } from "../test/fixtures";

afterEach(() => {
  cleanup();
  clearMocks();
});

type Call = { cmd: string; args: Record<string, unknown> };

describe("the journey after a passing check", () => {
  it("sends the test email, saves to the keychain, forgets the password and exports without it", async () => {
    const calls: Call[] = [];
    mockApp((cmd, args) => {
      calls.push({ cmd, args });
      const s = args.settings as SmtpSettings;
      switch (cmd) {
        case "check":
          return report(s, "ok");
        case "send_test":
          stream(args, [
            { type: "step_started", stage: "data", label: "Sending the email" },
            {
              type: "step_finished",
              step: { stage: "data", status: "ok", duration_ms: 4, summary: "Accepted", detail: null },
            },
          ]);
          return report(s, "ok", {
            sent: {
              from: s.from,
              to: s.from,
              code: 250,
              reply: "250 2.0.0 Ok: queued as 4FxYz",
              test_code: "4F7K",
              subject: "Portolan test 4F7K",
              message_id: "<portolan.4F7K.0011223344556677@example.com>",
              ask: { question: "Did it arrive?", yes: "Yes, it arrived", no: "No, it did not arrive", arrived: "These settings send mail that arrives." },
            },
          });
        case "delivery_help":
          return {
            title: "If the test email did not arrive",
            steps: [
              { title: "Look in the spam folder", text: "Look in spam." },
              { title: "Gmail hides mail you send to yourself", text: "Look in Sent." },
              { title: "smtp.example.com is allowed to send for example.com", text: "SPF allows it." },
            ],
            sender: {
              domain: "example.com",
              host: "smtp.example.com",
              addresses: ["192.0.2.1"],
              authorisation: "allowed",
              spf_results: ["pass"],
              spf_record: "v=spf1 ip4:192.0.2.1 -all",
              dmarc_policy: null,
              dmarc_record: null,
            },
          };
        case "profile_save":
          return profile("p-1", args.name as string, { settings: s, password_saved: args.password !== null });
        case "export_formats":
          return formats;
        case "export_preview":
          return {
            format: args.format,
            text: `MAIL_HOST=${s.host}\nMAIL_PASSWORD=your-password-here`,
            includes_password: false,
            warnings: [],
            file_name: ".env",
          };
        case "export_copy":
          return copied(args);
        default:
          return null;
      }
    });
    render(App);
    await startWith("alice@example.com");
    await fireEvent.input(screen.getByLabelText("Password"), { target: { value: "s3cret" } });
    await fireEvent.click(screen.getByRole("button", { name: "Check these settings" }));
    await fireEvent.click(await screen.findByRole("button", { name: "Next: send a test email" }));

    const to = screen.getByLabelText("Send it to") as HTMLInputElement;
    expect(to.value).toBe("alice@example.com");
    expect(document.activeElement?.id).toBe("test-heading");
    await fireEvent.click(screen.getByRole("button", { name: "Send the test email" }));
    expect((await screen.findByTestId("server-reply")).textContent).toBe("250 2.0.0 Ok: queued as 4FxYz");
    const send = calls.find((c) => c.cmd === "send_test")!;
    expect(send.args.password).toBe("s3cret");
    expect(send.args.to).toBeNull();
    await waitFor(() => expect(screen.getByRole("status").textContent).toMatch(/accepted the test email/));
    expect(screen.getByTestId("test-code").textContent).toBe("4F7K");
    expect(screen.getByTestId("message-id").textContent).toBe("<portolan.4F7K.0011223344556677@example.com>");
    expect(screen.getByText("Did it arrive?")).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "No, it did not arrive" }));
    const help = await screen.findByTestId("delivery-help");
    expect(help.textContent).toMatch(/Look in the spam folder.*Gmail hides.*allowed to send/s);
    expect(calls.find((c) => c.cmd === "delivery_help")!.args).toMatchObject({
      from: "alice@example.com",
      to: "alice@example.com",
      host: "smtp.example.com",
    });
    await fireEvent.click(screen.getByRole("button", { name: "Yes, it arrived" }));
    expect((await screen.findByTestId("arrived")).textContent).toMatch(/send mail that arrives/);

    await fireEvent.click(screen.getByRole("button", { name: "Next: save these settings" }));
    await fireEvent.input(screen.getByLabelText("Name of this profile"), { target: { value: "Shop website" } });
    await fireEvent.click(screen.getByRole("button", { name: "Save" }));
    expect((await screen.findByTestId("saved")).textContent).toMatch(/Saved as “Shop website”/);
    const saveCall = calls.find((c) => c.cmd === "profile_save")!;
    expect(saveCall.args).toMatchObject({ id: null, name: "Shop website", password: "s3cret" });

    await fireEvent.click(screen.getByRole("button", { name: "Next: copy the settings into your app" }));
    const picker = (await screen.findByLabelText("Where will you paste the settings?")) as HTMLSelectElement;
    await waitFor(() => expect(picker.options.length).toBe(3));
    await fireEvent.change(picker, { target: { value: "laravel" } });
    await waitFor(() =>
      expect(screen.getByTestId("export-preview").textContent).toContain("MAIL_PASSWORD=your-password-here"),
    );
    expect(screen.getByText("The MAIL_* lines of a Laravel application's .env file.")).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Copy" }));
    expect((await screen.findByTestId("copied")).textContent).toMatch(/without the password/);
    const copy = calls.findLast((c) => c.cmd === "export_copy")!;
    expect(copy.args).toMatchObject({ format: "laravel", profile_id: "p-1", include_password: false, password: null });

    // Saved to the keychain: no later command carries the password from the window.
    const afterSave = calls.slice(calls.indexOf(saveCall) + 1);
    expect(JSON.stringify(afterSave.map((c) => ({ ...c.args, onEvent: undefined })))).not.toContain("s3cret");
  });
});

describe("saving", () => {
  it("says a locked keychain in words and can save without the password, by explicit choice", async () => {
    const saves: Record<string, unknown>[] = [];
    mockApp((cmd, args) => {
      if (cmd === "check") return report(args.settings as SmtpSettings, "ok");
      if (cmd === "profile_save") {
        saves.push(args);
        if (args.password !== null) {
          throw {
            code: "keychain_locked",
            message: "Your keychain is locked, so the password could not be saved.",
            hint: "Unlock it (log out and in again), then save again.",
          } satisfies UserError;
        }
        return profile("p-2", args.name as string, { password_saved: false });
      }
      return null;
    });
    render(App);
    await startWith("bob@example.org");
    await fireEvent.input(screen.getByLabelText("Password"), { target: { value: "pw" } });
    await fireEvent.click(screen.getByRole("button", { name: "Check these settings" }));
    await fireEvent.click(await screen.findByRole("button", { name: "Skip the test, save these settings" }));
    await fireEvent.click(screen.getByRole("button", { name: "Save" }));
    const problem = await screen.findByTestId("save-error");
    expect(problem.getAttribute("role")).toBe("alert");
    expect(problem.textContent).toMatch(/could not be saved in your keychain/);
    expect(problem.textContent).toMatch(/Unlock it/);
    expect(screen.queryByTestId("saved")).toBeNull();

    await fireEvent.click(within(problem).getByRole("button", { name: "Save without the password" }));
    expect((await screen.findByTestId("saved")).textContent).toMatch(/password is not saved/);
    expect(saves.map((s) => s.password)).toEqual(["pw", null]);
  });
});

describe("the export step", () => {
  it("shows the format's warnings, and includes the password only in the one copy it was ticked for", async () => {
    const copies: Record<string, unknown>[] = [];
    mockApp((cmd, args) => {
      const s = args.settings as SmtpSettings;
      if (cmd === "check") return report(s, "ok");
      if (cmd === "export_formats") return formats;
      if (cmd === "export_preview") {
        return {
          format: args.format,
          text: "Server: smtp.example.com\nPassword: your-password-here",
          includes_password: false,
          warnings: ["This app cannot encrypt from the start; use port 587 with it."],
          file_name: null,
        };
      }
      if (cmd === "export_copy") {
        copies.push(args);
        return copied(args, ["Clear the clipboard after pasting."]);
      }
      return null;
    });
    render(App);
    await startWith("carol@example.net");
    await fireEvent.input(screen.getByLabelText("Password"), { target: { value: "typed-pw" } });
    await fireEvent.click(screen.getByRole("button", { name: "Check these settings" }));
    await fireEvent.click(await screen.findByRole("button", { name: "Skip the test, save these settings" }));
    await fireEvent.click(screen.getByRole("button", { name: "Skip, copy the settings into your app" }));

    expect((await screen.findByTestId("export-warnings")).textContent).toMatch(/cannot encrypt from the start/);
    const include = screen.getByLabelText("Include the password in this copy") as HTMLInputElement;
    await waitFor(() => expect(include.disabled).toBe(false));
    await fireEvent.click(include);
    const warning = await screen.findByText(/will be in the clipboard as plain text/);
    expect(warning.getAttribute("role")).toBe("alert");
    expect(warning.textContent).toMatch(/clears it from the\s+clipboard after 30 seconds/);
    await fireEvent.click(screen.getByRole("button", { name: "Copy" }));
    expect((await screen.findByTestId("copied")).textContent).toMatch(/with the password/);
    expect(screen.getByText("Clear the clipboard after pasting.")).toBeTruthy();
    expect(include.checked).toBe(false);
    await fireEvent.click(screen.getByRole("button", { name: "Copy" }));
    await waitFor(() => expect(copies).toHaveLength(2));
    expect(copies[0]).toMatchObject({ include_password: true, password: "typed-pw", profile_id: null });
    expect(copies[1]).toMatchObject({ include_password: false, password: null });
  });

  it("cannot include a password in a format that has no place for one", async () => {
    mockApp((cmd, args) => {
      if (cmd === "check") return report(args.settings as SmtpSettings, "ok");
      if (cmd === "export_formats") return formats;
      if (cmd === "export_preview") {
        return { format: args.format, text: "<clientConfig/>", includes_password: false, warnings: [], file_name: null };
      }
      return null;
    });
    render(App);
    await startWith("dan@example.com");
    await fireEvent.input(screen.getByLabelText("Password"), { target: { value: "pw" } });
    await fireEvent.click(screen.getByRole("button", { name: "Check these settings" }));
    await fireEvent.click(await screen.findByRole("button", { name: "Skip the test, save these settings" }));
    await fireEvent.click(screen.getByRole("button", { name: "Skip, copy the settings into your app" }));
    const picker = (await screen.findByLabelText("Where will you paste the settings?")) as HTMLSelectElement;
    await waitFor(() => expect(picker.options.length).toBe(3));
    await fireEvent.change(picker, { target: { value: "thunderbird" } });
    expect((screen.getByLabelText("Include the password in this copy") as HTMLInputElement).disabled).toBe(true);
    expect(screen.getByText("This format has no place for a password.")).toBeTruthy();
  });
});

describe("the check in progress", () => {
  it("cancels the running check with its own request id", async () => {
    let release: (v: unknown) => void = () => {};
    const cancelled: unknown[] = [];
    mockApp((cmd, args) => {
      if (cmd === "check") {
        stream(args, [{ type: "step_started", stage: "connect", label: "Connecting" }]);
        return new Promise((resolve) => {
          release = () => resolve(report(args.settings as SmtpSettings, "cancelled"));
        });
      }
      if (cmd === "cancel") {
        cancelled.push(args.request_id);
        release(null);
        return true;
      }
      return null;
    });
    render(App);
    await startWith("erin@example.com");
    await fireEvent.click(screen.getByRole("button", { name: "Check these settings" }));
    expect(await screen.findByText("Connecting")).toBeTruthy();
    expect(screen.getByText(/in progress:/)).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Cancel the check" }));
    await waitFor(() => expect(screen.queryByRole("button", { name: "Cancel the check" })).toBeNull());
    expect(cancelled).toHaveLength(1);
    expect(String(cancelled[0])).toMatch(/^check-/);
    expect(screen.getByTestId("verdict").getAttribute("data-code")).toBe("cancelled");
  });
});

describe("finding a working port", () => {
  it("shows each port's state in words and uses the recommended one", async () => {
    mockApp((cmd, args) => {
      if (cmd !== "probe") return null;
      const results = [
        {
          candidate: { port: 465, security: "tls" },
          state: "no_answer",
          state_label: "No answer (blocked?)",
          detail: "",
          verdict: "connect_timeout",
          summary: "No answer (blocked?)",
          auth_mechanisms: [],
          tls: null,
          duration_ms: 10000,
        },
        {
          candidate: { port: 587, security: "starttls" },
          state: "works",
          state_label: "Works",
          detail: "Upgrades with STARTTLS, trusted certificate; sign-in offered (PLAIN).",
          verdict: "ok",
          summary: "Works: upgrades with STARTTLS, trusted certificate; sign-in offered (PLAIN).",
          auth_mechanisms: ["PLAIN"],
          tls: null,
          duration_ms: 30,
        },
      ];
      stream(args, [{ type: "probe_port", result: results[1] as never }]);
      return {
        host: args.host,
        results,
        recommended: { port: 587, security: "starttls" },
        recommendation: "Use port 587 with STARTTLS.",
        use_label: "Use port 587 (Upgrade with STARTTLS)",
        used_note: 'Port 587 with "Upgrade with STARTTLS" chosen. Check these settings to go on.',

        recommended_after_ms: 30,
        network_note: "Your network seems to block port 465.",
        next_steps: [],
        total_ms: 10000,
      };
    });
    render(App);
    await startWith("frank@example.com");
    await fireEvent.click(screen.getByRole("button", { name: "Find a working port" }));
    const probe = await screen.findByTestId("probe");
    expect(await within(probe).findByText(/No answer \(blocked\?\)/)).toBeTruthy();
    expect(within(probe).getByText("Recommended")).toBeTruthy();
    expect(within(probe).getByText("Your network seems to block port 465.")).toBeTruthy();
    expect(within(probe).getByText(/Upgrades with STARTTLS, trusted certificate/)).toBeTruthy();
    await fireEvent.click(within(probe).getByRole("button", { name: "Use port 587 (Upgrade with STARTTLS)" }));
    expect((screen.getByLabelText("Port") as HTMLInputElement).value).toBe("587");
    expect((document.querySelector("input[name=security][value=starttls]") as HTMLInputElement).checked).toBe(true);
    await waitFor(() => expect(document.activeElement?.id).toBe("check-button"));
  });
});

describe("the trust-certificate fix", () => {
  it("shows the fingerprint next to the button and sends the exception with the re-check", async () => {
    const checks: SmtpSettings[] = [];
    const sha = "ab:cd:ef:01";
    mockApp((cmd, args) => {
      if (cmd !== "check") return null;
      const s = args.settings as SmtpSettings;
      checks.push(s);
      if (s.cert_exception) return report(s, "ok");
      const r = report(s, "cert_untrusted");
      r.verdict.fixes = [
        {
          kind: "trust_certificate",
          label: "Trust this certificate for this server only",
          settings_patch: { cert_exception: { host: s.host, port: s.port, sha256: sha } },
          note: `Only for ${s.host}, port ${s.port}, and only this certificate: ${sha}`,
        },
      ];
      return r;
    });
    render(App);
    await startWith("gina@example.com");
    await fireEvent.click(screen.getByRole("button", { name: "Check these settings" }));
    const verdict = await screen.findByTestId("verdict");
    const ask = within(verdict).getByRole("button", { name: "Trust this certificate for this server only…" });
    expect(ask.className).toBe("secondary");
    await fireEvent.click(ask);
    const confirm = await screen.findByTestId("trust-confirm");
    expect(confirm.textContent).toContain(sha);
    expect(confirm.textContent).toContain("Only for smtp.example.com port 465.");
    await waitFor(() => expect(document.activeElement?.id).toBe("trust-question"));
    expect(checks).toHaveLength(1);
    await fireEvent.click(within(confirm).getByRole("button", { name: "Yes, trust it" }));
    await waitFor(() => expect(screen.getByTestId("verdict").getAttribute("data-code")).toBe("ok"));
    expect(document.activeElement?.id).toBe("check-heading");
    expect(checks[1]!.cert_exception).toEqual({ host: "smtp.example.com", port: 465, sha256: sha });
  });
});

describe("saved profiles", () => {
  it("tells about a damaged profiles file that was set aside", async () => {
    mockApp((cmd) => {
      if (cmd === "profiles_list") {
        return {
          profiles: [listed(profile("p-1", "Shop website"))],
          notices: [
            {
              code: "profiles_file_damaged",
              message: "The profiles file was damaged and has been set aside; nothing was deleted.",
              kept_at: "/home/a/.config/portolan/profiles.json.damaged-1",
            },
          ],
        } satisfies ProfileListing;
      }
      return null;
    });
    render(App);
    await fireEvent.click(screen.getByRole("button", { name: "Saved profiles" }));
    const notice = await screen.findByTestId("profiles-notice");
    expect(notice.getAttribute("role")).toBe("alert");
    expect(notice.textContent).toMatch(/damaged.*set aside/);
    expect(notice.textContent).toContain("profiles.json.damaged-1");
    expect(screen.getByRole("heading", { name: "Shop website" })).toBeTruthy();
  });

  it("re-checks a profile with its keychain password, renames, duplicates and deletes after confirming", async () => {
    let list = [profile("p-1", "Shop website")];
    const calls: Call[] = [];
    mockApp((cmd, args) => {
      calls.push({ cmd, args });
      switch (cmd) {
        case "profiles_list":
          return { profiles: list.map(listed), notices: [] };
        case "profile_rename":
          list = [profile("p-1", args.name as string)];
          return list[0];
        case "profile_duplicate": {
          const d = profile("p-2", "Shop website (copy)");
          list = [...list, d];
          return d;
        }
        case "profile_delete": {
          const gone = list.find((p) => p.id === args.id)!;
          list = list.filter((p) => p.id !== args.id);
          return { profile: gone, password_removed: true };
        }
        case "check":
          return report(args.settings as SmtpSettings, "ok");
        default:
          return null;
      }
    });
    render(App);
    await fireEvent.click(screen.getByRole("button", { name: "Saved profiles" }));
    await fireEvent.click(await screen.findByRole("button", { name: "Rename Shop website" }));
    const field = screen.getByLabelText("New name for Shop website") as HTMLInputElement;
    expect(document.activeElement).toBe(field);
    await fireEvent.input(field, { target: { value: "Shop" } });
    await fireEvent.click(screen.getByRole("button", { name: "Rename" }));
    expect(await screen.findByRole("heading", { name: "Shop" })).toBeTruthy();

    await fireEvent.click(screen.getByRole("button", { name: "Duplicate Shop" }));
    expect(await screen.findByRole("heading", { name: "Shop website (copy)" })).toBeTruthy();

    await fireEvent.click(screen.getByRole("button", { name: "Delete Shop website (copy)" }));
    expect(screen.getByText(/and its password in the keychain\? This cannot be undone/)).toBeTruthy();
    expect(calls.some((c) => c.cmd === "profile_delete")).toBe(false);
    await fireEvent.click(screen.getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(screen.queryByRole("heading", { name: "Shop website (copy)" })).toBeNull());
    await waitFor(() => expect(screen.getByRole("status").textContent).toMatch(/and its password in the keychain/));

    await fireEvent.click(screen.getByRole("button", { name: "Check again: Shop" }));
    await waitFor(() => expect(screen.getByTestId("verdict").getAttribute("data-code")).toBe("ok"));
    const check = calls.find((c) => c.cmd === "check")!;
    expect(check.args).toMatchObject({ password: null, profile_id: "p-1" });
    expect((screen.getByLabelText("Password") as HTMLInputElement).placeholder).toBe("Saved in your keychain");
  });

  it("imports a pasted Portolan file as a new profile", async () => {
    let list: ReturnType<typeof profile>[] = [];
    const imports: unknown[] = [];
    mockApp((cmd, args) => {
      if (cmd === "profiles_list") return { profiles: list.map(listed), notices: [] };
      if (cmd === "import_profile") {
        imports.push(args.text);
        list = [profile("p-9", "From the other computer", { password_saved: false })];
        return list[0];
      }
      return null;
    });
    render(App);
    await fireEvent.click(screen.getByRole("button", { name: "Saved profiles" }));
    expect(await screen.findByText(/No profiles yet/)).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Import a Portolan file" }));
    await fireEvent.input(screen.getByLabelText(/Paste the content of a Portolan profile file/), {
      target: { value: '{"format":"portolan-profile"}' },
    });
    await fireEvent.click(screen.getByRole("button", { name: "Import" }));
    expect(await screen.findByRole("heading", { name: "From the other computer" })).toBeTruthy();
    expect(imports).toEqual(['{"format":"portolan-profile"}']);
  });
});
