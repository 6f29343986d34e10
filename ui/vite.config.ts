import { writeFileSync } from "node:fs";
import { defineConfig, type Plugin } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

/**
 * Lists the npm packages whose code the bundler put into the UI (from its own module list), so
 * their licences go into the third-party notices (scripts/notices.py). Writes the file named by
 * PORTOLAN_BUNDLED_PACKAGES, and nothing otherwise.
 */
function bundledPackages(): Plugin {
  return {
    name: "portolan-bundled-packages",
    apply: "build",
    generateBundle(_options, bundle) {
      const out = process.env.PORTOLAN_BUNDLED_PACKAGES;
      if (!out) return;
      const dirs = new Set<string>();
      for (const file of Object.values(bundle)) {
        if (file.type !== "chunk") continue;
        for (const id of Object.keys(file.modules)) {
          // The package's own folder: the last node_modules/<name> or node_modules/@scope/<name>.
          const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(id.replaceAll("\\", "/"));
          if (m?.[1]) dirs.add(m[1]);
        }
      }
      writeFileSync(out, JSON.stringify([...dirs].sort(), null, 2) + "\n");
    },
  };
}

// The app is served from the binary by Tauri; no remote content, no inline scripts.
export default defineConfig({
  plugins: [svelte(), bundledPackages()],
  clearScreen: false,
  server: { port: 5173, strictPort: true, host: "127.0.0.1" },
  build: {
    target: "safari15",
    outDir: "dist",
    emptyOutDir: true,
    // Keep everything in files so the strict CSP (no inline script or style) holds.
    assetsInlineLimit: 0,
    cssCodeSplit: false,
  },
  resolve: process.env.VITEST ? { conditions: ["browser"] } : undefined,
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
    // A whole journey through jsdom takes ~1 s alone but over 5 s (Vitest's default limit)
    // on a 2-core machine that is also compiling; the limit guards against hangs, not speed.
    testTimeout: 30_000,
  },
});
