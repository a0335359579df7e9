// Builds the explorer into dist/, which the scrm-graph server serves at "/", and GraphiQL
// into dist/graphiql/, which it serves on a browser's GET of /graphql.
// `npm run dev` proxies the API of a `scrm serve` on port 8000 (SCRM_API to change it).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const api = process.env.SCRM_API ?? "http://127.0.0.1:8000";

export default defineConfig({
  base: "/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    // GraphiQL (React, CodeMirror, the GraphQL language service) is one chunk of ~1.5 MB.
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      input: {
        index: fileURLToPath(new URL("index.html", import.meta.url)),
        graphiql: fileURLToPath(new URL("graphiql/index.html", import.meta.url)),
      },
      // React libraries mark their modules "use client" (meaningless in a browser bundle).
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
    },
  },
  server: { proxy: { "/graphql": { target: api, ws: true } } },
});
