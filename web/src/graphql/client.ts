// The one GraphQL client: HTTP for queries and mutations, graphql-transport-ws for
// subscriptions, reconnecting forever with backoff so a dropped connection heals itself.
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from "urql";
import { createClient as createWsClient, type Client as WsClient } from "graphql-ws";

function wsUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === "https:" ? "wss" : "ws"}://${host}/graphql`;
}

/** Backoff for reconnects: 0.5 s doubling to 8 s, with jitter. */
function retryWait(retries: number): Promise<void> {
  const base = Math.min(8000, 500 * 2 ** retries);
  return new Promise((resolve) => setTimeout(resolve, base / 2 + Math.random() * (base / 2)));
}

export function createWs(url = wsUrl()): WsClient {
  return createWsClient({
    url,
    lazy: false,
    keepAlive: 10_000,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait,
  });
}

export function createUrqlClient(ws: WsClient): Client {
  return new Client({
    url: "/graphql",
    // GET /graphql is the playground on this server; operations always go as POST.
    preferGetMethod: false,
    requestPolicy: "cache-and-network",
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || "" };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
}
