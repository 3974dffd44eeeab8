// The console's pages: the one list the routes (App.tsx) and the navigation (Layout.tsx) are
// built from. A new page is one entry here; `nav` puts it in the main navigation.
import type { ReactElement } from "react";
import { Navigate, useParams } from "react-router";
import { OverviewPage } from "./pages/overview/OverviewPage";
import { ClustersPage } from "./pages/clusters/ClustersPage";
import { ClusterDetailPage } from "./pages/clusters/ClusterDetailPage";
import { DropletsPage } from "./pages/droplets/DropletsPage";
import { DropletDetailPage } from "./pages/droplets/DropletDetailPage";
import { JobsPage } from "./pages/jobs/JobsPage";
import { JobDetailPage } from "./pages/jobs/JobDetailPage";
import { DiagnosesPage } from "./pages/diagnoses/DiagnosesPage";
import { DiagnosisPage } from "./pages/diagnoses/DiagnosisPage";
import { HealthChecksPage } from "./pages/health/HealthChecksPage";
import { HealthCheckDetailPage } from "./pages/health/HealthCheckDetailPage";
import { MonitoringPage } from "./pages/monitoring/MonitoringPage";
import { AuditPage } from "./pages/audit/AuditPage";
import { HistoryPage } from "./pages/audit/HistoryPage";
import { LogsPage } from "./pages/logs/LogsPage";
import { UsersPage } from "./pages/users/UsersPage";
import { ApiTokensPage } from "./pages/tokens/ApiTokensPage";
import { RateLimitsPage } from "./pages/ratelimits/RateLimitsPage";
import { ScalingPolicyPage } from "./pages/scaling/ScalingPolicyPage";
import type { Role } from "./gql/graphql";

export interface Page {
  /** The route below `/` ("" is the overview, the index route). */
  path: string;
  element: ReactElement;
  /** The label of its main-navigation entry, if it has one (in list order). */
  nav?: string;
  /** The least role that may open it (and see its entry); every page needs a signed-in role. */
  role?: Role;
}

export const PAGES: Page[] = [
  { path: "", element: <OverviewPage />, nav: "Overview" },
  { path: "clusters", element: <ClustersPage />, nav: "Clusters" },
  { path: "clusters/:id", element: <ClusterDetailPage /> },
  { path: "droplets", element: <DropletsPage />, nav: "Droplets" },
  { path: "droplets/:id", element: <DropletDetailPage /> },
  { path: "jobs", element: <JobsPage />, nav: "Jobs" },
  { path: "jobs/:id", element: <JobDetailPage /> },
  { path: "scaling-policies/:id", element: <ScalingPolicyPage /> },
  { path: "diagnoses", element: <DiagnosesPage />, nav: "Diagnoses" },
  { path: "diagnoses/:id", element: <DiagnosisPage /> },
  { path: "health-checks", element: <HealthChecksPage />, nav: "Health" },
  { path: "health-checks/:id", element: <HealthCheckDetailPage /> },
  { path: "monitoring", element: <MonitoringPage />, nav: "Monitoring" },
  { path: "audit", element: <AuditPage />, nav: "Audit" },
  { path: "audit/:aggregateType", element: <AuditOfType /> },
  { path: "audit/:aggregateType/:aggregateId", element: <HistoryPage /> },
  { path: "logs", element: <LogsPage />, nav: "Logs" },
  { path: "users", element: <UsersPage />, nav: "Users", role: "ADMIN" },
  { path: "api-tokens", element: <ApiTokensPage />, nav: "API tokens" },
  { path: "rate-limits", element: <RateLimitsPage />, nav: "Rate limits" },
];

/** `/audit/User`: the audit log filtered to one object type (the list of a type without a page). */
function AuditOfType() {
  const { aggregateType = "" } = useParams();
  return <Navigate replace to={`/audit?aggregateType=${encodeURIComponent(aggregateType)}`} />;
}
