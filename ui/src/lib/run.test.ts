import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { Run } from "./run.svelte";

afterEach(() => clearMocks());

describe("a long operation's state", () => {
  it("holds the result, then the error of the next run, never both", async () => {
    const run = new Run<string, number>("test");
    expect(run.shown).toBe(false);
    expect(await run.start(async (_id, fold) => (fold((p) => [...p, 1]), "done"))).toBe("done");
    expect([run.result, run.error, run.running, run.progress]).toEqual(["done", null, false, [1]]);
    await run.start(() => Promise.reject({ code: "internal", message: "Broke.", hint: "Retry." }));
    expect(run.result).toBeNull();
    expect(run.error?.message).toBe("Broke.");
    expect(run.progress).toEqual([]);
  });

  it("drops an answer that arrives after a reset", async () => {
    const run = new Run<string>("test");
    let finish: (v: string) => void = () => {};
    const started = run.start(() => new Promise((resolve) => (finish = resolve)));
    expect(run.running).toBe(true);
    run.reset();
    finish("late");
    expect(await started).toBeNull();
    expect([run.result, run.running, run.shown]).toEqual([null, false, false]);
  });

  it("cancels with its own request id", async () => {
    const cancelled: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "cancel") cancelled.push(args);
      return true;
    });
    const run = new Run<string>("probe");
    void run.start(() => new Promise(() => {}));
    await run.cancel();
    expect(cancelled).toEqual([{ args: { request_id: run.id } }]);
    expect(run.id).toMatch(/^probe-\d+$/);
  });
});
