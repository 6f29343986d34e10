// The colours of app.css, in light and dark: the focus ring and the controls' borders must
// stand out from what they sit on by at least 3:1 (WCAG 2.2, 1.4.11 and 2.4.13), and text by
// 4.5:1.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

// Read as a file: Vitest does not load style sheets into tests. The tests run from ui/.
const css = readFileSync(resolve(process.cwd(), "src/app.css"), "utf8");

/** The custom properties of the first block after `marker`. */
function palette(marker: string): Record<string, string> {
  const start = css.indexOf(marker);
  const block = css.slice(start, css.indexOf("}", start));
  const out: Record<string, string> = {};
  for (const m of block.matchAll(/--([\w-]+):\s*(#[0-9a-fA-F]{6})/g)) out[m[1]!] = m[2]!;
  return out;
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

const light = palette(":root {");
const dark = { ...light, ...palette("prefers-color-scheme: dark") };

describe.each([
  ["light", light],
  ["dark", dark],
])("the %s colours", (_, c) => {
  it.each([
    ["focus", "bg"],
    ["focus", "surface"],
    ["focus", "ok-bg"],
    ["control-border", "bg"],
    ["control-border", "surface"],
    ["error-fg", "surface"],
  ])("%s on %s reaches 3:1", (fg, bg) => {
    expect(contrast(c[fg]!, c[bg]!)).toBeGreaterThanOrEqual(3);
  });

  it.each([
    ["fg", "bg"],
    ["muted", "bg"],
    ["fg", "warn-bg"],
    ["warn-fg", "warn-bg"],
    ["ok-fg", "ok-bg"],
    ["accent-fg", "accent"],
  ])("text %s on %s reaches 4.5:1", (fg, bg) => {
    expect(contrast(c[fg]!, c[bg]!)).toBeGreaterThanOrEqual(4.5);
  });
});
