import { afterEach, describe, expect, it } from "vitest";
import { known, securityLabel, securityOptions } from "./guide.svelte";
import { guide } from "../test/fixtures";

afterEach(() => {
  known.guide = null;
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
