// The session: the stored token, the two transports built for it, and `me`. Signing in or
// out (or the server refusing the token) replaces both transports, so the socket's
// `connection_init` carries the new token and nothing cached under the old one is shown;
// the pages below remount. A refused or expired token is dropped and the user is sent to
// the login page, which brings them back to where they were.
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { useLocation, useNavigate } from "react-router";
import { Provider, useQuery } from "urql";
import { ConnectionProvider } from "../live/connection";
import type { ApiClients, Credentials } from "../graphql/client";
import { ErrorNotice } from "../components/ErrorNotice";
import { Loading } from "../components/Status";
import { AuthContext, authOf, type Auth } from "./AuthContext";
import { MeQuery } from "./operations";
import { loginPath, readToken, storeToken } from "./session";

/** Longest timer a browser keeps (about 24.8 days); later expiries are left to the server. */
const MAX_TIMER = 2 ** 31 - 1;

export function SessionProvider({ connect, children }: { connect: (c: Credentials) => ApiClients; children: ReactNode }) {
  const navigate = useNavigate();
  const location = useLocation();
  const where = useRef("");
  where.current = location.pathname + location.search;
  const [ended, setEnded] = useState<string | null>(null);
  const refused = useRef<() => void>(() => {});
  const open = useCallback(
    (token: string | null) => ({ token, clients: connect({ token, onRefused: () => refused.current() }) }),
    [connect],
  );
  const [session, setSession] = useState(() => open(readToken()));
  const current = useRef(session);
  current.current = session;
  const [generation, setGeneration] = useState(0);

  const replace = useCallback(
    (token: string | null) => {
      storeToken(token);
      current.current.clients.ws.dispose();
      current.current = open(token);
      setSession(current.current);
      setGeneration((g) => g + 1);
    },
    [open],
  );
  refused.current = () => {
    if (!current.current.token) return;
    replace(null);
    setEnded("Your session ended (it expired, was revoked, or your user was changed). Sign in again.");
    navigate(loginPath(where.current), { replace: true });
  };
  const signIn = useCallback(
    (token: string, next: string) => {
      setEnded(null);
      replace(token);
      navigate(next, { replace: true });
    },
    [replace, navigate],
  );
  const signOut = useCallback(() => {
    setEnded(null);
    replace(null);
    navigate("/login", { replace: true });
  }, [replace, navigate]);

  return (
    <ConnectionProvider ws={session.clients.ws}>
      <Provider value={session.clients.client}>
        <Me key={generation} actions={{ signIn, signOut, ended }} onExpired={() => refused.current()}>
          {children}
        </Me>
      </Provider>
    </ConnectionProvider>
  );
}

/** Asks `me` once per session and provides the `Auth`; ends the session when it expires. */
function Me({ actions, onExpired, children }: { actions: Pick<Auth, "signIn" | "signOut" | "ended">; onExpired: () => void; children: ReactNode }) {
  const [{ data, error }, refetch] = useQuery({ query: MeQuery, requestPolicy: "network-only" });
  // A later refetch (a mutation touched a user) that fails keeps the answer we had.
  const last = useRef(data?.me);
  if (data?.me) last.current = data.me;
  const me = last.current;
  const expiresAt = me?.via === "SESSION" || me?.via === "API_TOKEN" ? me.expiresAt : null;
  const expired = useRef(onExpired);
  expired.current = onExpired;
  useEffect(() => {
    if (!expiresAt) return;
    const left = Date.parse(expiresAt) - Date.now();
    if (left > MAX_TIMER) return;
    const timer = setTimeout(() => expired.current(), Math.max(0, left));
    return () => clearTimeout(timer);
  }, [expiresAt]);

  if (!me) {
    if (error)
      return (
        <main className="mx-auto max-w-md space-y-3 px-4 py-12">
          <h1 className="text-xl font-semibold">Cannot reach ClusterGenie</h1>
          <ErrorNotice error={error} />
          <button className="btn-primary" onClick={() => refetch({ requestPolicy: "network-only" })}>
            Try again
          </button>
        </main>
      );
    return (
      <main className="mx-auto max-w-md px-4 py-12">
        <Loading what="your session" />
      </main>
    );
  }
  return <AuthContext.Provider value={authOf(me, actions)}>{children}</AuthContext.Provider>;
}
