// Shapes the commands answer with, for component tests over `mockIPC`.
import { fireEvent, screen } from "@testing-library/svelte";
import type { Channel } from "@tauri-apps/api/core";
import type { Event, Report, SmtpSettings } from "../lib/bindings";
import type { FormatInfo, Profile } from "../lib/profile-types";

export const settings: SmtpSettings = {
  host: "smtp.example.com",
  port: 465,
  security: "tls",
  username: "alice@example.com",
  from: "alice@example.com",
  allow_plaintext_auth: false,
  cert_exception: null,
};

/** A report with the given verdict; `sent` for a test email. */
export function report(s: SmtpSettings, code: Report["verdict"]["code"], extra: Partial<Report> = {}): Report {
  const good = code === "ok" || code === "ok_without_auth";
  return {
    host: s.host,
    port: s.port,
    security: s.security,
    steps: [{ stage: "auth", status: good ? "ok" : "failed", duration_ms: 3, summary: "Signed in", detail: null }],
    verdict: { code, title: good ? "Everything works" : "Something failed", explanation: "Because.", fixes: [] },
    tls: null,
    server: null,
    transcript: [{ direction: "server", text: "235 2.7.0 Authentication successful", at_ms: 1 }],
    sent: null,
    total_ms: 5,
    ...extra,
  };
}

export function profile(id: string, name: string, over: Partial<Profile> = {}): Profile {
  return {
    id,
    name,
    settings,
    password_saved: true,
    created: "2026-11-28T10:00:00Z",
    updated: "2026-11-28T10:00:00Z",
    ...over,
  };
}

export const formats: FormatInfo[] = [
  {
    id: "card",
    label: "Plain text",
    description: "The settings as a short list.",
    group: "settings",
    can_hold_password: true,
    file_name: null,
  },
  {
    id: "laravel",
    label: "Laravel (.env)",
    description: "The MAIL_* lines of a Laravel application's .env file.",
    group: "app",
    can_hold_password: true,
    file_name: ".env",
  },
  {
    id: "thunderbird",
    label: "Thunderbird autoconfig (XML)",
    description: "It never holds a password.",
    group: "server",
    can_hold_password: false,
    file_name: "config-v1.1.xml",
  },
];

/** Sends `events` through the channel a command was given, as Rust would. */
export function stream(args: unknown, events: Event[]): void {
  const ch = (args as { onEvent: Channel<Event> }).onEvent;
  for (const e of events) ch.onmessage(e);
}

/** Types an address and continues; discovery answers whatever the mock says. */
export async function startWith(address: string): Promise<void> {
  await fireEvent.input(screen.getByLabelText("Which email address will you send from?"), {
    target: { value: address },
  });
  await fireEvent.click(screen.getByRole("button", { name: "Continue" }));
  await screen.findByLabelText("Server name");
}
