// The one GraphQL client: HTTP for queries and mutations, graphql-transport-ws for
// subscriptions, reconnecting forever with backoff so a dropped connection heals itself.
// Both carry the session's token; a token the server refuses (HTTP 401, an UNAUTHENTICATED
// error about the whole request, a socket closed with 4403) is reported to `onRefused`.
import { Client, CombinedError, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from "urql";
import { createClient as createWsClient, type Client as WsClient } from "graphql-ws";

/** The close code with which the server ends a socket whose token it no longer accepts. */
export const WS_FORBIDDEN = 4403;

function wsUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === "https:" ? "wss" : "ws"}://${host}/graphql`;
}

/** Backoff for reconnects: 0.5 s doubling to 8 s, with jitter. */
function retryWait(retries: number): Promise<void> {
  const base = Math.min(8000, 500 * 2 ** retries);
  return new Promise((resolve) => setTimeout(resolve, base / 2 + Math.random() * (base / 2)));
}

const closeCode = (event: unknown): number | undefined =>
  typeof event === "object" && event !== null && "code" in event && typeof event.code === "number" ? event.code : undefined;

/** What the session gives both transports: its token (null: none) and who to tell when it is refused. */
export interface Credentials {
  token: string | null;
  onRefused: () => void;
}

export function createWs({ token, onRefused }: Credentials, url = wsUrl()): WsClient {
  return createWsClient({
    url,
    lazy: false,
    keepAlive: 10_000,
    retryAttempts: Infinity,
    connectionParams: () => (token ? { Authorization: `Bearer ${token}` } : {}),
    // A refused token stays refused: the session starts a new socket without it instead.
    shouldRetry: (event) => closeCode(event) !== WS_FORBIDDEN,
    retryWait,
    on: {
      closed: (event) => {
        if (token && closeCode(event) === WS_FORBIDDEN) onRefused();
      },
    },
  });
}

/** Whether `error` says the request's credentials were refused (not one field's answer). */
export function refusesCredentials(error: CombinedError): boolean {
  if (error.response && (error.response as Response).status === 401) return true;
  return error.graphQLErrors.some((e) => e.extensions?.code === "UNAUTHENTICATED" && !e.path?.length);
}

export function createUrqlClient(ws: WsClient, { token, onRefused }: Credentials): Client {
  return new Client({
    url: "/graphql",
    // GET /graphql is the playground on this server; operations always go as POST.
    preferGetMethod: false,
    requestPolicy: "cache-and-network",
    fetchOptions: () => (token ? { headers: { Authorization: `Bearer ${token}` } } : {}),
    exchanges: [
      mapExchange({
        onError(error) {
          if (refusesCredentials(error)) onRefused();
        },
      }),
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

/** The two transports of one session. */
export interface ApiClients {
  ws: WsClient;
  client: Client;
}

/** Both transports for `credentials`. */
export function connect(credentials: Credentials): ApiClients {
  const ws = createWs(credentials);
  return { ws, client: createUrqlClient(ws, credentials) };
}
