// GraphiQL at GET /graphql, bundled and pinned like the console (no CDN): queries and
// mutations over HTTP POST, subscriptions over graphql-transport-ws on the same path.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { GraphiQL } from "graphiql";
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { createClient } from "graphql-ws";
import "graphiql/style.css";
import { exampleTabs } from "./tabs";

const { protocol, host } = window.location;
const wsClient = createClient({ url: `${protocol === "https:" ? "wss" : "ws"}://${host}/graphql`, lazy: true });
const fetcher = createGraphiQLFetcher({ url: "/graphql", wsClient });

createRoot(document.getElementById("graphiql")!).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher} defaultTabs={exampleTabs} isHeadersEditorEnabled defaultEditorToolsVisibility="headers" />
  </StrictMode>,
);
