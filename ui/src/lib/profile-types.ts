// The shapes of the profile, export and import commands, until the generated bindings carry
// them (`make bindings`); field names and types follow the Rust structs one for one.
import type { SmtpSettings } from "./bindings";

export type Profile = {
  id: string;
  name: string;
  settings: SmtpSettings;
  password_saved: boolean;
  created: string;
  updated: string;
};

export type ProfileNotice = { code: string; message: string; kept_at: string | null };

export type ProfileList = { profiles: Array<Profile>; notices: Array<ProfileNotice> };

export type DeleteOutcome = { profile: Profile; password_removed: boolean };

export type FormatId =
  | "card"
  | "json"
  | "smtp_url"
  | "env"
  | "laravel"
  | "django"
  | "nodemailer"
  | "phpmailer"
  | "wp_mail_smtp"
  | "fluentsmtp"
  | "msmtprc"
  | "postfix"
  | "thunderbird"
  | "check_openssl"
  | "check_swaks"
  | "check_powershell";

export type FormatInfo = {
  id: FormatId;
  label: string;
  description: string;
  group: string;
  can_hold_password: boolean;
  file_name: string | null;
};

export type Exported = {
  format: FormatId;
  text: string;
  includes_password: boolean;
  warnings: Array<string>;
  file_name: string | null;
};

export type CopyOutcome = { includes_password: boolean; warnings: Array<string> };

export type ImportedProfile = { name: string; settings: SmtpSettings; has_password: boolean };
