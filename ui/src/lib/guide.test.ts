import { afterEach, describe, expect, it } from "vitest";
import { known, say, securityLabel, securityOptions } from "./guide.svelte";
import { guide, phrases } from "../test/fixtures";

afterEach(() => {
  known.guide = null;
  known.phrases = null;
});

describe("the engine's security words", () => {
  it("names each choice with the guide's label", () => {
    known.guide = guide;
    expect(securityOptions().map((o) => o.security)).toEqual(["tls", "starttls", "none"]);
    expect(securityLabel("starttls")).toBe("Upgrade with STARTTLS");
  });

  it("shows the short id until the guide has loaded", () => {
    expect(securityOptions()).toEqual([]);
    expect(securityLabel("tls")).toBe("tls");
  });
});

describe("the engine's phrases", () => {
  it("fills in the values a phrase names and leaves the others", () => {
    known.phrases = phrases;
    expect(say("probe_port_answered", { port: 587, summary: "works" })).toBe("Port 587: works");
    expect(say("probe_running")).toBe("Probing {host}…");
  });

  it("says nothing until the phrases have loaded", () => {
    expect(say("checking")).toBe("");
  });
});
