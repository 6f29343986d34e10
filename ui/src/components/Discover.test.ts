import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import App from "../App.svelte";
import type { SmtpSettings } from "../lib/bindings";
import { candidate, discovery, mockApp, report, startWith } from "../test/fixtures";

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("the address step", () => {
  it("fills the form from the best proposal and shows the provider's rule before the password", async () => {
    mockApp((cmd) => {
      if (cmd !== "discover") return null;
      const gmail = candidate("smtp.gmail.com", {
        provider_id: "gmail",
        provider_name: "Gmail",
        notes: [{ kind: "app_password", lead: "Before you type your password:", text: "Gmail needs an app password." }],
      });
      return discovery("alice@gmail.com", [gmail], "Found 1 possible server for gmail.com (Gmail).");
    });
    render(App);
    await startWith("alice@gmail.com");
    expect(await screen.findByText(/Gmail needs an app password/)).toBeTruthy();
    expect(within(screen.getByTestId("proposal")).getByText("Found 1 possible server for gmail.com (Gmail).")).toBeTruthy();
    expect((screen.getByLabelText("Server name") as HTMLInputElement).value).toBe("smtp.gmail.com");
    expect((screen.getByLabelText("Port") as HTMLInputElement).value).toBe("465");
    const note = screen.getByText(/Gmail needs an app password/);
    const password = screen.getByLabelText("Password");
    expect(note.compareDocumentPosition(password) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it("leaves the server empty and says so when nothing was found", async () => {
    const said = "No settings were found for example.org. Ask your email provider.";
    mockApp((cmd) => (cmd === "discover" ? discovery("bob@example.org", [], said) : null));
    render(App);
    await startWith("bob@example.org");
    expect((screen.getByLabelText("Server name") as HTMLInputElement).value).toBe("");
    expect(screen.getByTestId("proposal").textContent).toBe(said);
    // The engine's first security choice, with its usual port.
    expect((document.querySelector("input[name=security][value=tls]") as HTMLInputElement).checked).toBe(true);
    expect((screen.getByLabelText("Port") as HTMLInputElement).value).toBe("465");
  });

  it("tells the check which provider the proposal came from", async () => {
    const calls: { cmd: string; args: Record<string, unknown> }[] = [];
    mockApp((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "discover") {
        // Found by the domain's MX only: the server's name alone would not say Outlook.com.
        const o = candidate("smtp-mail.outlook.com", { port: 587, security: "starttls", provider_id: "outlook-com" });
        return discovery("ann@firma.example", [o]);
      }
      if (cmd === "check") return report(args.settings as SmtpSettings, "ok");
      return null;
    });
    render(App);
    await startWith("ann@firma.example");
    await fireEvent.click(screen.getByRole("button", { name: "Check these settings" }));
    await waitFor(() => expect(calls.some((c) => c.cmd === "check")).toBe(true));
    expect(calls.find((c) => c.cmd === "check")!.args).toMatchObject({ provider_id: "outlook-com" });
  });
});
