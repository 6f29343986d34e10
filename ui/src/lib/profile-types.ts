// The profile, export and import shapes, from the generated bindings.
import type { SmtpSettings } from "./bindings";

export type {
  CopyOutcome,
  DeleteOutcome,
  Exported,
  FormatId,
  FormatInfo,
  Profile,
  ProfileList,
  ProfileNotice,
} from "./bindings";

/** What an import that only reads the file (and saves nothing) answers with. */
export type ImportedProfile = { name: string; settings: SmtpSettings; has_password: boolean };
