// Clusters: the list, filtered by name, and the create form.
import { useState } from "react";
import { ClustersQuery } from "./operations";
import { CreateClusterForm } from "./CreateClusterForm";
import { DataTable, RowLink, type Column } from "../../components/DataTable";
import { PagedList } from "../../components/PagedList";
import { PageHeader, StatusBadge, Time } from "../../components/Status";
import { useToast } from "../../components/Toasts";
import { usePagedQuery } from "../../live/usePagedQuery";
import { IfRole } from "../../auth/RoleGate";
import type { ClusterFieldsFragment } from "../../gql/graphql";

const COLUMNS: Column<ClusterFieldsFragment>[] = [
  { header: "Name", cell: (c) => <RowLink to={`/clusters/${c.id}`}>{c.name}</RowLink> },
  { header: "Region", cell: (c) => c.region },
  { header: "Status", cell: (c) => <StatusBadge status={c.status} /> },
  { header: "Droplets", cellClassName: "tabular-nums", cell: (c) => c.dropletCount },
  { header: "Labels", className: "hidden sm:table-cell", cell: (c) => c.labels.map((l) => `${l.key}=${l.value}`).join(", ") || "—" },
  { header: "Created", className: "hidden md:table-cell", cell: (c) => <Time at={c.createdAt} /> },
];

export function ClustersPage() {
  const [name, setName] = useState("");
  const [showForm, setShowForm] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const toast = useToast();
  const list = usePagedQuery(ClustersQuery, { first: 100, filter: name ? { name } : null }, (d) => d.clusters);
  const clusters = list.nodes;

  return (
    <section>
      <PageHeader title="Clusters">
        <IfRole role="OPERATOR" note>
          <button className="btn-primary" onClick={() => setShowForm((s) => !s)} aria-expanded={showForm}>
            {showForm ? "Close form" : "New cluster"}
          </button>
        </IfRole>
      </PageHeader>
      {showForm && (
        <div className="mb-4">
          <CreateClusterForm
            onCreated={(c) => {
              setCreated(c.id);
              setShowForm(false);
              toast(`Cluster ${c.name} created`);
              list.reload();
            }}
          />
        </div>
      )}
      <div className="mb-3 max-w-xs">
        <label className="label" htmlFor="cluster-name-filter">
          Filter by name
        </label>
        <input id="cluster-name-filter" className="input" value={name} onChange={(e) => setName(e.target.value)} />
      </div>
      <PagedList list={list} what="clusters" count={clusters.length} empty={<>No clusters{name ? " match" : " yet"}. Create one with “New cluster”.</>}>
        <DataTable
          rows={clusters}
          columns={COLUMNS}
          rowKey={(c) => c.id}
          caption={`${list.more.total} clusters`}
          rowProps={(c) => ({
            className: c.id === created ? "bg-sky-50" : undefined,
            "data-testid": `cluster-row-${c.name}`,
            "data-highlight": c.id === created || undefined,
          })}
        />
      </PagedList>
    </section>
  );
}
