// The app's commands, typed with the bindings generated from the Rust types.
import { invoke } from "@tauri-apps/api/core";
import type { PortGuide, UserError } from "./bindings";

/** The port guide of DESIGN.md §4, the same words `portolan ports` prints. */
export function portGuide(): Promise<PortGuide> {
  return invoke<PortGuide>("port_guide");
}

/** Turns whatever a command rejected with into the `{ code, message, hint }` shape. */
export function asUserError(e: unknown): UserError {
  if (e && typeof e === "object" && "code" in e && "message" in e) {
    const o = e as Partial<UserError>;
    return {
      code: String(o.code),
      message: String(o.message),
      hint: typeof o.hint === "string" ? o.hint : "",
    };
  }
  return {
    code: "internal",
    message: "Something went wrong inside Portolan.",
    hint: "Try again. If it keeps happening, restart Portolan.",
  };
}
