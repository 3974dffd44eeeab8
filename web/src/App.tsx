// Client-side routes, one per entry of PAGES (routes.tsx), behind the session: without a
// role (a server that requires signing in, no token) every page sends to /login, which
// brings the user back afterwards. The server falls back to index.html for each of them.
import { Link, Navigate, Route, Routes, useLocation } from "react-router";
import type { ReactNode } from "react";
import { Layout } from "./components/Layout";
import { PAGES } from "./routes";
import { Empty, PageHeader } from "./components/Status";
import { LoginPage } from "./pages/login/LoginPage";
import { useAuth } from "./auth/AuthContext";
import { RequireRole } from "./auth/RoleGate";
import { loginPath } from "./auth/session";

/** The pages when the caller has a role; the login page otherwise. */
function RequireSession({ children }: { children: ReactNode }) {
  const auth = useAuth();
  const location = useLocation();
  if (!auth.role) return <Navigate replace to={loginPath(location.pathname + location.search)} />;
  return <>{children}</>;
}

export function App() {
  return (
    <Routes>
      <Route path="login" element={<LoginPage />} />
      <Route
        element={
          <RequireSession>
            <Layout />
          </RequireSession>
        }
      >
        {PAGES.map((p) => {
          const element = p.role ? (
            <RequireRole role={p.role} title={p.nav ?? ""}>
              {p.element}
            </RequireRole>
          ) : (
            p.element
          );
          return p.path === "" ? <Route key="index" index element={element} /> : <Route key={p.path} path={p.path} element={element} />;
        })}
        <Route
          path="*"
          element={
            <section>
              <PageHeader title="Page not found" />
              <Empty>
                No such page. <Link className="link" to="/">Go to the overview</Link>.
              </Empty>
            </section>
          }
        />
      </Route>
    </Routes>
  );
}
