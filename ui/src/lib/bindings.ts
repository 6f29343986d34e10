// Generated from the Rust types of portolan-core by ts-rs. Do not edit by hand:
// run `make bindings` after changing a type.

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
