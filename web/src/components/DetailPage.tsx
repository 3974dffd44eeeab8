// The frame of one object's page: its title, the way back to its list, a link to its history
// and the actions it offers, then the page's sections.
import type { ReactNode } from "react";
import { Link } from "react-router";
import { PageHeader, type Crumb } from "./Status";
import type { AggregateType } from "../gql/graphql";

/** Each object type's list page, for breadcrumbs. */
export const LIST_PAGES: Record<AggregateType, Crumb> = {
  Cluster: { to: "/clusters", label: "Clusters" },
  Droplet: { to: "/droplets", label: "Droplets" },
  Job: { to: "/jobs", label: "Jobs" },
  // Not `/health`: that is the server's own health endpoint (JSON), so a reload there would
  // never reach the console.
  HealthCheck: { to: "/health-checks", label: "Health" },
  User: { to: "/users", label: "Users" },
  ApiToken: { to: "/api-tokens", label: "API tokens" },
  RateLimitRule: { to: "/rate-limits", label: "Rate limits" },
  Diagnosis: { to: "/diagnoses", label: "Diagnoses" },
  // No list of their own: a cluster's page lists its policies (the page passes `crumbs`).
  ScalingPolicy: { to: "/audit/ScalingPolicy", label: "Scaling policies" },
};

export function DetailPage({ title, of, crumbs, actions, children }: {
  title: string;
  /** The object shown: its list is the breadcrumb, its history a link. */
  of: { type: AggregateType; id: string };
  /** The way back, when it is not the type's list (a policy's cluster). */
  crumbs?: Crumb[];
  actions: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="space-y-4">
      <PageHeader title={title} crumbs={crumbs ?? [LIST_PAGES[of.type]]}>
        <Link className="btn-secondary" to={`/audit/${of.type}/${of.id}`}>
          History
        </Link>
        {actions}
      </PageHeader>
      {children}
    </section>
  );
}
