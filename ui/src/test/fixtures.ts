// Shapes the commands answer with, for component tests over `mockIPC`.
import { fireEvent, screen } from "@testing-library/svelte";
import type { Channel } from "@tauri-apps/api/core";
import { mockIPC } from "@tauri-apps/api/mocks";
import type { Candidate, Detail, Discovery, Event, PortGuide, Phrases, Report, SmtpSettings } from "../lib/bindings";
import type { FormatGroupInfo, ListedProfile, Profile } from "../lib/profile-types";

/** The port guide, with the security choices the settings form offers. */
export const guide: PortGuide = {
  heading: "Which port should I use?",
  short_answer: "Use 465 or 587.",
  ports: [
    {
      port: 465,
      title: "Submission, encrypted from the start",
      security: "tls",
      security_label: "Encrypted from the start",
      summary: "Encrypted from the first byte.",
      use_when: "Your provider lists 465.",
      caveat: "Choosing STARTTLS here hangs.",
      app_names: "WP Mail SMTP calls this \"SSL\".",
      standard: "RFC 8314 (2018)",
      recommended_for_apps: true,
    },
    {
      port: 587,
      title: "Submission with STARTTLS",
      security: "starttls",
      security_label: "Upgrade with STARTTLS",
      summary: "Plain, then encrypted.",
      use_when: "Your provider lists 587.",
      caveat: "Choosing SSL/TLS here fails.",
      app_names: "WP Mail SMTP calls this \"TLS\".",
      standard: "RFC 6409",
      recommended_for_apps: true,
    },
  ],
  how_portolan_chooses: "Portolan proposes the port that works.",
  security_options: [
    { security: "tls", label: "Encrypted from the start", help: "Usually port 465.", default_port: 465 },
    { security: "starttls", label: "Upgrade with STARTTLS", help: "Usually port 587.", default_port: 587 },
    { security: "none", label: "No encryption", help: "Only for a relay.", default_port: 587 },
  ],
};

/** The engine's phrases, in short test words (the real ones live in the core's `words.rs`). */
export const phrases: Phrases = {
  probe_running: "Probing {host}…",
  probe_done: "Ports of {host}",
  probe_intro: "No password is sent.",
  probe_waiting: "Waiting for more ports…",
  probe_port_answered: "Port {port}: {summary}",
  password_help: "Sent only encrypted.",
  password_saved_help: "Empty uses the keychain.",
  probe_caption: "Each port of {host}",
  checking: "Checking…",
  check_done: "What the check found",
  fix_applied: "Applied {fix}; checking again.",
  check_stale: "Settings changed since this check.",
  report_holds: "Steps and verdict, no password.",
  report_copied: "Report copied, no password.",
  ehlo_help: "Only when the server wants a full name.",
  page_opened: "Opened {link}.",
  text_copied: "Copied: {fix}.",
  export_intro: "Pick where you paste them.",
  export_no_signin: "No sign-in, no password.",
  export_no_password: "No password known here.",
  export_password_left_out: "Left out unless ticked.",
  export_password_warning:
    "The password will be in the clipboard as plain text. Portolan clears it from the clipboard after 30 seconds.",
  probe_next: "What next",
  trust_question: "Trust it?",
  trust_explain: "Only for {host} port {port}.",
  trust_confirm: "Yes, trust it",
  trust_cancel: "No, keep it untrusted",
  fixes_heading: "What you can do:",
  transcript_heading: "Conversation:",
  accepted_for: "Accepted for {to}: {reply}",
  sent_code: "Code",
  sent_message_id: "Message-ID",
  sent_ids_help: "Search for the code.",
  delivery_records: "DNS records",
};

/** The details lines `report_details` answers for `r`. */
export function details(r: Report): Detail[] {
  return [{ label: "Server", text: `${r.host}, port ${r.port}`, verbatim: false }];
}

/** A proposal for `host`, as discovery ranks it. */
export function candidate(host: string, over: Partial<Candidate> = {}): Candidate {
  return {
    host,
    port: 465,
    security: "tls",
    username: null,
    username_hint: null,
    source: "catalogue",
    origin: "from the built-in provider list",
    also_from: [],
    provider_id: null,
    provider_name: null,
    notes: [],
    help_url: null,
    confidence: "high",
    confirmed: false,
    ...over,
  };
}

/** What discovery answers for `address`: the candidates given, and the engine's summary. */
export function discovery(address: string, candidates: Candidate[], summary = "Found 1 possible server."): Discovery {
  const domain = address.slice(address.lastIndexOf("@") + 1);
  return {
    address,
    domain,
    ascii_domain: domain,
    candidates,
    sources: [],
    left_computer: [],
    address_shared: false,
    summary,
    elapsed_ms: 3,
    first_candidate_ms: candidates.length > 0 ? 2 : null,
  };
}

type Handler = (cmd: string, args: Record<string, unknown>) => unknown;

/**
 * `mockIPC` with the commands every screen needs answered: the port guide, the phrases, a
 * report's details, and discovery
 * proposing smtp.example.com (465, encrypted from the start) unless `handler` answers it.
 * `handler` sees each command's argument struct (`args`), with its `onEvent` channel if any.
 */
export function mockApp(handler: Handler): void {
  mockIPC((cmd, raw) => {
    const call = (raw ?? {}) as { args?: Record<string, unknown>; onEvent?: unknown };
    const args: Record<string, unknown> = { ...call.args };
    if (call.onEvent) args.onEvent = call.onEvent;
    if (cmd === "port_guide") return guide;
    if (cmd === "phrases") return phrases;
    const answer = handler(cmd, args);
    if (cmd === "report_details" && (answer === null || answer === undefined)) {
      return details(args.report as Report);
    }
    if (cmd === "discover" && (answer === null || answer === undefined)) {
      return discovery(String(args.address), [candidate("smtp.example.com")]);
    }
    return answer;
  });
}

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
    verdict: {
      code,
      ok: good,
      finished: code === "ok",
      title: good ? "Everything works" : "Something failed",
      explanation: "Because.",
      fixes: [],
    },
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

/** A profile as the list shows it, with the engine's one-line summary. */
export function listed(p: Profile): ListedProfile {
  const s = p.settings;
  return { ...p, summary: `${s.from} through ${s.host}, port ${s.port}`, password_missing: false };
}

export const formats: FormatGroupInfo[] = [
  {
    group: "settings",
    label: "The settings as text",
    formats: [
      {
        id: "card",
        label: "Plain text",
        description: "The settings as a short list.",
        group: "settings",
        can_hold_password: true,
        password_note: null,
        file_name: null,
      },
    ],
  },
  {
    group: "app",
    label: "Apps and websites",
    formats: [
      {
        id: "laravel",
        label: "Laravel (.env)",
        description: "The MAIL_* lines of a Laravel application's .env file.",
        group: "app",
        can_hold_password: true,
        password_note: null,
        file_name: ".env",
      },
    ],
  },
  {
    group: "server",
    label: "Servers and mail programs",
    formats: [
      {
        id: "thunderbird",
        label: "Thunderbird autoconfig (XML)",
        description: "It never holds a password.",
        group: "server",
        can_hold_password: false,
        password_note: "This format has no place for a password.",
        file_name: "config-v1.1.xml",
      },
    ],
  },
];

/** What `export_copy` answers: the engine's sentence says whether the password went in. */
export function copied(args: Record<string, unknown>, warnings: string[] = []) {
  const withPassword = args.include_password === true;
  return {
    format: args.format,
    includes_password: withPassword,
    warnings,
    message: `Copied the text to the clipboard, ${withPassword ? "with" : "without"} the password.`,
  };
}

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

/** The server's acceptance of a test email to `to`, as `send_test` reports it. */
export function sent(to: string, reply = "250 2.0.0 Ok: queued as 1"): NonNullable<Report["sent"]> {
  return {
    from: to,
    to,
    code: 250,
    reply,
    test_code: "4F7K",
    subject: "Portolan test 4F7K",
    message_id: "<portolan.4F7K.0011223344556677@example.com>",
    ask: { question: "Did it arrive?", yes: "Yes, it arrived", no: "No, it did not arrive", arrived: "It arrives." },
  };
}
