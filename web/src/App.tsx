// Client-side routes, one per entry of PAGES (routes.tsx); the server falls back to
// index.html for each of them.
import { Link, Route, Routes } from "react-router";
import { Layout } from "./components/Layout";
import { PAGES } from "./routes";
import { Empty, PageHeader } from "./components/Status";

export function App() {
  return (
    <Routes>
      <Route element={<Layout />}>
        {PAGES.map((p) =>
          p.path === "" ? (
            <Route key="index" index element={p.element} />
          ) : (
            <Route key={p.path} path={p.path} element={p.element} />
          ),
        )}
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
