// The one polite live region's text: every screen announces progress and results through it.

export const live = $state({ text: "" });

/** Says `text` to screen readers (and keeps it until the next announcement). */
export function announce(text: string): void {
  // The same sentence twice in a row is still announced: clear first, then set.
  if (live.text === text) live.text = "";
  queueMicrotask(() => (live.text = text));
}
