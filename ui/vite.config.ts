import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// The app is served from the binary by Tauri; no remote content, no inline scripts.
export default defineConfig({
  plugins: [svelte()],
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
