// The shell: skip link, navigation, connection indicator, who is signed in, the "connection
// lost" banner and the page.
import { Link, NavLink, Outlet, useLocation } from "react-router";
import { useConnection } from "../live/connection";
import { PAGES } from "../routes";
import { useAuth } from "../auth/AuthContext";
import { loginPath } from "../auth/session";
import { formatExact } from "../format/time";

// The main navigation: the pages with a `nav` label, in PAGES order. The overview ("/")
// is active only on itself.
const NAV = PAGES.flatMap((p) => (p.nav ? [{ to: `/${p.path}`, label: p.nav, end: p.path === "", role: p.role }] : []));

/** "alice · OPERATOR" or "local · ADMIN (local mode)", the expiry on hover, and sign in or out. */
function SessionBadge() {
  const auth = useAuth();
  const location = useLocation();
  const { me } = auth;
  const how = me.via === "API_TOKEN" ? "API token" : me.via === "SESSION" ? "session" : "local mode";
  const title = auth.signedIn
    ? `Signed in with a ${how}; ${me.expiresAt ? `it expires ${formatExact(me.expiresAt)}` : "it does not expire"}`
    : "The server is in local mode: requests without a token act as the local operator";
  return (
    <div className="flex items-center gap-2 text-xs text-chrome-text">
      <span data-testid="session" title={title}>
        <span className="font-semibold text-chrome-bright">{me.actor}</span> · {me.role ?? "no role"}
        {!auth.signedIn && " (local mode)"}
      </span>
      {auth.signedIn ? (
        <button type="button" className="rounded border border-chrome-raised px-2 py-0.5 text-chrome-bright hover:bg-chrome-raised" onClick={auth.signOut}>
          Sign out
        </button>
      ) : (
        <Link className="rounded border border-chrome-raised px-2 py-0.5 text-chrome-bright hover:bg-chrome-raised" to={loginPath(location.pathname + location.search)}>
          Sign in
        </Link>
      )}
    </div>
  );
}

function ConnectionBadge() {
  const { state } = useConnection();
  const text = state === "connected" ? "Live" : state === "reconnecting" ? "Reconnecting…" : "Connecting…";
  const dot = state === "connected" ? "bg-emerald-500" : "bg-amber-500 animate-pulse";
  return (
    <span role="status" aria-live="polite" className="ml-auto flex items-center gap-1.5 text-xs text-chrome-text" data-testid="connection">
      <span className={`h-2 w-2 rounded-full ${dot}`} aria-hidden="true" />
      {text}
    </span>
  );
}

/** Shown while the live connection is down: what is on screen may be out of date. */
export function ConnectionLostBanner() {
  const { state } = useConnection();
  if (state !== "reconnecting") return null;
  return (
    <div role="alert" data-testid="connection-lost" className="border-b border-amber-300 bg-amber-50 px-4 py-2 text-center text-sm text-amber-900">
      Connection lost — data may be stale. Reconnecting…
    </div>
  );
}

export function Layout() {
  const auth = useAuth();
  const nav = NAV.filter((n) => !n.role || auth.can(n.role));
  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only rounded bg-sky-700 px-3 py-2 text-chrome-bright focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50"
      >
        Skip to content
      </a>
      <header className="bg-chrome text-chrome-bright">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
          <span className="text-lg font-bold tracking-tight text-chrome-bright">ClusterGenie</span>
          <nav aria-label="Main" className="order-last -mx-2 flex w-full flex-wrap gap-0.5">
            {nav.map((n) => (
              <NavLink
                key={n.to}
                to={n.to}
                end={n.end}
                className={({ isActive }) =>
                  `rounded px-2 py-1 text-sm ${isActive ? "bg-chrome-raised font-semibold text-chrome-bright" : "text-chrome-text hover:underline"}`
                }
              >
                {n.label}
              </NavLink>
            ))}
            <a href="/graphql" className="rounded px-2 py-1 text-sm text-chrome-text hover:underline" title="The GraphQL playground">
              GraphQL
            </a>
          </nav>
          <ConnectionBadge />
          <SessionBadge />
        </div>
      </header>
      <ConnectionLostBanner />
      <main id="main" tabIndex={-1} className="mx-auto max-w-6xl px-4 py-6 focus:outline-none">
        <Outlet />
      </main>
    </div>
  );
}
