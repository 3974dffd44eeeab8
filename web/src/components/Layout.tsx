// The shell: navigation, connection indicator and the page.
import { NavLink, Outlet } from "react-router";
import { useConnection } from "../live/connection";

const NAV = [
  { to: "/", label: "Overview", end: true },
  { to: "/clusters", label: "Clusters" },
  { to: "/droplets", label: "Droplets" },
  { to: "/jobs", label: "Jobs" },
  { to: "/audit", label: "Audit" },
];

function ConnectionBadge() {
  const { state } = useConnection();
  const text = state === "connected" ? "Live" : state === "reconnecting" ? "Reconnecting…" : "Connecting…";
  const dot = state === "connected" ? "bg-emerald-500" : "bg-amber-500 animate-pulse";
  return (
    <span role="status" aria-live="polite" className="ml-auto flex items-center gap-1.5 text-xs text-slate-300" data-testid="connection">
      <span className={`h-2 w-2 rounded-full ${dot}`} aria-hidden="true" />
      {text}
    </span>
  );
}

export function Layout() {
  return (
    <div className="min-h-screen">
      <header className="bg-slate-900 text-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <span className="text-lg font-bold tracking-tight">ClusterGenie</span>
          <nav aria-label="Main" className="order-last -mx-2 flex w-full flex-wrap gap-1 sm:order-none sm:mx-0 sm:w-auto sm:flex-1">
            {NAV.map((n) => (
              <NavLink
                key={n.to}
                to={n.to}
                end={n.end}
                className={({ isActive }) =>
                  `rounded px-2 py-1 text-sm ${isActive ? "bg-slate-700 font-semibold" : "text-slate-300 hover:text-white"}`
                }
              >
                {n.label}
              </NavLink>
            ))}
            <a href="/graphql" className="rounded px-2 py-1 text-sm text-slate-300 hover:text-white">
              GraphQL playground
            </a>
          </nav>
          <ConnectionBadge />
        </div>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-6">
        <Outlet />
      </main>
    </div>
  );
}
