// The app's commands, typed with the bindings generated from the Rust types.
import { Channel, invoke } from "@tauri-apps/api/core";
import type {
  DiscoverEvent,
  Discovery,
  ErrorCode,
  Event,
  PortGuide,
  ProbeReport,
  Report,
  SmtpSettings,
  UserError,
} from "./bindings";
import type {
  CopyOutcome,
  DeleteOutcome,
  Exported,
  FormatId,
  FormatInfo,
  ImportedProfile,
  Profile,
  ProfileList,
} from "./profile-types";

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
  profileId: string | null = null,
): Promise<Report> {
  return invoke<Report>("check", {
    settings,
    password,
    requestId,
    onEvent: channel(onEvent),
    profileId,
  });
}

/** Sends the test email (to `to`, or to the sender when `to` is null). */
export function sendTest(
  settings: SmtpSettings,
  password: string | null,
  to: string | null,
  requestId: string,
  onEvent: (e: Event) => void,
  profileId: string | null = null,
): Promise<Report> {
  return invoke<Report>("send_test", {
    settings,
    password,
    to,
    requestId,
    onEvent: channel(onEvent),
    profileId,
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

/** The saved profiles, and notices to show once (a damaged file set aside, …). */
export function profilesList(): Promise<ProfileList> {
  return invoke<ProfileList>("profiles_list");
}

/**
 * Saves a new profile (`id` null) or updates one. A non-null `password` goes to the keychain;
 * null leaves the keychain as it is.
 */
export function profileSave(
  id: string | null,
  name: string,
  settings: SmtpSettings,
  password: string | null,
): Promise<Profile> {
  return invoke<Profile>("profile_save", { id, name, settings, password });
}

/** Gives a saved profile a new name. */
export function profileRename(id: string, name: string): Promise<Profile> {
  return invoke<Profile>("profile_rename", { id, name });
}

/** Copies a saved profile (and its keychain entry) under a new name, or a generated one. */
export function profileDuplicate(id: string, name: string | null): Promise<Profile> {
  return invoke<Profile>("profile_duplicate", { id, name });
}

/** Deletes a saved profile and its keychain entry. */
export function profileDelete(id: string): Promise<DeleteOutcome> {
  return invoke<DeleteOutcome>("profile_delete", { id });
}

/** The export formats, in the picker's order. */
export function exportFormats(): Promise<FormatInfo[]> {
  return invoke<FormatInfo[]>("export_formats");
}

/** The text of one export, always without the password. */
export function exportPreview(
  format: FormatId,
  name: string | null,
  profileId: string | null,
  settings: SmtpSettings,
): Promise<Exported> {
  return invoke<Exported>("export_preview", { format, name, profileId, settings });
}

/**
 * Writes one export to the clipboard (from Rust). The password goes in only when
 * `includePassword` is true: `password` when given, else the profile's keychain entry.
 */
export function exportCopy(
  format: FormatId,
  name: string | null,
  profileId: string | null,
  settings: SmtpSettings,
  includePassword: boolean,
  password: string | null,
): Promise<CopyOutcome> {
  return invoke<CopyOutcome>("export_copy", {
    format,
    name,
    profileId,
    settings,
    includePassword,
    password,
  });
}

/**
 * Imports a Portolan profile file's text as a saved profile. When the command only reads the
 * file (an `ImportedProfile`, no id), it is saved here, without any password.
 */
export async function importProfile(text: string): Promise<Profile> {
  const r = await invoke<Profile | ImportedProfile>("import_profile", { text });
  if ("id" in r) return r;
  return profileSave(null, r.name, r.settings, null);
}

/** Copies the redacted support report of a check to the clipboard. */
export function copyReport(report: Report): Promise<null> {
  return invoke<null>("copy_report", { report });
}

/** Turns whatever a command rejected with into the `{ code, message, hint }` shape. */
export function asUserError(e: unknown): UserError {
  if (e && typeof e === "object" && "code" in e && "message" in e) {
    const o = e as Partial<UserError>;
    return {
      // The shell serialises a Rust `ErrorCode`, so the string is one of its names.
      code: String(o.code) as ErrorCode,
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
