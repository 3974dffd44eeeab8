// A cluster's scaling policies: what each keeps (metric and target, the droplet range, the
// cost cap), its state, pause/resume/delete and a form for a new one (OPERATOR). Each row
// links the policy's page: its chart, its decisions and why.
import { useState } from "react";
import { Link } from "react-router";
import { ScalingPoliciesQuery } from "./operations";
import { PolicyForm } from "./PolicyForm";
import { metricLabel } from "./validation";
import { usePolicyChange, type PolicyChange } from "./usePolicyChange";
import { DataTable, optional, type Column } from "../../components/DataTable";
import { PagedList } from "../../components/PagedList";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { StatusBadge } from "../../components/Status";
import { useToast } from "../../components/Toasts";
import { usePagedQuery } from "../../live/usePagedQuery";
import { useAuth } from "../../auth/AuthContext";
import { IfRole } from "../../auth/RoleGate";
import type { ScalingPolicyFieldsFragment as Policy } from "../../gql/graphql";

/** "50 per droplet" or "70 %". */
export function targetText(p: Pick<Policy, "metric" | "target">): string {
  return p.metric === "QUEUE_DEPTH" ? `${p.target} per droplet` : `${p.target} %`;
}

/** "2–8 droplets" or "s-1vcpu-1gb – s-2vcpu-4gb". */
export function rangeText(p: Pick<Policy, "mode" | "minDroplets" | "maxDroplets" | "minSize" | "maxSize">): string {
  return p.mode === "VERTICAL" ? `${p.minSize ?? "?"} – ${p.maxSize ?? "?"}` : `${p.minDroplets}–${p.maxDroplets} droplets`;
}

export function ScalingPolicies({ clusterId, deleted }: { clusterId: string; deleted: boolean }) {
  const operator = useAuth().can("OPERATOR");
  const toast = useToast();
  const [showForm, setShowForm] = useState(false);
  const [deleting, setDeleting] = useState<Policy | null>(null);
  const list = usePagedQuery(ScalingPoliciesQuery, { first: 20, filter: { clusterId } }, (d) => d.scalingPolicies);
  const { busy, change: send } = usePolicyChange();
  const [error, setError] = useState<Awaited<ReturnType<typeof send>>>(undefined);
  const live = list.nodes.filter((p) => p.status !== "DELETED");

  async function change(p: Policy, verb: PolicyChange) {
    const failed = await send(p.id, verb);
    setError(failed);
    if (!failed) {
      toast(`Policy ${p.name} ${verb}`);
      list.reload();
    }
  }

  const columns: Column<Policy>[] = [
    {
      header: "Policy",
      cell: (p) => (
        <Link className="link font-medium" to={`/scaling-policies/${p.id}`} title="Its decisions and chart">
          {p.name}
        </Link>
      ),
    },
    { header: "Keeps", cell: (p) => `${metricLabel(p.metric)} at ${targetText(p)} (±${Math.round(p.tolerance * 100)} %)` },
    { header: "Range", cellClassName: "tabular-nums", cell: rangeText },
    { header: "Cost cap", cellClassName: "tabular-nums", cell: (p) => (p.costLimitPerHour == null ? "none" : `$${p.costLimitPerHour.toFixed(2)} / h`) },
    { header: "New droplets", className: "hidden md:table-cell", cell: (p) => (p.template ? `${p.template.size} · ${p.template.image}` : "—") },
    { header: "Status", cell: (p) => <span className="flex items-center gap-1"><StatusBadge status={p.status} />{p.dryRun && <span className="text-xs text-slate-500">dry run</span>}</span> },
    ...optional<Policy>(operator && !deleted, {
      header: "Actions",
      cell: (p) => (
        <div className="flex gap-2">
          {p.status === "ACTIVE" ? (
            <button className="btn-secondary" disabled={busy} onClick={() => change(p, "paused")}>
              Pause
            </button>
          ) : (
            <button className="btn-secondary" disabled={busy} onClick={() => change(p, "resumed")}>
              Resume
            </button>
          )}
          <button className="btn-danger" disabled={busy} onClick={() => setDeleting(p)}>
            Delete
          </button>
        </div>
      ),
    }),
  ];

  return (
    <section className="space-y-2" aria-labelledby="scaling-policies">
      <div className="flex items-center justify-between">
        <h2 id="scaling-policies" className="text-lg font-semibold">
          Scaling policies
        </h2>
        {!deleted && (
          <IfRole role="OPERATOR">
            <button className="btn-secondary" onClick={() => setShowForm((s) => !s)} aria-expanded={showForm}>
              {showForm ? "Close form" : "New policy"}
            </button>
          </IfRole>
        )}
      </div>
      {showForm && (
        <PolicyForm
          clusterId={clusterId}
          onDone={(p) => {
            setShowForm(false);
            toast(`Policy ${p.name} created${p.status === "PAUSED" ? " paused" : ""}`);
            list.reload();
          }}
        />
      )}
      <ErrorNotice error={error} hints={{ CONFLICT: "The policy changed meanwhile; look at it again." }} />
      <PagedList list={list} what="scaling policies" count={live.length} empty={<>No scaling policy: the cluster keeps the droplets it has.</>}>
        <DataTable rows={live} columns={columns} rowKey={(p) => p.id} caption={`${live.length} scaling policies`} rowProps={(p) => ({ "data-testid": `policy-row-${p.name}` })} />
      </PagedList>
      <p className="text-xs text-slate-500">The autoscaler evaluates each active policy every interval; a policy's page shows its decisions and why.</p>
      {deleting && (
        <ConfirmDialog
          title={`Delete policy ${deleting.name}?`}
          confirmLabel="Delete policy"
          danger
          onClose={() => setDeleting(null)}
          onConfirm={() => {
            const p = deleting;
            setDeleting(null);
            void change(p, "deleted");
          }}
        >
          <p>The cluster keeps its droplets; another policy may then watch the same metric.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
