import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import App from "./App.svelte";
import type { UserError } from "./lib/bindings";
import { known } from "./lib/guide.svelte";
import { guide } from "./test/fixtures";

afterEach(() => {
  cleanup();
  clearMocks();
  known.guide = null;
});

describe("App", () => {
  it("renders the port guide the port_guide command returns", async () => {
    mockIPC((cmd) => (cmd === "port_guide" ? guide : undefined));
    render(App);
    await fireEvent.click(screen.getByRole("button", { name: "Which port should I use?" }));
    expect(await screen.findByText("Port 465")).toBeTruthy();
    expect(screen.getAllByText("Recommended for apps")).toHaveLength(2);
    expect(screen.getByRole("status").textContent).toBe("Port guide opened.");
    const toggle = screen.getByRole("button", { name: "Which port should I use?" });
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    expect(["port-guide-heading", "guide-panel"]).toContain(document.activeElement?.id);
    await fireEvent.click(screen.getByRole("button", { name: "Close the guide" }));
    expect(screen.queryByTestId("port-guide")).toBeNull();
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    await waitFor(() => expect(document.activeElement).toBe(toggle));
  });

  it("says what went wrong, in words, when the guide cannot load", async () => {
    mockIPC(() => {
      throw {
        code: "internal",
        message: "The guide could not be read.",
        hint: "Restart Portolan.",
      } satisfies UserError;
    });
    render(App);
    await fireEvent.click(screen.getByRole("button", { name: "Which port should I use?" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(/could not be read.*Restart/);
  });
});
