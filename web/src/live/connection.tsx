// Connection state of the subscription socket, shared through context so any page can show
// it and refetch its lists after a reconnect (changes made while offline are not replayed
// by `jobs`/`droplets` subscriptions, so a fresh query closes the gap).
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import type { Client as WsClient } from "graphql-ws";

export type ConnectionState = "connecting" | "connected" | "reconnecting";

interface Connection {
  ws: WsClient;
  state: ConnectionState;
  /** Increments on every successful reconnect after the first connection. */
  reconnects: number;
}

const ConnectionContext = createContext<Connection | null>(null);

export function ConnectionProvider({ ws, children }: { ws: WsClient; children: ReactNode }) {
  const [state, setState] = useState<ConnectionState>("connecting");
  const [reconnects, setReconnects] = useState(0);
  useEffect(() => {
    let everConnected = false;
    const offs = [
      ws.on("connected", () => {
        setState("connected");
        if (everConnected) setReconnects((n) => n + 1);
        everConnected = true;
      }),
      ws.on("closed", () => setState(everConnected ? "reconnecting" : "connecting")),
    ];
    return () => offs.forEach((off) => off());
  }, [ws]);
  return (
    <ConnectionContext.Provider value={{ ws, state, reconnects }}>{children}</ConnectionContext.Provider>
  );
}

export function useConnection(): Connection {
  const c = useContext(ConnectionContext);
  if (!c) throw new Error("useConnection outside ConnectionProvider");
  return c;
}

/** Calls `onReconnect` after each reconnect (the latest callback, not the first one). */
export function useRefetchOnReconnect(onReconnect: () => void) {
  const { reconnects } = useConnection();
  const latest = useRef(onReconnect);
  latest.current = onReconnect;
  useEffect(() => {
    if (reconnects > 0) latest.current();
  }, [reconnects]);
}

/** Whether the live connection is down after having been up (what is shown may be stale). */
export function useOffline(): boolean {
  return useConnection().state === "reconnecting";
}
