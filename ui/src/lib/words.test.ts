import { describe, expect, it } from "vitest";
import { portSummaryRest } from "./words";

describe("a probed port's summary", () => {
  it("drops the state word already shown", () => {
    expect(portSummaryRest("Refused", "Refused: nothing listens on this port")).toBe("Nothing listens on this port");
    expect(portSummaryRest("Works", "Works")).toBe("");
  });
  it("keeps a summary that says something else", () => {
    expect(portSummaryRest("No answer (blocked?)", "Nothing answered in 10 s.")).toBe("Nothing answered in 10 s.");
  });
});
