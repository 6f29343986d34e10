// The app's commands, typed with the bindings generated from the Rust types.
import { Channel, invoke } from "@tauri-apps/api/core";
import type {
  DiscoverEvent,
  Discovery,
  Event,
  PortGuide,
  ProbeReport,
  Report,
  SmtpSettings,
  UserError,
} from "./bindings";

/** The port guide of DESIGN.md §4, the same words `portolan ports` prints. */
export function portGuide(): Promise<PortGuide> {
  return invoke<PortGuide>("port_guide");
}

function channel(onEvent: (e: Event) => void): Channel<Event> {
  const ch = new Channel<Event>();
  ch.onmessage = onEvent;
  return ch;
}

/** Proposes settings for an address; sources report through `onEvent` as they finish. */
export function discover(
  address: string,
  onEvent: (e: DiscoverEvent) => void = () => {},
): Promise<Discovery> {
  const ch = new Channel<DiscoverEvent>();
  ch.onmessage = onEvent;
  return invoke<Discovery>("discover", { address, onEvent: ch });
}

/** Checks settings step by step; each step arrives through `onEvent` as it happens. */
export function check(
  settings: SmtpSettings,
  password: string | null,
  requestId: string,
  onEvent: (e: Event) => void,
): Promise<Report> {
  return invoke<Report>("check", { settings, password, requestId, onEvent: channel(onEvent) });
}

/** Sends the test email (to `to`, or to the sender when `to` is null). */
export function sendTest(
  settings: SmtpSettings,
  password: string | null,
  to: string | null,
  requestId: string,
  onEvent: (e: Event) => void,
): Promise<Report> {
  return invoke<Report>("send_test", {
    settings,
    password,
    to,
    requestId,
    onEvent: channel(onEvent),
  });
}

/** Tries the usual ports on `host` without any password. */
export function probe(
  host: string,
  requestId: string,
  onEvent: (e: Event) => void,
): Promise<ProbeReport> {
  return invoke<ProbeReport>("probe", { host, requestId, onEvent: channel(onEvent) });
}

/** Stops the operation `requestId` at once. */
export function cancel(requestId: string): Promise<boolean> {
  return invoke<boolean>("cancel", { requestId });
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
