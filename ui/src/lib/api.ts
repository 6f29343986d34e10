// The app's commands. Each takes one argument struct generated from its Rust twin
// (`portolan_core::requests`), so a misspelt or missing field does not compile.
import { Channel, invoke } from "@tauri-apps/api/core";
import type {
  About,
  AddressArgs,
  CancelArgs,
  CheckArgs,
  Detail,
  CopyTextArgs,
  DeliveryHelp,
  DeliveryHelpArgs,
  DiscoverArgs,
  DiscoverEvent,
  Discovery,
  ErrorCode,
  Event,
  ExportCopyArgs,
  ExportPreviewArgs,
  ImportArgs,
  Phrases,
  OpenPageArgs,
  PortGuide,
  ProbeArgs,
  ProbeReport,
  ProfileDeleteArgs,
  ProfileDuplicateArgs,
  ProfileRenameArgs,
  ProfileSaveArgs,
  ProviderNotes,
  ProviderNotesArgs,
  Report,
  ReportArgs,
  SendTestArgs,
  SendingService,
  UserError,
} from "./bindings";
import { UNEXPECTED_ERROR } from "./bindings";
import type { CopyOutcome, DeleteOutcome, Exported, FormatGroupInfo, Profile, ProfileListing } from "./profile-types";

function channel<E>(onEvent: (e: E) => void): Channel<E> {
  const ch = new Channel<E>();
  ch.onmessage = onEvent;
  return ch;
}

/** The port guide of DESIGN.md §4 (and the security choices), the words `portolan ports` prints. */
export function portGuide(): Promise<PortGuide> {
  return invoke<PortGuide>("port_guide");
}

/** The phrases the screens show around the engine's answers, in the engine's words. */
export function phrases(): Promise<Phrases> {
  return invoke<Phrases>("phrases");
}

/** The About page: version, licence and third-party notices, as `portolan --version` prints them. */
export function about(): Promise<About> {
  return invoke<About>("about");
}

/** Refuses an address the engine cannot work with, with its reason; nothing leaves the computer. */
export function checkAddress(args: AddressArgs): Promise<null> {
  return invoke<null>("check_address", { args });
}

/** Proposes settings for an address; sources report through `onEvent` as they finish. */
export function discover(args: DiscoverArgs, onEvent: (e: DiscoverEvent) => void = () => {}): Promise<Discovery> {
  return invoke<Discovery>("discover", { args, onEvent: channel(onEvent) });
}

/** The sending services of the built-in list ("I send through a service"), in the engine's words. */
export function sendingServices(): Promise<SendingService[]> {
  return invoke<SendingService[]>("sending_services");
}

/** What the provider behind a server and address asks before the password, or null. */
export function providerNotes(args: ProviderNotesArgs): Promise<ProviderNotes | null> {
  return invoke<ProviderNotes | null>("provider_notes", { args });
}

/** Checks settings step by step; each step arrives through `onEvent` as it happens. */
export function check(args: CheckArgs, onEvent: (e: Event) => void): Promise<Report> {
  return invoke<Report>("check", { args, onEvent: channel(onEvent) });
}

/** Sends the test email (to `to`, or to the sender when `to` is null). */
export function sendTest(args: SendTestArgs, onEvent: (e: Event) => void): Promise<Report> {
  return invoke<Report>("send_test", { args, onEvent: channel(onEvent) });
}

/** What to look at when the test email did not arrive (spam, Gmail, the domain's SPF and DMARC). */
export function deliveryHelp(args: DeliveryHelpArgs): Promise<DeliveryHelp> {
  return invoke<DeliveryHelp>("delivery_help", { args });
}

/** Tries the usual ports on a server without any password. */
export function probe(args: ProbeArgs, onEvent: (e: Event) => void): Promise<ProbeReport> {
  return invoke<ProbeReport>("probe", { args, onEvent: channel(onEvent) });
}

/** Stops an operation at once. */
export function cancel(args: CancelArgs): Promise<boolean> {
  return invoke<boolean>("cancel", { args });
}

/** The saved profiles, and notices to show once (a damaged file set aside, …). */
export function profilesList(): Promise<ProfileListing> {
  return invoke<ProfileListing>("profiles_list");
}

/**
 * Saves a new profile (`id` null) or updates one. A non-null `password` goes to the keychain;
 * null leaves the keychain as it is.
 */
export function profileSave(args: ProfileSaveArgs): Promise<Profile> {
  return invoke<Profile>("profile_save", { args });
}

/** Gives a saved profile a new name. */
export function profileRename(args: ProfileRenameArgs): Promise<Profile> {
  return invoke<Profile>("profile_rename", { args });
}

/** Copies a saved profile (and its keychain entry) under a new name, or a generated one. */
export function profileDuplicate(args: ProfileDuplicateArgs): Promise<Profile> {
  return invoke<Profile>("profile_duplicate", { args });
}

/** Deletes a saved profile and its keychain entry. */
export function profileDelete(args: ProfileDeleteArgs): Promise<DeleteOutcome> {
  return invoke<DeleteOutcome>("profile_delete", { args });
}

/** Imports a Portolan profile file's text as a new saved profile. */
export function importProfile(args: ImportArgs): Promise<Profile> {
  return invoke<Profile>("import_profile", { args });
}

/** The export formats in the picker's groups, with the groups' headings. */
export function exportFormats(): Promise<FormatGroupInfo[]> {
  return invoke<FormatGroupInfo[]>("export_formats");
}

/** The text of one export, always without the password. */
export function exportPreview(args: ExportPreviewArgs): Promise<Exported> {
  return invoke<Exported>("export_preview", { args });
}

/**
 * Writes one export to the clipboard (from Rust). The password goes in only when
 * `include_password` is true: `password` when given, else the profile's keychain entry.
 */
export function exportCopy(args: ExportCopyArgs): Promise<CopyOutcome> {
  return invoke<CopyOutcome>("export_copy", { args });
}

/** Copies the redacted support report of a check to the clipboard. */
export function copyReport(args: ReportArgs): Promise<null> {
  return invoke<null>("copy_report", { args });
}

/** A check's details as the labelled lines of the "Details" panel, in the engine's words. */
export function reportDetails(args: ReportArgs): Promise<Detail[]> {
  return invoke<Detail[]>("report_details", { args });
}

/** Opens a provider's page (a fix's `link`) in the system browser; Rust opens only the
 * catalogue's https pages. */
export function openPage(args: OpenPageArgs): Promise<null> {
  return invoke<null>("open_page", { args });
}

/** Copies a fix's prepared text (`copy_text`) to the clipboard (from Rust). */
export function copyText(args: CopyTextArgs): Promise<null> {
  return invoke<null>("copy_text", { args });
}

/** Turns whatever a command rejected with into the `{ code, message, hint }` shape. */
export function asUserError(e: unknown): UserError {
  if (e && typeof e === "object" && "code" in e && "message" in e) {
    const o = e as Partial<UserError>;
    return {
      // The shell serialises a Rust `ErrorCode`, so the string is one of its names.
      code: String(o.code) as ErrorCode,
      message: String(o.message),
      hint: typeof o.hint === "string" && o.hint !== "" ? o.hint : UNEXPECTED_ERROR.hint,
    };
  }
  return { ...UNEXPECTED_ERROR };
}
