import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import App from "./App.svelte";
import type { PortGuide } from "./lib/bindings";

const guide: PortGuide = {
  heading: "Which port should I use?",
  short_answer: "Use 465 or 587.",
  ports: [
    {
      port: 465,
      title: "Submission, encrypted from the start",
      security: "tls",
      security_label: "Encrypted from the start",
      summary: "Encrypted from the first byte.",
      use_when: "Your provider lists 465.",
      caveat: "Choosing STARTTLS here hangs.",
      standard: "RFC 8314 (2018)",
      recommended_for_apps: true,
    },
  ],
  how_portolan_chooses: "Portolan proposes the port that works.",
};

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("App", () => {
  it("renders the port guide the port_guide command returns", async () => {
    mockIPC((cmd) => (cmd === "port_guide" ? guide : undefined));
    render(App);
    await fireEvent.click(screen.getByRole("button", { name: "Which port should I use?" }));
    expect(await screen.findByText("Port 465")).toBeTruthy();
    expect(screen.getByText("Recommended for apps")).toBeTruthy();
    expect(screen.getByRole("status").textContent).toBe("Port guide opened.");
  });

  it("says what went wrong, in words, when the guide cannot load", async () => {
    mockIPC(() => {
      throw { code: "internal", message: "The guide could not be read.", hint: "Restart Portolan." };
    });
    render(App);
    await fireEvent.click(screen.getByRole("button", { name: "Which port should I use?" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(/could not be read.*Restart/);
  });
});
