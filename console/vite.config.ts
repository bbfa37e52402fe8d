// The operator console is built into dist/console, which the hub serves at `/` (api/routes/console.ts).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  build: {
    outDir: fileURLToPath(new URL("../dist/console", import.meta.url)),
    emptyOutDir: true,
    // Served from loopback or the centre's LAN; one chunk keeps the page a single round trip.
    chunkSizeWarningLimit: 1024,
  },
  logLevel: "warn",
});
