/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";
import tailwindcss from "@tailwindcss/vite";

// `npm run dev` proxies the API (HTTP and WebSocket) to a server on 127.0.0.1:8080,
// or CLUSTERGENIE_API when set. The proxied requests present the API's own origin: the
// server refuses pages from other origins (CLUSTERGENIE_ALLOWED_ORIGINS).
const api = process.env.CLUSTERGENIE_API ?? "http://127.0.0.1:8080";

/** The head the console and GraphiQL share (charset, viewport, no favicon request), in one place. */
const sharedHead = (): Plugin => ({
  name: "clustergenie-shared-head",
  transformIndexHtml: () => [
    { tag: "meta", attrs: { charset: "UTF-8" }, injectTo: "head-prepend" },
    { tag: "meta", attrs: { name: "viewport", content: "width=device-width, initial-scale=1.0" }, injectTo: "head-prepend" },
    { tag: "link", attrs: { rel: "icon", href: "data:," }, injectTo: "head-prepend" },
  ],
});

export default defineConfig({
  plugins: [sharedHead(), react(), tailwindcss()],
  server: {
    proxy: {
      "/graphql": { target: api, ws: true, changeOrigin: true, headers: { origin: api } },
      // Exactly /health: the console's own /health-checks pages must not reach the API.
      "^/health(\\?|$)": { target: api },
      "/metrics": { target: api },
    },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    // GraphiQL (CodeMirror, its language service) is one ~780 kB chunk, loaded only at /graphql.
    chunkSizeWarningLimit: 1000,
    // The console and GraphiQL (served by the binary at GET /graphql), one build.
    rollupOptions: { input: { main: "index.html", graphiql: "graphiql.html" } },
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
