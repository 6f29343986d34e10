// Plain words for the engine's enums, the same the port guide uses (DESIGN.md §4).
import type { PortState, Security } from "./bindings";

/** A security choice named by its behaviour, never "SSL" or "TLS". */
export function securityLabel(s: Security): string {
  return { tls: "Encrypted from the start", starttls: "Upgrade with STARTTLS", none: "No encryption" }[s];
}

/** Whether a probed port can be used as it is. */
export function portWorks(state: PortState): boolean {
  return state === "works";
}

/** A short word for a probed port's state, shown beside the server's own summary. */
export function portStateWord(state: PortState): string {
  return {
    works: "Works",
    works_unencrypted: "Works, but without encryption",
    refused: "Refused",
    no_answer: "No answer (blocked?)",
    speaks_tls_first: "Answers, encrypted from the start",
    speaks_plain: "Answers, starts unencrypted",
    cert_problem: "Certificate problem",
    not_smtp: "Not a mail server",
    busy: "Busy",
    cancelled: "Stopped",
    other: "Did not work",
  }[state];
}

/** Good verdicts: the settings work as they are. */
export function isGood(code: string | undefined): boolean {
  return code === "ok" || code === "ok_without_auth";
}

/** The engine's summary of a port without the state word already shown before it. */
export function portSummaryRest(word: string, summary: string): string {
  if (!summary.toLowerCase().startsWith(word.toLowerCase())) return summary;
  const rest = summary.slice(word.length).replace(/^[\s:.,;—-]+/, "");
  return rest ? rest.charAt(0).toUpperCase() + rest.slice(1) : "";
}
