// Generated from the Rust types of portolan-core by ts-rs. Do not edit by hand:
// run `make bindings` after changing a type.

export type UserError = { 
/**
 * Stable, snake_case; the UI and scripts switch on it. Never renamed.
 */
code: string, 
/**
 * What happened, in plain words.
 */
message: string, 
/**
 * What to do next.
 */
hint: string, };

export type Security = "tls" | "starttls" | "none";

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
 * Where the port comes from (the standard, or that there is none).
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
how_portolan_chooses: string, };

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
cert_exception: CertException | null, };

export type FieldError = { 
/**
 * The field's name as in `SmtpSettings` (`host`, `port`, `username`, `from`, …).
 */
field: string, 
/**
 * What is wrong and what to do, naming the field in plain words.
 */
message: string, };
