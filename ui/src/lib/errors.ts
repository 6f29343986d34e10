// What the window does with an error's code. The codes are the core's `ErrorCode`: a misspelt
// one here fails `npm run check`.
import type { ErrorCode } from "./bindings";

/** Whether the keychain (not the file or the settings) stopped the operation. */
export function isKeychainError(code: ErrorCode | undefined): boolean {
  switch (code) {
    case "keychain_unavailable":
    case "keychain_locked":
    case "keychain_prompt_dismissed":
    case "keychain_access_denied":
    case "keychain_entry_not_found":
    case "keychain_invalid_value":
    case "keychain_failed":
      return true;
    default:
      return false;
  }
}
