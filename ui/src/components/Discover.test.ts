import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import App from "../App.svelte";

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("the address step", () => {
  it("fills the form from the best proposal and shows the provider's rule before the password", async () => {
    mockIPC((cmd) => {
      if (cmd !== "discover") return null;
      return {
        address: "alice@gmail.com",
        domain: "gmail.com",
        ascii_domain: "gmail.com",
        candidates: [
          {
            host: "smtp.gmail.com",
            port: 465,
            security: "tls",
            username: null,
            username_hint: null,
            source: "catalogue",
            origin: "from the built-in provider list",
            also_from: [],
            provider_id: "gmail",
            provider_name: "Gmail",
            notes: [{ kind: "app_password", text: "Gmail needs an app password." }],
            help_url: null,
            confidence: "high",
            confirmed: false,
          },
        ],
        sources: [],
        left_computer: [],
        address_shared: false,
        summary: "Found 1 proposal.",
        elapsed_ms: 3,
        first_candidate_ms: 2,
      };
    });
    render(App);
    await fireEvent.input(screen.getByLabelText("Which email address will you send from?"), {
      target: { value: "alice@gmail.com" },
    });
    await fireEvent.click(screen.getByRole("button", { name: "Continue" }));
    expect(await screen.findByText(/Gmail needs an app password/)).toBeTruthy();
    expect(screen.getByText(/from the built-in provider list \(Gmail\)/)).toBeTruthy();
    expect((screen.getByLabelText("Server name") as HTMLInputElement).value).toBe("smtp.gmail.com");
    expect((screen.getByLabelText("Port") as HTMLInputElement).value).toBe("465");
    const note = screen.getByText(/Gmail needs an app password/);
    const password = screen.getByLabelText("Password");
    expect(note.compareDocumentPosition(password) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });
});
