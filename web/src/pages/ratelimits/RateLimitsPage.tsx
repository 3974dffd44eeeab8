// Rate limits: the rules (everyone reads them; admins create, edit and delete), and a
// lookup of one bucket's status.
import { useState } from "react";
import { useMutation } from "urql";
import { DeleteRateLimitRuleMutation, RateLimitRulesQuery } from "./operations";
import { RuleForm } from "./RuleForm";
import { StatusLookup } from "./StatusLookup";
import { DataTable, optional, type Column } from "../../components/DataTable";
import { PagedList } from "../../components/PagedList";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { PageHeader, Time } from "../../components/Status";
import { useToast } from "../../components/Toasts";
import { usePagedQuery } from "../../live/usePagedQuery";
import { useAuth } from "../../auth/AuthContext";
import { IfRole } from "../../auth/RoleGate";
import type { RateLimitRuleFieldsFragment as Rule } from "../../gql/graphql";

const label = (r: Rule) => `${r.name} · ${r.scope}${r.scopeId ? ` ${r.scopeId.slice(0, 8)}` : ""}`;

export function RateLimitsPage() {
  const admin = useAuth().can("ADMIN");
  const [showForm, setShowForm] = useState(false);
  const [editing, setEditing] = useState<Rule | null>(null);
  const [deleting, setDeleting] = useState<Rule | null>(null);
  const [highlight, setHighlight] = useState<string | null>(null);
  const toast = useToast();
  const list = usePagedQuery(RateLimitRulesQuery, { first: 100, filter: { status: "ACTIVE" } }, (d) => d.rateLimitRules);
  const [deletion, deleteRule] = useMutation(DeleteRateLimitRuleMutation);
  const [deleteError, setDeleteError] = useState<typeof deletion.error>(undefined);

  async function remove(r: Rule) {
    setDeleting(null);
    const result = await deleteRule({ id: r.id, expectedVersion: r.version });
    setDeleteError(result.error);
    if (!result.error) {
      toast(`Rule ${label(r)} deleted`);
      list.reload();
    }
  }

  const columns: Column<Rule>[] = [
    { header: "Limiter", cell: (r) => <span className="font-medium">{r.name}</span> },
    { header: "Scope", cell: (r) => r.scope },
    { header: "Scope id", cellClassName: "font-mono text-xs", cell: (r) => (r.scopeId ? <span title={r.scopeId}>{r.scopeId.slice(0, 8)}</span> : r.scope === "GLOBAL" ? "—" : "each") },
    { header: "Refill rate", cellClassName: "tabular-nums", cell: (r) => `${r.refillRate} / s` },
    { header: "Capacity", cellClassName: "tabular-nums", cell: (r) => r.capacity },
    { header: "Updated", className: "hidden md:table-cell", cell: (r) => <Time at={r.updatedAt} /> },
    ...optional<Rule>(admin, {
      header: "Actions",
      cell: (r) => (
        <div className="flex gap-2">
          <button className="btn-secondary" onClick={() => setEditing(r)}>
            Edit
          </button>
          <button className="btn-danger" disabled={deletion.fetching} onClick={() => setDeleting(r)}>
            Delete
          </button>
        </div>
      ),
    }),
  ];

  const done = (verb: string) => (r: Rule) => {
    setShowForm(false);
    setEditing(null);
    setHighlight(r.id);
    toast(`Rule ${label(r)} ${verb}`);
    list.reload();
  };

  return (
    <section className="space-y-4">
      <PageHeader title="Rate limits">
        <IfRole role="ADMIN" note>
          <button className="btn-primary" onClick={() => setShowForm((s) => !s)} aria-expanded={showForm}>
            {showForm ? "Close form" : "New rule"}
          </button>
        </IfRole>
      </PageHeader>
      <p className="text-sm text-slate-600">
        A rule sets a limiter's bucket for each user, one user, each cluster, one cluster, or everyone; without one the limiter's built-in default applies.
      </p>
      {showForm && <RuleForm onDone={done("created")} />}
      {editing && <RuleForm key={editing.id} rule={editing} onDone={done("saved")} onCancel={() => setEditing(null)} />}
      <ErrorNotice error={deleteError} hints={{ CONFLICT: "The rule changed meanwhile; look at it again." }} />
      <PagedList list={list} what="rate-limit rules" count={list.nodes.length} empty={<>No rules: every limiter uses its built-in default.</>}>
        <DataTable
          rows={list.nodes}
          columns={columns}
          rowKey={(r) => r.id}
          caption={`${list.more.total} rate-limit rules`}
          rowProps={(r) => ({
            className: r.id === highlight ? "bg-sky-50" : undefined,
            "data-testid": `rule-row-${r.name}-${r.scope}`,
            "data-highlight": r.id === highlight || undefined,
          })}
        />
      </PagedList>
      <StatusLookup />
      {deleting && (
        <ConfirmDialog title={`Delete rule ${label(deleting)}?`} confirmLabel="Delete rule" danger onClose={() => setDeleting(null)} onConfirm={() => remove(deleting)}>
          <p>A less specific rule, or the limiter's default, applies again.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
