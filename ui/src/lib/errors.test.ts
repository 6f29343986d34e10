import { describe, expect, it } from "vitest";
import { asUserError } from "./api";
import { UNEXPECTED_ERROR } from "./bindings";
import { isKeychainError } from "./errors";

describe("isKeychainError", () => {
  it("is true for the keychain's codes only", () => {
    expect(isKeychainError("keychain_locked")).toBe(true);
    expect(isKeychainError("keychain_unavailable")).toBe(true);
    expect(isKeychainError("profiles_io")).toBe(false);
    expect(isKeychainError("invalid_settings")).toBe(false);
    expect(isKeychainError(undefined)).toBe(false);
  });
});

describe("asUserError", () => {
  it("keeps a UserError as it came", () => {
    const e = { code: "keychain_locked", message: "Locked.", hint: "Unlock it." };
    expect(asUserError(e)).toEqual(e);
  });

  it("gives anything else the core's sentence, never an empty hint", () => {
    expect(asUserError("the IPC refused")).toEqual(UNEXPECTED_ERROR);
    expect(UNEXPECTED_ERROR.code).toBe("internal");
    expect(UNEXPECTED_ERROR.hint).not.toBe("");
    expect(asUserError({ code: "internal", message: "Broken." }).hint).toBe(UNEXPECTED_ERROR.hint);
  });
});
