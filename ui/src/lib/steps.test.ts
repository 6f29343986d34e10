import { describe, expect, it } from "vitest";
import { applyEvent, mark, statusWord } from "./steps";

describe("applyEvent", () => {
  it("shows a step running, then finished with its mark", () => {
    let steps = applyEvent([], { type: "step_started", stage: "connect", label: "Connect" });
    expect(mark(steps[0]!)).toBe("…");
    expect(statusWord(steps[0]!)).toBe("in progress");
    steps = applyEvent(steps, {
      type: "step_finished",
      step: { stage: "connect", status: "failed", duration_ms: 12, summary: "Refused", detail: null },
    });
    expect(steps).toHaveLength(1);
    expect(mark(steps[0]!)).toBe("✗");
    expect(statusWord(steps[0]!)).toBe("failed");
  });
});
