import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import App from "../App.svelte";
import { mockApp } from "../test/fixtures";

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("the address step", () => {
  it("shows the engine's reason for refusing an address and stays on the step", async () => {
    const asked: unknown[] = [];
    mockApp((cmd, args) => {
      if (cmd === "discover") asked.push(args);
      if (cmd === "check_address") {
        throw {
          code: "invalid_address",
          message: "The part before the @ starts or ends with a dot, or has two dots in a row.",
          hint: "Check the address for a stray dot.",
        };
      }
      return null;
    });
    render(App);
    const field = screen.getByLabelText("Which email address will you send from?");
    await fireEvent.input(field, { target: { value: "a..b@example.com" } });
    await fireEvent.click(screen.getByRole("button", { name: "Continue" }));
    const problem = await screen.findByRole("alert");
    expect(problem.textContent).toMatch(/two dots in a row.*stray dot/);
    expect(field.getAttribute("aria-invalid")).toBe("true");
    expect(asked).toEqual([]);
  });
});
