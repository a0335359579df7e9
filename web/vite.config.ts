// Builds the explorer into dist/, which the scrm-graph server serves at "/".
// `npm run dev` proxies the API of a `scrm serve` on port 8000 (SCRM_API to change it).
import { defineConfig } from "vite";

const api = process.env.SCRM_API ?? "http://127.0.0.1:8000";

export default defineConfig({
  base: "/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1000 },
  server: { proxy: { "/graphql": { target: api, ws: true } } },
});
