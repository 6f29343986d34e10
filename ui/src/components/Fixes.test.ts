import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import App from "../App.svelte";
import type { Fix, FixKind, Report, SmtpSettings, VerdictCode } from "../lib/bindings";
import { mockApp, report, sent, startWith } from "../test/fixtures";

afterEach(() => {
  cleanup();
  clearMocks();
});

type Call = { cmd: string; args: Record<string, unknown> };

/** A failed report whose verdict offers `fix` (and only it). */
function failing(s: SmtpSettings, code: VerdictCode, kind: FixKind, label: string): Report {
  const r = report(s, code);
  const fix: Fix = { kind, label };
  r.verdict.fixes = [fix];
  return r;
}

/** The app, with the first check answering `first` and every later one "ok". */
async function checkScreen(first: (s: SmtpSettings) => Report, calls: Call[] = []) {
  mockApp((cmd, args) => {
    calls.push({ cmd, args });
    const s = args.settings as SmtpSettings;
    if (cmd === "check") return calls.filter((c) => c.cmd === "check").length === 1 ? first(s) : report(s, "ok");
    if (cmd === "probe") {
      return {
        host: args.host,
        results: [],
        recommended: null,
        recommendation: "No port works from this computer.",
        use_label: null,
        used_note: null,
        recommended_after_ms: null,
        network_note: null,
        next_steps: ["Try another network.", "Read your provider's page.", "Use a sending service."],
        total_ms: 5,
      };
    }
    return null;
  });
  render(App);
  await startWith("alice@example.com");
  await fireEvent.input(screen.getByLabelText("Password"), { target: { value: "pw" } });
  await fireEvent.click(screen.getByRole("button", { name: "Check these settings" }));
  return within(await screen.findByTestId("verdict"));
}

describe("every fix button acts", () => {
  it("“Try again in a few minutes” checks again", async () => {
    const calls: Call[] = [];
    const v = await checkScreen((s) => failing(s, "server_busy", "retry_later", "Try again in a few minutes"), calls);
    await fireEvent.click(v.getByRole("button", { name: "Try again in a few minutes" }));
    await waitFor(() => expect(screen.getByTestId("verdict").getAttribute("data-code")).toBe("ok"));
    expect(calls.filter((c) => c.cmd === "check")).toHaveLength(2);
    expect(document.activeElement?.id).toBe("check-heading");
  });

  it("“Add a user name and password” opens sign-in and puts the focus in it", async () => {
    const v = await checkScreen((s) => failing(s, "auth_required", "add_sign_in", "Add a user name and password"));
    await fireEvent.click(screen.getByRole("checkbox", { name: "This server needs a user name and password" }));
    expect(screen.queryByLabelText("Password")).toBeNull();
    await fireEvent.click(v.getByRole("button", { name: "Add a user name and password" }));
    await waitFor(() => expect(document.activeElement?.id).toBe("password"));
    expect((screen.getByLabelText("User name") as HTMLInputElement).value).toBe("alice@example.com");
  });

  it("“Type the password again” puts the focus in the password", async () => {
    const v = await checkScreen((s) => failing(s, "auth_failed", "check_password", "Type the password again"));
    await fireEvent.click(v.getByRole("button", { name: "Type the password again" }));
    await waitFor(() => expect(document.activeElement?.id).toBe("password"));
  });

  it("“Send without signing in” closes sign-in and checks again without it", async () => {
    const calls: Call[] = [];
    const v = await checkScreen(
      (s) => failing(s, "auth_not_offered", "send_without_auth", "Send without signing in"),
      calls,
    );
    await fireEvent.click(v.getByRole("button", { name: "Send without signing in" }));
    await waitFor(() => expect(calls.filter((c) => c.cmd === "check")).toHaveLength(2));
    const second = calls.filter((c) => c.cmd === "check")[1]!;
    expect((second.args.settings as SmtpSettings).username).toBeNull();
    expect(second.args.password).toBeNull();
    expect(screen.queryByLabelText("Password")).toBeNull();
  });

  it("“Find a working port” tries the ports and ends with what to do next", async () => {
    const v = await checkScreen((s) => failing(s, "connection_refused", "find_working_port", "Find a working port"));
    await fireEvent.click(v.getByRole("button", { name: "Find a working port" }));
    const next = await screen.findByTestId("probe-next");
    expect(within(next).getAllByRole("listitem").map((li) => li.textContent)).toEqual([
      "Try another network.",
      "Read your provider's page.",
      "Use a sending service.",
    ]);
    expect(screen.getByRole("heading", { name: "What next" })).toBeTruthy();
  });

  it("does not show a fix the screen cannot act on", async () => {
    const v = await checkScreen((s) => failing(s, "recipient_rejected", "check_recipient", "Check the recipient address"));
    expect(v.queryByRole("button", { name: "Check the recipient address" })).toBeNull();
  });
});

describe("a check without sign-in", () => {
  it("is shown as not finished, with a button to type the password", async () => {
    mockApp((cmd, args) => {
      if (cmd !== "check") return null;
      const r = report(args.settings as SmtpSettings, "ok_without_auth");
      r.verdict.fixes = [{ kind: "check_password", label: "Type your password and check again" }];
      return r;
    });
    render(App);
    await startWith("alice@example.com");
    await fireEvent.click(screen.getByRole("button", { name: "Check these settings" }));
    const verdict = await screen.findByTestId("verdict");
    expect(verdict.getAttribute("data-tone")).toBe("unfinished");
    expect(within(verdict).getByRole("heading").textContent).toMatch(/^!/);
    const next = within(verdict).getByRole("button", { name: "Next: send a test email" });
    expect(next.className).toBe("secondary");
    await fireEvent.click(within(verdict).getByRole("button", { name: "Type your password and check again" }));
    await waitFor(() => expect(document.activeElement?.id).toBe("password"));
  });
});

describe("the test email's fixes", () => {
  async function testScreen(first: (s: SmtpSettings) => Report, calls: Call[]) {
    mockApp((cmd, args) => {
      calls.push({ cmd, args });
      const s = args.settings as SmtpSettings;
      if (cmd === "check") return report(s, "ok");
      if (cmd === "send_test") {
        if (calls.filter((c) => c.cmd === "send_test").length === 1) return first(s);
        return report(s, "ok", { sent: sent(s.from) });
      }
      return null;
    });
    render(App);
    await startWith("alice@example.com");
    await fireEvent.input(screen.getByLabelText("Password"), { target: { value: "pw" } });
    await fireEvent.click(screen.getByRole("button", { name: "Check these settings" }));
    await fireEvent.click(await screen.findByRole("button", { name: "Next: send a test email" }));
    await fireEvent.input(screen.getByLabelText("Send it to"), { target: { value: "bob@example.org" } });
    await fireEvent.click(screen.getByRole("button", { name: "Send the test email" }));
    return within(await screen.findByTestId("test-verdict"));
  }

  it("“Try again in a few minutes” sends again to the same recipient", async () => {
    const calls: Call[] = [];
    const v = await testScreen((s) => failing(s, "greylisted", "retry_later", "Try again in a few minutes"), calls);
    await fireEvent.click(v.getByRole("button", { name: "Try again in a few minutes" }));
    await waitFor(() => expect(screen.getByTestId("server-reply")).toBeTruthy());
    const sends = calls.filter((c) => c.cmd === "send_test");
    expect(sends).toHaveLength(2);
    expect(sends[1]!.args.to).toBe("bob@example.org");
  });

  it("“Check the recipient address” puts the focus in the recipient", async () => {
    const v = await testScreen(
      (s) => failing(s, "recipient_rejected", "check_recipient", "Check the recipient address"),
      [],
    );
    await fireEvent.click(v.getByRole("button", { name: "Check the recipient address" }));
    await waitFor(() => expect(document.activeElement?.id).toBe("test-to"));
  });

  it("“Use the address of the account you sign in with” goes to the From address", async () => {
    const v = await testScreen(
      (s) => failing(s, "sender_rejected", "check_address", "Use the address of the account you sign in with"),
      [],
    );
    await fireEvent.click(v.getByRole("button", { name: "Use the address of the account you sign in with" }));
    await waitFor(() => expect(document.activeElement?.id).toBe("from"));
    expect((screen.getByLabelText("From address") as HTMLInputElement).value).toBe("alice@example.com");
    // The password typed before is still there.
    expect((screen.getByLabelText("Password") as HTMLInputElement).value).toBe("pw");
  });
});

describe("the settings form", () => {
  it("moves port and security together until the security is chosen by hand", async () => {
    mockApp(() => null);
    render(App);
    await startWith("alice@example.com");
    const port = screen.getByLabelText("Port") as HTMLInputElement;
    const radio = (v: string) => document.querySelector(`input[name=security][value=${v}]`) as HTMLInputElement;
    await fireEvent.input(port, { target: { value: "587" } });
    expect(radio("starttls").checked).toBe(true);
    await fireEvent.input(port, { target: { value: "465" } });
    expect(radio("tls").checked).toBe(true);
    await fireEvent.click(radio("starttls"));
    expect(port.value).toBe("587");
    await fireEvent.input(port, { target: { value: "465" } });
    expect(radio("starttls").checked).toBe(true);
  });

  it("lets the From address be changed on its own and marks a refused one", async () => {
    mockApp((cmd, args) => {
      if (cmd === "check_address" && args.address === "not an address") {
        throw { code: "invalid_address", message: "This is not an email address.", hint: "Check it." };
      }
      return null;
    });
    render(App);
    await startWith("alice@example.com");
    const from = screen.getByLabelText("From address") as HTMLInputElement;
    await fireEvent.input(from, { target: { value: "not an address" } });
    await fireEvent.change(from);
    await waitFor(() => expect(from.getAttribute("aria-invalid")).toBe("true"));
    expect(screen.getByText("This is not an email address. Check it.")).toBeTruthy();
    await fireEvent.input(from, { target: { value: "shop@example.com" } });
    await fireEvent.change(from);
    await waitFor(() => expect(from.getAttribute("aria-invalid")).toBe("false"));
    expect((screen.getByLabelText("User name") as HTMLInputElement).value).toBe("alice@example.com");
  });

  it("keeps the setup when the saved profiles are opened mid-way", async () => {
    mockApp((cmd) => (cmd === "profiles_list" ? { profiles: [], notices: [] } : null));
    render(App);
    await startWith("alice@example.com");
    await fireEvent.input(screen.getByLabelText("Server name"), { target: { value: "mail.example.net" } });
    await fireEvent.input(screen.getByLabelText("Password"), { target: { value: "pw" } });
    await fireEvent.click(screen.getByRole("button", { name: "Saved profiles" }));
    await fireEvent.click(await screen.findByRole("button", { name: "Back to the setup" }));
    expect((screen.getByLabelText("Server name") as HTMLInputElement).value).toBe("mail.example.net");
    expect((screen.getByLabelText("Password") as HTMLInputElement).value).toBe("pw");
  });
});
