// Client-side routes; the server falls back to index.html for each of them.
import { Link, Route, Routes } from "react-router";
import { Layout } from "./components/Layout";
import { OverviewPage } from "./pages/overview/OverviewPage";
import { ClustersPage } from "./pages/clusters/ClustersPage";
import { ClusterDetailPage } from "./pages/clusters/ClusterDetailPage";
import { DropletsPage } from "./pages/droplets/DropletsPage";
import { DropletDetailPage } from "./pages/droplets/DropletDetailPage";
import { JobsPage } from "./pages/jobs/JobsPage";
import { JobDetailPage } from "./pages/jobs/JobDetailPage";
import { AuditPage } from "./pages/audit/AuditPage";
import { HistoryPage } from "./pages/audit/HistoryPage";
import { Empty, PageHeader } from "./components/Status";

export function App() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<OverviewPage />} />
        <Route path="clusters" element={<ClustersPage />} />
        <Route path="clusters/:id" element={<ClusterDetailPage />} />
        <Route path="droplets" element={<DropletsPage />} />
        <Route path="droplets/:id" element={<DropletDetailPage />} />
        <Route path="jobs" element={<JobsPage />} />
        <Route path="jobs/:id" element={<JobDetailPage />} />
        <Route path="audit" element={<AuditPage />} />
        <Route path="audit/:aggregateType/:aggregateId" element={<HistoryPage />} />
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
