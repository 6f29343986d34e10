// Generated from the Rust types of portolan-core by ts-rs. Do not edit by hand:
// run `make bindings` after changing a type.

export type ErrorCode = "keychain_unavailable" | "keychain_locked" | "keychain_prompt_dismissed" | "keychain_access_denied" | "keychain_entry_not_found" | "keychain_interrupted" | "keychain_password_missing" | "keychain_invalid_value" | "keychain_failed" | "profiles_no_config_dir" | "profiles_io" | "profile_not_found" | "profile_ambiguous" | "profile_invalid_name" | "profile_duplicate_name" | "profile_id_taken" | "profiles_too_many" | "invalid_settings" | "invalid_address" | "invalid_option" | "invalid_timeout" | "missing_from" | "password_unreadable" | "export_no_password" | "export_not_representable" | "import_invalid" | "import_unreadable" | "trust_store_unavailable" | "ca_file_invalid" | "catalogue_damaged" | "clipboard_failed" | "link_refused" | "browser_failed" | "internal";

export type UserError = { 
/**
 * Stable; the UI and scripts switch on it.
 */
code: ErrorCode, 
/**
 * What happened, in plain words.
 */
message: string, 
/**
 * What to do next.
 */
hint: string, };

export type Security = "tls" | "starttls" | "none";

export type SecurityOption = { 
/**
 * The value.
 */
security: Security, 
/**
 * The behaviour-based name, e.g. "Upgrade with STARTTLS".
 */
label: string, 
/**
 * One sentence: what it does and when it is right.
 */
help: string, 
/**
 * The port used with it when none is given.
 */
default_port: number, };

export type PortInfo = { 
/**
 * The port number.
 */
port: number, 
/**
 * A few words naming its role, e.g. "Submission with STARTTLS".
 */
title: string, 
/**
 * How the connection is protected on this port.
 */
security: Security, 
/**
 * The behaviour-based name of `security`.
 */
security_label: string, 
/**
 * One sentence: what happens on this port.
 */
summary: string, 
/**
 * When this port is the right choice.
 */
use_when: string, 
/**
 * What to watch out for.
 */
caveat: string, 
/**
 * What common apps call this port's security (many say "SSL" for 465 and "TLS" for
 * STARTTLS); empty when no app names it.
 */
app_names: string, 
/**
 * Where the port comes from (the standard, or that there is none): a detail, shown
 * folded away.
 */
standard: string, 
/**
 * Whether Portolan recommends this port for apps and mail programs.
 */
recommended_for_apps: boolean, };

export type PortGuide = { 
/**
 * The question the guide answers.
 */
heading: string, 
/**
 * Two sentences that answer it.
 */
short_answer: string, 
/**
 * The ports in the order people should try them.
 */
ports: Array<PortInfo>, 
/**
 * How Portolan picks when several ports work.
 */
how_portolan_chooses: string, 
/**
 * The security choices a settings form offers, with their help.
 */
security_options: Array<SecurityOption>, };

export type CertException = { 
/**
 * The host name the exception was made for.
 */
host: string, 
/**
 * The port the exception was made for.
 */
port: number, 
/**
 * SHA-256 of the certificate (DER), lowercase hex with colons, e.g. `ab:cd:…`.
 */
sha256: string, };

export type SmtpSettings = { 
/**
 * Server name (or IP address) to connect to.
 */
host: string, 
/**
 * TCP port.
 */
port: number, 
/**
 * How the connection is protected.
 */
security: Security, 
/**
 * The sign-in name; `None` to send without signing in (a relay).
 */
username: string | null, 
/**
 * The address mail is sent from.
 */
from: string, 
/**
 * The user's explicit, warned choice to sign in over an unencrypted connection.
 */
allow_plaintext_auth: boolean, 
/**
 * A certificate trusted for this host and port only.
 */
cert_exception: CertException | null, 
/**
 * The name this computer gives in its hello (EHLO), for servers that want a full name
 * (`laptop.example.com`); `None` gives its address as a literal (`[192.0.2.1]`).
 */
ehlo_name?: string, };

export type FieldError = { 
/**
 * The field's name as in `SmtpSettings` (`host`, `port`, `username`, `from`, …).
 */
field: string, 
/**
 * What is wrong and what to do, naming the field in plain words.
 */
message: string, };

export type Direction = "client" | "server" | "note";

export type TranscriptLine = { 
/**
 * Who sent it.
 */
direction: Direction, 
/**
 * The text, printable ASCII, credentials replaced by `<redacted>`.
 */
text: string, 
/**
 * Milliseconds since the check started.
 */
at_ms: number, };

export type VerdictCode = "ok" | "ok_without_auth" | "dns_not_found" | "connection_refused" | "connect_timeout" | "network_unreachable" | "greeting_timeout" | "not_smtp" | "security_mismatch" | "starttls_not_offered" | "starttls_injection" | "cert_untrusted" | "cert_expired" | "cert_name_mismatch" | "tls_handshake_failed" | "auth_not_offered" | "auth_mechanism_unsupported" | "auth_failed" | "app_password_required" | "oauth_required" | "server_busy" | "greylisted" | "sender_rejected" | "relay_denied" | "recipient_rejected" | "message_rejected" | "timeout" | "cancelled" | "greeting_refused" | "plaintext_auth_refused" | "auth_required" | "rate_limited" | "quota_exceeded" | "smtp_auth_disabled" | "send_as_denied" | "starttls_required" | "ehlo_name_rejected" | "sender_policy_rejected" | "wrong_server" | "tls_outdated" | "dns_no_answer" | "cert_chain_incomplete";

export type FixKind = "use_security" | "use_host" | "trust_certificate" | "find_working_port" | "check_password" | "create_app_password" | "retry_later" | "send_without_auth" | "add_sign_in" | "allow_plaintext_auth" | "check_address" | "open_page" | "copy_text" | "set_ehlo_name" | "check_recipient";

export type SettingsPatch = { 
/**
 * New server name.
 */
host?: string, 
/**
 * New port.
 */
port?: number, 
/**
 * New security.
 */
security?: Security, 
/**
 * New value of `allow_plaintext_auth`.
 */
allow_plaintext_auth?: boolean, 
/**
 * A certificate exception to add.
 */
cert_exception?: CertException, };

export type Fix = { 
/**
 * What kind of fix it is.
 */
kind: FixKind, 
/**
 * The button's words, e.g. "Encrypt from the start on port 465".
 */
label: string, 
/**
 * The settings change, when the fix is a change of settings.
 */
settings_patch?: SettingsPatch, 
/**
 * What to know before choosing it, shown beside the button (e.g. the fingerprint of a
 * certificate to trust, and that the trust is for one server only).
 */
note?: string, 
/**
 * For [`FixKind::OpenPage`]: the https page to open, taken from the built-in catalogue
 * (the app opens nothing else).
 */
link?: string, 
/**
 * For [`FixKind::CopyText`]: the text to copy, in the core's words.
 */
copy_text?: string, };

export type Verdict = { 
/**
 * Stable code to switch on.
 */
code: VerdictCode, 
/**
 * Whether the settings work as they are (`code.is_ok()`), so no face decides it again.
 */
ok: boolean, 
/**
 * Whether nothing is left to try (`code.is_finished()`): shown as done, where a verdict
 * that is `ok` but not finished is shown as not finished yet.
 */
finished: boolean, 
/**
 * One line, plain words.
 */
title: string, 
/**
 * What happened and why that usually happens.
 */
explanation: string, 
/**
 * What the user can do, best first.
 */
fixes: Array<Fix>, };

export type Stage = "resolve" | "connect" | "tls" | "greeting" | "ehlo" | "starttls" | "auth" | "mail_from" | "rcpt_to" | "data" | "quit";

export type StepStatus = "ok" | "failed" | "skipped" | "warning";

export type Step = { 
/**
 * Which step.
 */
stage: Stage, 
/**
 * How it ended.
 */
status: StepStatus, 
/**
 * How long it took.
 */
duration_ms: number, 
/**
 * One line, plain words.
 */
summary: string, 
/**
 * More, for the curious and for helpdesks.
 */
detail: string | null, };

export type ServerInfo = { 
/**
 * The greeting text (after `220`).
 */
banner: string, 
/**
 * The name the server gave in its EHLO reply.
 */
ehlo_domain: string, 
/**
 * Every EHLO keyword line, as sent.
 */
keywords: Array<string>, 
/**
 * The AUTH mechanisms offered (uppercase).
 */
auth_mechanisms: Array<string>, 
/**
 * The largest message accepted, in bytes (SIZE), if announced.
 */
size_limit: number | null, 
/**
 * STARTTLS offered.
 */
starttls: boolean, 
/**
 * PIPELINING offered.
 */
pipelining: boolean, 
/**
 * 8BITMIME offered.
 */
eight_bit_mime: boolean, 
/**
 * SMTPUTF8 offered.
 */
smtputf8: boolean, 
/**
 * Whether these keywords were read over an encrypted connection.
 */
encrypted: boolean, };

export type CertSummary = { 
/**
 * Who the certificate is for (distinguished name).
 */
subject: string, 
/**
 * Who issued it.
 */
issuer: string, 
/**
 * The names it is valid for (DNS names and IP addresses).
 */
names: Array<string>, 
/**
 * Valid from (UTC, ISO 8601).
 */
not_before: string, 
/**
 * Valid until (UTC, ISO 8601).
 */
not_after: string, 
/**
 * SHA-256 of the certificate, lowercase hex with colons.
 */
sha256: string, 
/**
 * Issued by itself.
 */
self_signed: boolean, };

export type TlsInfo = { 
/**
 * "TLS 1.3", "TLS 1.2"; `None` when the handshake did not complete.
 */
version: string | null, 
/**
 * The cipher suite; `None` when the handshake did not complete.
 */
cipher: string | null, 
/**
 * The chain the server sent, server certificate first.
 */
chain: Array<CertSummary>, 
/**
 * Whether the certificate was verified (trusted, valid, for this name).
 */
verified: boolean, 
/**
 * Why verification failed, in words.
 */
verify_error: string | null, 
/**
 * The user's pinned exception was what made this certificate accepted.
 */
exception_used: boolean, 
/**
 * The product intercepting the connection, if the issuer is a known one.
 */
interception: string | null, };

export type ArrivalQuestion = { 
/**
 * The question.
 */
question: string, 
/**
 * The answer that finishes ("Yes, it arrived").
 */
yes: string, 
/**
 * The answer that asks for help ("No, it did not arrive").
 */
no: string, 
/**
 * What "yes" means, shown once it is chosen.
 */
arrived: string, };

export type SentInfo = { 
/**
 * The sender (the envelope's and the header's From).
 */
from: string, 
/**
 * Where it was sent.
 */
to: string, 
/**
 * The reply code (250).
 */
code: number, 
/**
 * The server's final reply, e.g. `250 2.0.0 Ok: queued as 4Fxyz`: the queue id there is
 * what a mail administrator needs to trace the message.
 */
reply: string, 
/**
 * The short code in the subject (e.g. `4F7K`), to find the email in a mailbox.
 */
test_code: string, 
/**
 * The subject, e.g. `Portolan test 4F7K`.
 */
subject: string, 
/**
 * The email's Message-ID header, with its angle brackets: what a mail administrator
 * searches the logs for.
 */
message_id: string, 
/**
 * What to ask next: did it arrive?
 */
ask: ArrivalQuestion, };

export type SpfResult = "pass" | "fail" | "soft_fail" | "neutral" | "none" | "temp_error" | "perm_error";

export type Authorisation = "allowed" | "not_listed" | "no_record" | "unknown";

export type SenderCheck = { 
/**
 * The From address's domain.
 */
domain: string, 
/**
 * The sending server's name.
 */
host: string, 
/**
 * The server's addresses that were checked.
 */
addresses: Array<string>, 
/**
 * The overall answer.
 */
authorisation: Authorisation, 
/**
 * The SPF result for each address, in the same order.
 */
spf_results: Array<SpfResult>, 
/**
 * The domain's SPF record, as published.
 */
spf_record: string | null, 
/**
 * The DMARC policy (`none`, `quarantine`, `reject`), if the domain publishes one.
 */
dmarc_policy: string | null, 
/**
 * The domain's DMARC record, as published.
 */
dmarc_record: string | null, };

export type HelpStep = { 
/**
 * One line.
 */
title: string, 
/**
 * What to do, in plain words.
 */
text: string, };

export type DeliveryHelp = { 
/**
 * The heading.
 */
title: string, 
/**
 * The steps, in the order to try them.
 */
steps: Array<HelpStep>, 
/**
 * The DNS findings behind the last step.
 */
sender: SenderCheck, };

export type Report = { 
/**
 * The server name checked.
 */
host: string, 
/**
 * The port checked.
 */
port: number, 
/**
 * The security checked.
 */
security: Security, 
/**
 * The steps, in order.
 */
steps: Array<Step>, 
/**
 * The diagnosis.
 */
verdict: Verdict, 
/**
 * What TLS showed (even when verification failed).
 */
tls: TlsInfo | null, 
/**
 * What the server announced (after encryption, when there was some).
 */
server: ServerInfo | null, 
/**
 * The dialogue, credentials redacted.
 */
transcript: Array<TranscriptLine>, 
/**
 * The test email's acceptance, for `send`.
 */
sent: SentInfo | null, 
/**
 * How long everything took.
 */
total_ms: number, };

export type ProbeCandidate = { 
/**
 * The port.
 */
port: number, 
/**
 * The security to try on it.
 */
security: Security, };

export type PortState = "works" | "works_unencrypted" | "refused" | "no_answer" | "speaks_tls_first" | "speaks_plain" | "cert_problem" | "not_smtp" | "busy" | "cancelled" | "other";

export type PortResult = { 
/**
 * The candidate tried.
 */
candidate: ProbeCandidate, 
/**
 * What it does.
 */
state: PortState, 
/**
 * `state` in a few words, e.g. "Refused".
 */
state_label: string, 
/**
 * What else to say about it, beside `state_label` (may be empty), e.g. "Nothing listens
 * on this port".
 */
detail: string, 
/**
 * The verdict of the check behind it.
 */
verdict: VerdictCode, 
/**
 * The whole result in one line, e.g. "Refused: nothing listens on this port".
 */
summary: string, 
/**
 * The sign-in methods offered, when it answered.
 */
auth_mechanisms: Array<string>, 
/**
 * What TLS showed, when it got that far.
 */
tls: TlsInfo | null, 
/**
 * How long this port took.
 */
duration_ms: number, };

export type ProbeReport = { 
/**
 * The host probed.
 */
host: string, 
/**
 * One result per candidate, in the candidates' order.
 */
results: Array<PortResult>, 
/**
 * The best-ranked candidate that works.
 */
recommended: ProbeCandidate | null, 
/**
 * The recommendation (or its absence) in plain words.
 */
recommendation: string, 
/**
 * The words of the button that applies `recommended`, e.g. "Use port 587 (Upgrade with
 * STARTTLS)".
 */
use_label: string | null, 
/**
 * What to say once `recommended` is applied to the settings.
 */
used_note: string | null, 
/**
 * When the recommendation was certain, in ms since the start.
 */
recommended_after_ms: number | null, 
/**
 * A pattern worth telling, e.g. "your network seems to block ports 25 and 587".
 */
network_note: string | null, 
/**
 * When no port works: what to do next, one sentence each (another network, the
 * provider's page, a sending service). Empty when a port works or the probe was stopped.
 */
next_steps: Array<string>, 
/**
 * How long the whole probe took.
 */
total_ms: number, };

export type Event = { "type": "step_started", 
/**
 * Which step.
 */
stage: Stage, 
/**
 * Its plain-words name.
 */
label: string, } | { "type": "step_finished", 
/**
 * The finished step.
 */
step: Step, } | { "type": "transcript", 
/**
 * The line.
 */
line: TranscriptLine, } | { "type": "probe_port", 
/**
 * What the port does.
 */
result: PortResult, } | { "type": "probe_recommendation", 
/**
 * The recommended port and security.
 */
candidate: ProbeCandidate, 
/**
 * Milliseconds since the probe started.
 */
after_ms: number, };

export type ComponentKind = "crate" | "npm";

export type Component = { 
/**
 * Its name on crates.io or npm.
 */
name: string, 
/**
 * The version that ships.
 */
version: string, 
/**
 * Its licence, as an SPDX expression.
 */
licence: string, 
/**
 * Crate or npm package.
 */
kind: ComponentKind, 
/**
 * Indices into [`About::licences`] of its licence texts.
 */
texts: Array<number>, };

export type LicenceText = { 
/**
 * SPDX identifier.
 */
id: string, 
/**
 * The licence's name.
 */
name: string, 
/**
 * The text, as the component ships it.
 */
text: string, };

export type DataNotice = { 
/**
 * What the data is.
 */
title: string, 
/**
 * Its licence, as an SPDX expression.
 */
licence: string, 
/**
 * Where it comes from and under which terms, in plain words.
 */
text: string, };

export type About = { 
/**
 * "About Portolan".
 */
heading: string, 
/**
 * "Portolan 0.1.0".
 */
name_and_version: string, 
/**
 * The version alone.
 */
version: string, 
/**
 * What Portolan does, in one line.
 */
tagline: string, 
/**
 * Portolan's licence, as an SPDX expression.
 */
licence: string, 
/**
 * Portolan's licence in plain words.
 */
licence_sentence: string, 
/**
 * Where the source and the releases are.
 */
homepage: string, 
/**
 * Heading of the data notices.
 */
data_heading: string, 
/**
 * Data from elsewhere that the built-in lists carry (empty when none).
 */
data_notices: Array<DataNotice>, 
/**
 * Heading of the third-party notices.
 */
notices_heading: string, 
/**
 * What the notices are, with the number of components.
 */
notices_intro: string, 
/**
 * Every component, crates first, by name.
 */
components: Array<Component>, 
/**
 * Heading of the licence texts.
 */
licences_heading: string, 
/**
 * Every distinct licence text the components ship.
 */
licences: Array<LicenceText>, };

export type ProviderKind = "mailbox" | "sending_service" | "bridge";

export type UsernameRule = "address" | "local_part" | "literal" | "from_service" | "pattern";

export type NoteKind = "app_password" | "oauth_only" | "admin_enable_smtp_auth" | "api_key" | "enable_in_settings" | "bridge" | "paid_plan" | "info";

export type FactOrigin = "ispdb" | "portolan";

export type FactSource = { 
/**
 * The documentation page (https): the provider's, or the ISPDB file at its commit.
 */
url: string, 
/**
 * When the fact was read there (YYYY-MM-DD).
 */
read: string, 
/**
 * Whether the fact was confirmed against the source; if not, it is shown as what is
 * usually so.
 */
verified: boolean, 
/**
 * Whose fact it is.
 */
origin: FactOrigin, };

export type PolicyNote = { 
/**
 * What sort of rule this is.
 */
kind: NoteKind, 
/**
 * The words shown before the text: "Before you type your password:" for a rule about
 * the password, "Good to know:" for information.
 */
lead: string, 
/**
 * The rule in plain words, with what to do (and "Usually" or the date where they apply).
 */
text: string, 
/**
 * The provider's https page where the user acts on it (e.g. makes an app password).
 */
link?: string, 
/**
 * The date of the provider's statement the note relies on (YYYY-MM-DD).
 */
as_of?: string, 
/**
 * Where the note comes from, when it is the catalogue's.
 */
source?: FactSource, };

export type Note = { 
/**
 * What sort of rule this is.
 */
kind: NoteKind, 
/**
 * The rule as the catalogue states it.
 */
text: string, 
/**
 * The https page where the user acts on it.
 */
link: string | null, 
/**
 * The date of the statement the note relies on (YYYY-MM-DD).
 */
as_of: string | null, 
/**
 * The day the rule takes or took effect (YYYY-MM-DD).
 */
deadline: string | null, 
/**
 * Where it comes from.
 */
source: FactSource, };

export type ServerEntry = { 
/**
 * Host name (or loopback IP for a bridge); may hold the ISPDB's `%EMAILDOMAIN%`, filled
 * in by [`Provider::servers_for`].
 */
host: string, 
/**
 * TCP port.
 */
port: number, 
/**
 * How the connection is protected.
 */
security: Security, 
/**
 * Where it comes from.
 */
source: FactSource, };

export type Provider = { 
/**
 * Stable identifier: the own layer's id, or the ISPDB file's name (e.g. `qq.com`).
 */
id: string, 
/**
 * The name users see, with the region when there is one ("Amazon SES (Europe, Ireland)").
 */
name: string, 
/**
 * The name without the region ("Amazon SES"), shared by a service's regional entries;
 * the same as `name` when there is no region.
 */
brand: string, 
/**
 * The region or variant of a service with several entries ("Europe, Ireland"), from the
 * catalogue's `region` field.
 */
region: string | null, 
/**
 * Mailbox, sending service or bridge.
 */
kind: ProviderKind, 
/**
 * Address domains that mean this provider.
 */
domains: Array<string>, 
/**
 * Suffixes of the most-preferred MX host that mean this provider (the own layer's; the
 * ISPDB's domains count as MX suffixes too, as in Thunderbird).
 */
mx: Array<string>, 
/**
 * The provider's https page with these settings.
 */
help: string | null, 
/**
 * Whether the help link is the right page: the link itself, when it was read, verified.
 */
help_source: FactSource | null, 
/**
 * Where the name, kind, domains and MX suffixes come from.
 */
source: FactSource, 
/**
 * The ISPDB file the entry comes from or completes.
 */
ispdb: string | null, 
/**
 * How to write the user name.
 */
username: UsernameRule, 
/**
 * The fixed user name ([`UsernameRule::Literal`]) or pattern ([`UsernameRule::Pattern`]).
 */
username_value: string | null, 
/**
 * Where to find the user name, for [`UsernameRule::FromService`].
 */
username_hint: string | null, 
/**
 * The https page where the credentials are made.
 */
username_link: string | null, 
/**
 * Where the user-name rule comes from.
 */
username_source: FactSource, 
/**
 * Servers in the provider's order of preference.
 */
servers: Array<ServerEntry>, 
/**
 * Rules shown before the password is typed.
 */
notes: Array<Note>, 
/**
 * Whether the provider offers OAuth2 sign-in (from the ISPDB).
 */
oauth2: boolean, 
/**
 * Why the own layer replaced the ISPDB's servers, when it did.
 */
servers_replaced: string | null, };

export type SendingService = { 
/**
 * The catalogue's id (e.g. `sendgrid`, `amazon-ses-eu-west-1`).
 */
id: string, 
/**
 * The full name users see (e.g. "Amazon SES (Europe, Ireland)").
 */
name: string, 
/**
 * The service without its region or variant (e.g. "Amazon SES"), to group the list.
 */
service: string, 
/**
 * The region or variant, when the service has several entries (e.g. "Europe, Ireland"),
 * from the catalogue's `region` field.
 */
region?: string, 
/**
 * The fixed user name to fill in (e.g. `apikey`), when the service has one.
 */
username?: string, 
/**
 * What goes in the user-name field, in plain words ("usually" when unconfirmed).
 */
username_words: string, 
/**
 * The service's https page where the key or SMTP credentials are made, when the
 * catalogue names one (the app's `open_page` opens it).
 */
key_link?: string, 
/**
 * The label of the button that opens `key_link`.
 */
key_link_label: string, 
/**
 * The servers, in the service's order of preference.
 */
servers: Array<ServerEntry>, 
/**
 * What to know before the password is typed, in the core's words.
 */
notes: Array<PolicyNote>, 
/**
 * The first server and the user name, as proposed settings (the sender address empty).
 */
proposal: SmtpSettings, };

export type ProviderNotes = { 
/**
 * The catalogue's id of the provider.
 */
provider_id: string, 
/**
 * Its name, as users know it.
 */
provider_name: string, 
/**
 * Its rules in the core's words (dated ones with their date, unconfirmed ones as what is
 * usually so), the same a discovery's proposal shows.
 */
notes: Array<PolicyNote>, };

export type SourceKind = "catalogue" | "autoconfig" | "well_known" | "srv" | "ispdb" | "mx" | "autoconfig_http" | "guess";

export type Confidence = "high" | "normal" | "low";

export type Candidate = { 
/**
 * Server name.
 */
host: string, 
/**
 * Port.
 */
port: number, 
/**
 * How the connection is protected.
 */
security: Security, 
/**
 * The user name to propose, when known.
 */
username: string | null, 
/**
 * Where to find the user name when it is not the address (e.g. a service's dashboard).
 */
username_hint: string | null, 
/**
 * The most trusted source that proposed it.
 */
source: SourceKind, 
/**
 * Where it came from, in plain words ("from the built-in provider list", …).
 */
origin: string, 
/**
 * Other sources that proposed the same server.
 */
also_from: Array<SourceKind>, 
/**
 * Catalogue id of the provider, when known.
 */
provider_id: string | null, 
/**
 * Provider name, when known.
 */
provider_name: string | null, 
/**
 * Rules to show before the password is typed.
 */
notes: Array<PolicyNote>, 
/**
 * The provider's help page.
 */
help_url: string | null, 
/**
 * How far it can be relied on before it is checked.
 */
confidence: Confidence, 
/**
 * True when a probe saw an SMTP server answer there (no password sent).
 */
confirmed: boolean, };

export type SourceStatus = "found" | "nothing_found" | "failed" | "timed_out" | "skipped";

export type SourceReport = { 
/**
 * Which source.
 */
source: SourceKind, 
/**
 * Its name in plain words.
 */
label: string, 
/**
 * How it fared.
 */
status: SourceStatus, 
/**
 * What happened, in plain words.
 */
detail: string, 
/**
 * How many servers it proposed.
 */
found: number, 
/**
 * Milliseconds from the start of discovery to its end.
 */
elapsed_ms: number, };

export type EgressKind = "dns" | "https" | "http" | "smtp";

export type Egress = { 
/**
 * DNS, HTTPS, HTTP or SMTP.
 */
kind: EgressKind, 
/**
 * What was asked: `MX example.com`, a URL, or `smtp.example.com port 465`.
 */
target: string, 
/**
 * To whom and what it revealed, in plain words.
 */
detail: string, 
/**
 * Whether the user's email address itself was sent.
 */
sent_address: boolean, };

export type Discovery = { 
/**
 * The address, domain as typed (Unicode).
 */
address: string, 
/**
 * The domain as typed (Unicode).
 */
domain: string, 
/**
 * The domain as looked up (ASCII, punycode).
 */
ascii_domain: string, 
/**
 * Ranked, de-duplicated proposals; the first is the best.
 */
candidates: Array<Candidate>, 
/**
 * What each source did.
 */
sources: Array<SourceReport>, 
/**
 * Every DNS question, URL and server contacted, in order.
 */
left_computer: Array<Egress>, 
/**
 * Whether the address itself was sent to anyone (only with the user's permission).
 */
address_shared: boolean, 
/**
 * One sentence for the user.
 */
summary: string, 
/**
 * Milliseconds the whole discovery took.
 */
elapsed_ms: number, 
/**
 * Milliseconds until the first proposal arrived, if any did.
 */
first_candidate_ms: number | null, };

export type DiscoverEvent = { "type": "source_started", 
/**
 * Which source.
 */
source: SourceKind, 
/**
 * Its name in plain words.
 */
label: string, } | { "type": "source_finished", 
/**
 * How it fared.
 */
report: SourceReport, } | { "type": "found", 
/**
 * The proposal.
 */
candidate: Candidate, 
/**
 * Milliseconds since discovery started.
 */
after_ms: number, };

export type Profile = { 
/**
 * Stable identifier (a UUID); also the keychain account name. Never changes on rename.
 */
id: string, 
/**
 * The name the user gave it, unique among the profiles (ignoring case).
 */
name: string, 
/**
 * Server, port, security, user name and sender.
 */
settings: SmtpSettings, 
/**
 * Whether a password was saved in the keychain for this profile.
 */
password_saved: boolean, 
/**
 * The catalogue's id of the provider or sending service these settings were made for
 * (from the discovery or the service chosen), so a re-check knows the provider and
 * reopening shows its words again. Absent in files saved before it existed.
 */
provider_id?: string, 
/**
 * When the profile was created (RFC 3339, UTC).
 */
created: string, 
/**
 * When it last changed (RFC 3339, UTC).
 */
updated: string, };

export type NoticeCode = "profiles_file_damaged" | "profiles_file_newer" | "profiles_migrated";

export type ProfileNotice = { 
/**
 * Stable; the UI and scripts switch on it.
 */
code: NoticeCode, 
/**
 * What happened, in plain words.
 */
message: string, 
/**
 * Where the old file was kept, if it was moved or copied.
 */
kept_at: string | null, };

export type ProfileList = { 
/**
 * Every saved profile, in the order they were created.
 */
profiles: Array<Profile>, 
/**
 * Notices to show once (e.g. a damaged file was set aside).
 */
notices: Array<ProfileNotice>, 
/**
 * The ids of profiles saved with a password whose keychain entry is gone (removed by
 * another program): "password not saved any more".
 */
password_missing: Array<string>, };

export type ListedProfile = { 
/**
 * [`Profile::summary`].
 */
summary: string, 
/**
 * Saved with a password whose keychain entry is gone (removed by another program):
 * "password not saved any more".
 */
password_missing: boolean, 
/**
 * Stable identifier (a UUID); also the keychain account name. Never changes on rename.
 */
id: string, 
/**
 * The name the user gave it, unique among the profiles (ignoring case).
 */
name: string, 
/**
 * Server, port, security, user name and sender.
 */
settings: SmtpSettings, 
/**
 * Whether a password was saved in the keychain for this profile.
 */
password_saved: boolean, 
/**
 * The catalogue's id of the provider or sending service these settings were made for
 * (from the discovery or the service chosen), so a re-check knows the provider and
 * reopening shows its words again. Absent in files saved before it existed.
 */
provider_id?: string, 
/**
 * When the profile was created (RFC 3339, UTC).
 */
created: string, 
/**
 * When it last changed (RFC 3339, UTC).
 */
updated: string, };

export type ProfileListing = { 
/**
 * Every saved profile with its summary, in the order they were created.
 */
profiles: Array<ListedProfile>, 
/**
 * Notices to show once (e.g. a damaged file was set aside).
 */
notices: Array<ProfileNotice>, };

export type DeleteOutcome = { 
/**
 * The profile that was removed.
 */
profile: Profile, 
/**
 * Whether a keychain entry was found and removed.
 */
password_removed: boolean, };

export type FormatId = "card" | "json" | "smtp_url" | "env" | "laravel" | "django" | "nodemailer" | "phpmailer" | "wp_mail_smtp" | "fluentsmtp" | "msmtprc" | "postfix" | "thunderbird" | "check_openssl" | "check_swaks" | "check_powershell" | "check_php";

export type FormatGroup = "settings" | "app" | "server" | "check";

export type FormatInfo = { 
/**
 * The format's id.
 */
id: FormatId, 
/**
 * A short name, e.g. "Laravel (.env)".
 */
label: string, 
/**
 * One sentence: where this goes.
 */
description: string, 
/**
 * The picker's group.
 */
group: FormatGroup, 
/**
 * Whether the format has a place for the password at all.
 */
can_hold_password: boolean, 
/**
 * Why no password can be included, for a format without a place for one.
 */
password_note: string | null, 
/**
 * A file name to suggest when saving, if the format is a file.
 */
file_name: string | null, };

export type FormatGroupInfo = { 
/**
 * The group.
 */
group: FormatGroup, 
/**
 * Its heading.
 */
label: string, 
/**
 * Its formats, in the picker's order.
 */
formats: Array<FormatInfo>, };

export type Exported = { 
/**
 * The format.
 */
format: FormatId, 
/**
 * The text to paste.
 */
text: string, 
/**
 * Whether `text` contains the password.
 */
includes_password: boolean, 
/**
 * Things the user must know (above all: "this contains your password").
 */
warnings: Array<string>, 
/**
 * A file name to suggest when saving.
 */
file_name: string | null, 
/**
 * The host check page's file name and expiry (`check_php` only), to give back for the
 * copy of the same page.
 */
stamp: HostCheckStamp | null, };

export type CopyOutcome = { 
/**
 * The format copied.
 */
format: FormatId, 
/**
 * Whether the copied text contains the password.
 */
includes_password: boolean, 
/**
 * Things the user must know (above all: "this contains your password").
 */
warnings: Array<string>, 
/**
 * What was copied, in one sentence to show and announce.
 */
message: string, 
/**
 * The host check page copied (`check_php` only): the one asked for, or a new one when
 * that one had expired.
 */
stamp: HostCheckStamp | null, };

export type HostCheckStamp = { 
/**
 * The random part of the file name: 16 lowercase hex digits, hard to guess, so strangers
 * do not find the page.
 */
token: string, 
/**
 * When the page stops working (seconds since 1970).
 */
expires: number, };

export type DiscoverArgs = { 
/**
 * The address the user will send from.
 */
address: string, };

export type AddressArgs = { 
/**
 * The address as typed.
 */
address: string, };

export type CheckArgs = { 
/**
 * The settings to check.
 */
settings: SmtpSettings, 
/**
 * The password typed in the window; null (or empty) to use the saved profile's, if any.
 */
password: string | null, 
/**
 * The saved profile these settings belong to, whose keychain entry may be used.
 */
profile_id: string | null, 
/**
 * The catalogue's id of the provider these settings came from: the discovery
 * candidate's `provider_id` (found by the address or by the domain's MX alone), the
 * chosen sending service's `id`, or the saved profile's `provider_id`. The check believes
 * it only when the catalogue knows it and it lists this server; else the server's name
 * decides.
 */
provider_id: string | null, 
/**
 * The id `cancel` stops this operation with.
 */
request_id: string, };

export type SendTestArgs = { 
/**
 * The settings to send with.
 */
settings: SmtpSettings, 
/**
 * As for `check`.
 */
password: string | null, 
/**
 * As for `check`.
 */
profile_id: string | null, 
/**
 * As for `check`.
 */
provider_id: string | null, 
/**
 * The recipient; null (or empty) sends to the sender itself.
 */
to: string | null, 
/**
 * The id `cancel` stops this operation with.
 */
request_id: string, };

export type DeliveryHelpArgs = { 
/**
 * The From address of the test email.
 */
from: string, 
/**
 * Where it was sent.
 */
to: string, 
/**
 * The server it was sent through.
 */
host: string, };

export type ProviderNotesArgs = { 
/**
 * The server's name as it stands in the form (possibly empty or half typed).
 */
host: string, 
/**
 * The sender's address as it stands in the form.
 */
from: string, 
/**
 * The provider the settings came from, as for `check`.
 */
provider_id: string | null, };

export type ProbeArgs = { 
/**
 * The server's name.
 */
host: string, 
/**
 * The id `cancel` stops this operation with.
 */
request_id: string, };

export type CancelArgs = { 
/**
 * The id the operation was started with.
 */
request_id: string, };

export type OpenPageArgs = { 
/**
 * The page, as a fix's `link` gave it.
 */
url: string, };

export type CopyTextArgs = { 
/**
 * The text, as a fix's `copy_text` gave it.
 */
text: string, };

export type ProfileSaveArgs = { 
/**
 * The profile to update, or null for a new one.
 */
id: string | null, 
/**
 * Its name.
 */
name: string, 
/**
 * Its settings.
 */
settings: SmtpSettings, 
/**
 * A password for the keychain; null leaves the keychain as it is.
 */
password: string | null, 
/**
 * The catalogue's id of the provider or sending service these settings are for (as for
 * `check`), kept with the profile; null when none is known.
 */
provider_id: string | null, };

export type ProfileRenameArgs = { 
/**
 * The profile.
 */
id: string, 
/**
 * Its new name.
 */
name: string, };

export type ProfileDuplicateArgs = { 
/**
 * The profile to copy.
 */
id: string, 
/**
 * The copy's name; null gives "Name (copy)".
 */
name: string | null, };

export type ProfileDeleteArgs = { 
/**
 * The profile.
 */
id: string, };

export type ImportArgs = { 
/**
 * The file's text, as pasted.
 */
text: string, };

export type ExportPreviewArgs = { 
/**
 * The format.
 */
format: FormatId, 
/**
 * The profile's name, for headings and comments.
 */
name: string | null, 
/**
 * The saved profile's id, when there is one.
 */
profile_id: string | null, 
/**
 * The settings to export.
 */
settings: SmtpSettings, 
/**
 * The host check page shown before (`check_php`): the same page again; none for a new one.
 */
stamp?: HostCheckStamp | null, 
/**
 * The provider or sending service the settings were made for (Portolan's JSON keeps it).
 */
provider_id?: string | null, };

export type ExportCopyArgs = { 
/**
 * The format.
 */
format: FormatId, 
/**
 * The profile's name, for headings and comments.
 */
name: string | null, 
/**
 * The saved profile's id, whose keychain entry may be used.
 */
profile_id: string | null, 
/**
 * The settings to export.
 */
settings: SmtpSettings, 
/**
 * Write the password into this one copy.
 */
include_password: boolean, 
/**
 * The password typed in the window; null to use the saved profile's.
 */
password: string | null, 
/**
 * The host check page the preview showed (`check_php`): that page is copied.
 */
stamp?: HostCheckStamp | null, 
/**
 * The provider or sending service the settings were made for (Portolan's JSON keeps it).
 */
provider_id?: string | null, };

export type ReportArgs = { 
/**
 * The check's report.
 */
report: Report, };

export type Detail = { 
/**
 * What the line is about, e.g. "Encryption".
 */
label: string, 
/**
 * What the check found.
 */
text: string, 
/**
 * The text is the server's own words (a greeting), shown as such.
 */
verbatim: boolean, };

export type Phrases = { 
/**
 * The probe's heading while it runs; `{host}`.
 */
probe_running: string, 
/**
 * The probe's heading once it is done; `{host}`.
 */
probe_done: string, 
/**
 * What the probe does and does not send.
 */
probe_intro: string, 
/**
 * Shown while other ports have not answered yet.
 */
probe_waiting: string, 
/**
 * Said when one port has answered; `{port}`, `{summary}`.
 */
probe_port_answered: string, 
/**
 * Under the password field: when the password is sent.
 */
password_help: string, 
/**
 * Under the password field of an opened profile whose password is in the keychain.
 */
password_saved_help: string, 
/**
 * The probe's table caption; `{host}`.
 */
probe_caption: string, 
/**
 * Said while a check runs (the check's heading meanwhile).
 */
checking: string, 
/**
 * The check's heading once it is done.
 */
check_done: string, 
/**
 * Said when a fix changed the settings and the check runs again; `{fix}`.
 */
fix_applied: string, 
/**
 * Below a good verdict when the settings changed since the check.
 */
check_stale: string, 
/**
 * Beside "Copy a report for support": what the report holds.
 */
report_holds: string, 
/**
 * Said when the support report is on the clipboard.
 */
report_copied: string, 
/**
 * Under the EHLO name field: what it is for and when to leave it empty.
 */
ehlo_help: string, 
/**
 * Said when a fix's page was handed to the browser; `{link}`.
 */
page_opened: string, 
/**
 * Said when a fix's prepared text is on the clipboard; `{fix}` (the fix's label).
 */
text_copied: string, 
/**
 * The export step's introduction.
 */
export_intro: string, 
/**
 * Why no password can be included: the settings do not sign in.
 */
export_no_signin: string, 
/**
 * Why no password can be included: none is known in the window or the keychain.
 */
export_no_password: string, 
/**
 * That the password is left out unless asked for.
 */
export_password_left_out: string, 
/**
 * The warning shown while "include the password" is ticked.
 */
export_password_warning: string, 
/**
 * The heading of what to do when no port works.
 */
probe_next: string, 
/**
 * The question asked before a certificate is trusted.
 */
trust_question: string, 
/**
 * What trusting a certificate means; `{host}`, `{port}`.
 */
trust_explain: string, 
/**
 * The button that trusts the certificate, in the confirmation.
 */
trust_confirm: string, 
/**
 * The button that leaves the certificate untrusted, in the confirmation.
 */
trust_cancel: string, 
/**
 * Before a verdict's fixes, as a list.
 */
fixes_heading: string, 
/**
 * Before the conversation with the server.
 */
transcript_heading: string, 
/**
 * The server accepted the test email; `{to}`, `{reply}`.
 */
accepted_for: string, 
/**
 * Beside the test email's code (the one in its subject).
 */
sent_code: string, 
/**
 * Beside the test email's Message-ID.
 */
sent_message_id: string, 
/**
 * What the code and the Message-ID are for.
 */
sent_ids_help: string, 
/**
 * The fold with the SPF and DMARC records the delivery help read.
 */
delivery_records: string, };

/** What the window shows when a command fails without a UserError. */
export const UNEXPECTED_ERROR: UserError = {"code":"internal","message":"Something went wrong inside Portolan.","hint":"Try again. If it happens again, restart Portolan."};
