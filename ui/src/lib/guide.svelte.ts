// The engine's own words, loaded once: the port guide (`port_guide`) and the phrases the
// screens show around its answers (`phrases`). Every screen names a security choice, and says
// anything about ports, security, verdicts or formats, with these, never with words of its own.
import type { PortGuide, Phrases, Security, SecurityOption } from "./bindings";

export const known: { guide: PortGuide | null; phrases: Phrases | null } = $state({
  guide: null,
  phrases: null,
});

/** The security choices a form offers, in the engine's order (its recommendation first). */
export function securityOptions(): SecurityOption[] {
  return known.guide?.security_options ?? [];
}

/** The engine's name for a security choice (its short id until the guide has loaded). */
export function securityLabel(s: Security): string {
  return securityOptions().find((o) => o.security === s)?.label ?? s;
}

/** The security a port of the guide goes with (465: encrypted from the start; 587, 2525, 25:
 * STARTTLS), or null for a port the guide does not describe. */
export function usualSecurity(port: number): Security | null {
  return known.guide?.ports.find((p) => p.port === port)?.security ?? null;
}

/**
 * The port to use with `security` chosen by hand while `port` is set: a guide port that goes
 * with another security moves to the security's usual port; any other port stays.
 */
export function portFor(security: Security, port: number): number {
  const usual = usualSecurity(port);
  if (usual === null || usual === security) return port;
  return securityOptions().find((o) => o.security === security)?.default_port ?? port;
}

/**
 * The engine's phrase `key`, each `{name}` in it filled in from `values` (empty until the
 * phrases have loaded).
 */
export function say(key: keyof Phrases, values: Record<string, string | number> = {}): string {
  const text = known.phrases?.[key] ?? "";
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}
