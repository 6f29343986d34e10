// Folds the engine's live events into the list of steps the check screen shows.
import type { Event, Stage, Step } from "./bindings";

/** A step as shown: running until its `StepFinished` arrives. */
export type LiveStep = { stage: Stage; label: string; step: Step | null };

/** The new list after `event`. */
export function applyEvent(steps: LiveStep[], event: Event): LiveStep[] {
  if (event.type === "step_started") {
    return [...steps, { stage: event.stage, label: event.label, step: null }];
  }
  if (event.type === "step_finished") {
    const i = steps.findLastIndex((s) => s.stage === event.step.stage && s.step === null);
    if (i < 0) {
      return [...steps, { stage: event.step.stage, label: event.step.summary, step: event.step }];
    }
    const next = steps.slice();
    next[i] = { ...steps[i]!, step: event.step };
    return next;
  }
  return steps;
}

/** ✓/✗ in text, never colour alone. */
export function mark(s: LiveStep): string {
  if (s.step === null) return "…";
  switch (s.step.status) {
    case "ok":
      return "✓";
    case "failed":
      return "✗";
    case "warning":
      return "!";
    case "skipped":
      return "–";
  }
}

/** The word a screen reader reads with the mark. */
export function statusWord(s: LiveStep): string {
  if (s.step === null) return "in progress";
  return { ok: "done", failed: "failed", warning: "warning", skipped: "skipped" }[s.step.status];
}
