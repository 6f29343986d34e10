import { describe, expect, it } from "vitest";
import { addressProblem } from "./address";

describe("addressProblem", () => {
  it("accepts a normal address and an IDN domain", () => {
    expect(addressProblem("alice@example.com")).toBeNull();
    expect(addressProblem("  alice@bücher.example ")).toBeNull();
  });

  it("explains each kind of mistake in plain words", () => {
    expect(addressProblem("")).toMatch(/Type the email address/);
    expect(addressProblem("alice")).toMatch(/needs an @/);
    expect(addressProblem("alice@example")).toMatch(/not complete/);
    expect(addressProblem("al ice@example.com")).toMatch(/space/);
    expect(addressProblem("alice@example.com\r\nBcc: x@y.z")).toMatch(/line break/);
  });
});
