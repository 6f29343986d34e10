// The engine's own words about ports and security, loaded once from the `port_guide` command:
// every screen names a security choice with these, never with words of its own.
import type { PortGuide, Security, SecurityOption } from "./bindings";

export const known: { guide: PortGuide | null } = $state({ guide: null });

/** The security choices a form offers, in the engine's order (its recommendation first). */
export function securityOptions(): SecurityOption[] {
  return known.guide?.security_options ?? [];
}

/** The engine's name for a security choice (its short id until the guide has loaded). */
export function securityLabel(s: Security): string {
  return securityOptions().find((o) => o.security === s)?.label ?? s;
}
