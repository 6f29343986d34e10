import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import App from "../App.svelte";
import type { ProviderNotes, SmtpSettings } from "../lib/bindings";
import { candidate, discovery, listed, mockApp, profile, startWith } from "../test/fixtures";

afterEach(() => {
  cleanup();
  clearMocks();
});

type Call = { cmd: string; args: Record<string, unknown> };

const OUTLOOK = "smtp-mail.outlook.com";
const notice: ProviderNotes = {
  provider_id: "outlook-com",
  provider_name: "Outlook.com (Hotmail, Live, MSN)",
  notes: [
    {
      kind: "oauth_only",
      lead: "Before you type your password:",
      text: "As of 6 December 2026: Outlook.com personal accounts no longer accept a password from other apps (since 16 September 2024).",
      as_of: "2026-12-06",
    },
  ],
};

/** The engine's answer, in short: Outlook.com's notice for its server or its addresses. */
function engine(args: Record<string, unknown>): ProviderNotes | null {
  const host = String(args.host).toLowerCase();
  const from = String(args.from).toLowerCase();
  return host === OUTLOOK || from.endsWith("@hotmail.com") || args.provider_id === "outlook-com" ? notice : null;
}

describe("a provider's notes outside a proposal", () => {
  it("shows Outlook.com's notice before the password for an opened profile", async () => {
    const calls: Call[] = [];
    const s: SmtpSettings = {
      host: OUTLOOK,
      port: 587,
      security: "starttls",
      username: "ann@firma.example",
      from: "ann@firma.example",
      allow_plaintext_auth: false,
      cert_exception: null,
    };
    const p = profile("p-1", "Ann", { settings: s, provider_id: "outlook-com" });
    mockApp((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "profiles_list") return { profiles: [listed(p)], notices: [] };
      if (cmd === "provider_notes") return engine(args);
      return null;
    });
    render(App);
    await fireEvent.click(screen.getByRole("button", { name: "Saved profiles" }));
    await fireEvent.click(await screen.findByRole("button", { name: "Open Ann" }));
    const box = await screen.findByTestId("provider-notes");
    expect(box.textContent).toMatch(/since 16 September 2024/);
    expect(box.textContent).toMatch(/As of 6 December 2026/);
    expect(calls.find((c) => c.cmd === "provider_notes")!.args).toMatchObject({
      host: OUTLOOK,
      from: "ann@firma.example",
      provider_id: "outlook-com",
    });
    const password = screen.getByLabelText("Password");
    expect(box.compareDocumentPosition(password) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it("shows it when the server typed by hand is Outlook.com's, and not twice with a proposal", async () => {
    mockApp((cmd, args) => {
      if (cmd === "discover") return discovery("ann@firma.example", [], "No settings were found for firma.example.");
      if (cmd === "provider_notes") return engine(args);
      return null;
    });
    render(App);
    await startWith("ann@firma.example");
    expect(screen.queryByTestId("provider-notes")).toBeNull();
    await fireEvent.input(screen.getByLabelText("Server name"), { target: { value: OUTLOOK } });
    expect((await screen.findByTestId("provider-notes")).textContent).toMatch(/16 September 2024/);
    await fireEvent.input(screen.getByLabelText("Server name"), { target: { value: "mail.firma.example" } });
    await waitFor(() => expect(screen.queryByTestId("provider-notes")).toBeNull());
  });

  it("does not repeat the notice the proposal already shows", async () => {
    mockApp((cmd, args) => {
      if (cmd === "discover") {
        const o = candidate(OUTLOOK, { provider_id: "outlook-com", notes: notice.notes });
        return discovery("ann@hotmail.com", [o]);
      }
      if (cmd === "provider_notes") return engine(args);
      return null;
    });
    render(App);
    await startWith("ann@hotmail.com");
    expect(screen.getByTestId("proposal").textContent).toMatch(/16 September 2024/);
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByTestId("provider-notes")).toBeNull();
  });
});
