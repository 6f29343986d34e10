import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import AboutPortolan from "./AboutPortolan.svelte";
import type { About } from "../lib/bindings";

afterEach(() => {
  cleanup();
  clearMocks();
});

const about: About = {
  heading: "About Portolan",
  name_and_version: "Portolan 9.8.7",
  version: "9.8.7",
  tagline: "Set up sending mail, step by step.",
  licence: "MIT OR Apache-2.0",
  licence_sentence: "Portolan is free software.",
  homepage: "https://example.org/portolan",
  data_heading: "Data from other projects",
  data_notices: [{ title: "Thunderbird's ISPDB", licence: "MPL-2.0", text: "Some settings come from the ISPDB." }],
  notices_heading: "Third-party notices",
  notices_intro: "Portolan is built with 1 Rust crates and 1 npm packages.",
  components: [
    { name: "tauri", version: "2.0.0", licence: "Apache-2.0 OR MIT", kind: "crate", texts: [0] },
    { name: "svelte", version: "5.0.0", licence: "MIT", kind: "npm", texts: [0] },
  ],
  licences_heading: "Licence texts",
  licences: [{ id: "MIT", name: "MIT License", text: "Permission is hereby granted, free of charge" }],
};

describe("About Portolan", () => {
  it("shows the core's words: version, licence, data notice, components and licence texts", async () => {
    const asked: string[] = [];
    mockIPC((cmd) => {
      asked.push(cmd);
      return cmd === "about" ? about : null;
    });
    render(AboutPortolan);
    await fireEvent.click(screen.getByRole("button", { name: "About Portolan" }));
    const dialog = await screen.findByRole("dialog", { name: "About Portolan" });
    await screen.findByText("Portolan 9.8.7");
    expect(asked).toEqual(["about"]);
    expect(dialog.textContent).toContain("Portolan 9.8.7");
    expect(dialog.textContent).toContain("Portolan is free software. (MIT OR Apache-2.0)");
    expect(dialog.textContent).toContain("Some settings come from the ISPDB.");
    expect(dialog.textContent).toContain("tauri 2.0.0");
    expect(dialog.textContent).toContain("svelte 5.0.0");
    // A licence text is put on the page when its entry is opened.
    expect(dialog.textContent).not.toContain("Permission is hereby granted");
    const entry = screen.getByText(/MIT License \(MIT\): tauri, svelte/);
    const details = entry.closest("details") as HTMLDetailsElement;
    details.open = true;
    await fireEvent(details, new Event("toggle"));
    expect(dialog.textContent).toContain("Permission is hereby granted");
  });

  it("closes with Escape and gives the focus back to its button", async () => {
    mockIPC((cmd) => (cmd === "about" ? about : null));
    render(AboutPortolan);
    const button = screen.getByRole("button", { name: "About Portolan" });
    await fireEvent.click(button);
    const dialog = await screen.findByRole("dialog");
    expect(document.activeElement).toBe(dialog);
    await fireEvent.keyDown(dialog, { key: "Escape" });
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.activeElement).toBe(button);
  });
});
