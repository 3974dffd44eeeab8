// The shell: skip link, navigation, connection indicator, the "connection lost" banner and the page.
import { NavLink, Outlet } from "react-router";
import { useConnection } from "../live/connection";
import { PAGES } from "../routes";

// The main navigation: the pages with a `nav` label, in PAGES order. The overview ("/")
// is active only on itself.
const NAV = PAGES.flatMap((p) => (p.nav ? [{ to: `/${p.path}`, label: p.nav, end: p.path === "" }] : []));

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
  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only rounded bg-sky-700 px-3 py-2 text-chrome-bright focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50"
      >
        Skip to content
      </a>
      <header className="bg-chrome text-chrome-bright">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <span className="text-lg font-bold tracking-tight text-chrome-bright">ClusterGenie</span>
          <nav aria-label="Main" className="order-last -mx-2 flex w-full flex-wrap gap-1 sm:order-none sm:mx-0 sm:w-auto sm:flex-1">
            {NAV.map((n) => (
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
            <a href="/graphql" className="rounded px-2 py-1 text-sm text-chrome-text hover:underline">
              GraphQL playground
            </a>
          </nav>
          <ConnectionBadge />
        </div>
      </header>
      <ConnectionLostBanner />
      <main id="main" tabIndex={-1} className="mx-auto max-w-6xl px-4 py-6 focus:outline-none">
        <Outlet />
      </main>
    </div>
  );
}
