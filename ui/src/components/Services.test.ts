import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import App from "../App.svelte";
import type { SendingService, SmtpSettings } from "../lib/bindings";
import type { Profile } from "../lib/profile-types";
import { listed, mockApp, profile, report } from "../test/fixtures";

afterEach(() => {
  cleanup();
  clearMocks();
});

const source = { url: "https://docs.example/smtp", read: "2026-12-06", verified: true, origin: "portolan" as const };

function service(id: string, name: string, host: string, over: Partial<SendingService> = {}): SendingService {
  return {
    id,
    name,
    service: name,
    username_words: `Create SMTP credentials at ${name}.`,
    key_link: `https://console.example/${id}`,
    key_link_label: `Make the key at ${name}`,
    servers: [{ host, port: 587, security: "starttls", source }],
    notes: [{ kind: "api_key", lead: "Before you type your password:", text: `${name} wants a key, not your account password.` }],
    proposal: {
      host,
      port: 587,
      security: "starttls",
      username: "",
      from: "",
      allow_plaintext_auth: false,
      cert_exception: null,
    },
    ...over,
  };
}

const sendgrid = service("sendgrid", "SendGrid (Twilio)", "smtp.sendgrid.net", {
  username: "apikey",
  username_words: "The user name is the word apikey, exactly as written.",
  proposal: {
    host: "smtp.sendgrid.net",
    port: 587,
    security: "starttls",
    username: "apikey",
    from: "",
    allow_plaintext_auth: false,
    cert_exception: null,
  },
});
const sesIreland = service("amazon-ses-eu-west-1", "Amazon SES (Europe, Ireland)", "email-smtp.eu-west-1.amazonaws.com", {
  service: "Amazon SES",
  region: "Europe, Ireland",
});
const sesVirginia = service("amazon-ses-us-east-1", "Amazon SES (US East, N. Virginia)", "email-smtp.us-east-1.amazonaws.com", {
  service: "Amazon SES",
  region: "US East, N. Virginia",
});

function app(calls: { cmd: string; args: Record<string, unknown> }[], badAddress = false) {
  mockApp((cmd, args) => {
    calls.push({ cmd, args });
    if (cmd === "sending_services") return [sendgrid, sesVirginia, sesIreland];
    if (cmd === "check_address" && badAddress) {
      throw { code: "invalid_address", message: "The address has no @.", hint: "Type the whole address." };
    }
    return null;
  });
  render(App);
}

describe("I send through a service", () => {
  it("fills in the service's server and user name, links to the key page, and keeps the address", async () => {
    const calls: { cmd: string; args: Record<string, unknown> }[] = [];
    app(calls);
    await fireEvent.input(screen.getByLabelText("Which email address will you send from?"), {
      target: { value: "me@example.com" },
    });
    const toggle = screen.getByRole("button", { name: /I send through a service/ });
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    await fireEvent.click(toggle);
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    await fireEvent.click(await screen.findByRole("button", { name: "SendGrid (Twilio)" }));

    await screen.findByRole("heading", { name: "Server and sign-in" });
    expect((screen.getByLabelText("Server name") as HTMLInputElement).value).toBe("smtp.sendgrid.net");
    expect((screen.getByLabelText("Port") as HTMLInputElement).value).toBe("587");
    expect((screen.getByLabelText("User name") as HTMLInputElement).value).toBe("apikey");
    expect((screen.getByLabelText("From address") as HTMLInputElement).value).toBe("me@example.com");
    expect(calls.some((c) => c.cmd === "discover")).toBe(false);

    // What to know comes before the password field.
    const words = screen.getByText(sendgrid.username_words);
    const note = screen.getByText(/SendGrid \(Twilio\) wants a key/);
    const passwordField = screen.getByLabelText("Password");
    for (const el of [words, note]) {
      expect(el.compareDocumentPosition(passwordField) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    }
    await fireEvent.click(screen.getByRole("button", { name: "Make the key at SendGrid (Twilio)" }));
    expect(calls.find((c) => c.cmd === "open_page")?.args).toEqual({ url: "https://console.example/sendgrid" });

    // Back to the first step: the address is still there.
    await fireEvent.click(screen.getByRole("button", { name: "Change" }));
    const field = (await screen.findByLabelText("Which email address will you send from?")) as HTMLInputElement;
    expect(field.value).toBe("me@example.com");
  });

  it("groups regions under their service, finds them by search, and wants an address first", async () => {
    const calls: { cmd: string; args: Record<string, unknown> }[] = [];
    app(calls, true);
    await fireEvent.click(screen.getByRole("button", { name: /I send through a service/ }));
    await screen.findByRole("button", { name: "Amazon SES (US East, N. Virginia)" });
    expect(screen.getByText("Amazon SES")).toBeTruthy();
    expect(screen.getByRole("list", { name: "Amazon SES" })).toBeTruthy();

    await fireEvent.input(screen.getByLabelText("Find your service"), { target: { value: "ireland" } });
    expect(screen.queryByRole("button", { name: "SendGrid (Twilio)" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Amazon SES (US East, N. Virginia)" })).toBeNull();
    await fireEvent.click(screen.getByRole("button", { name: "Amazon SES (Europe, Ireland)" }));

    const problem = await screen.findByRole("alert");
    expect(problem.textContent).toMatch(/no @.*whole address/);
    expect(screen.queryByRole("heading", { name: "Server and sign-in" })).toBeNull();
  });
});

describe("a profile saved for a service", () => {
  it("is saved with the service and shows its words again when opened", async () => {
    const calls: { cmd: string; args: Record<string, unknown> }[] = [];
    let saved: Profile | null = null;
    mockApp((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "sending_services") return [sendgrid, sesVirginia, sesIreland];
      if (cmd === "check") return report(args.settings as SmtpSettings, "ok");
      if (cmd === "profile_save") {
        saved = profile("p-7", String(args.name), {
          settings: args.settings as SmtpSettings,
          password_saved: false,
          provider_id: args.provider_id as string,
        });
        return saved;
      }
      if (cmd === "profiles_list") return { profiles: saved ? [listed(saved)] : [], notices: [] };
      return null;
    });
    render(App);
    await fireEvent.input(screen.getByLabelText("Which email address will you send from?"), {
      target: { value: "shop@example.com" },
    });
    await fireEvent.click(screen.getByRole("button", { name: /I send through a service/ }));
    await fireEvent.click(await screen.findByRole("button", { name: "Amazon SES (Europe, Ireland)" }));
    await screen.findByRole("heading", { name: "Server and sign-in" });
    await fireEvent.click(screen.getByRole("button", { name: "Check these settings" }));
    await waitFor(() => expect(screen.getByTestId("verdict").getAttribute("data-code")).toBe("ok"));
    expect(calls.find((c) => c.cmd === "check")!.args).toMatchObject({ provider_id: "amazon-ses-eu-west-1" });

    // Saved from the service: the profile keeps its id.
    await fireEvent.click(screen.getByRole("button", { name: "Skip the test, save these settings" }));
    await fireEvent.input(screen.getByLabelText("Name of this profile"), { target: { value: "Shop" } });
    await fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByTestId("saved");
    expect(calls.find((c) => c.cmd === "profile_save")!.args).toMatchObject({ provider_id: "amazon-ses-eu-west-1" });

    // Opened later: the service's words are there again, before the password.
    await fireEvent.click(screen.getByRole("button", { name: "Saved profiles" }));
    await fireEvent.click(await screen.findByRole("button", { name: "Open Shop" }));
    const box = await screen.findByTestId("service");
    expect(box.textContent).toContain(sesIreland.username_words);
    expect(within(box).getByRole("button", { name: "Make the key at Amazon SES (Europe, Ireland)" })).toBeTruthy();
    expect(box.compareDocumentPosition(screen.getByLabelText("Password")) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });
});
