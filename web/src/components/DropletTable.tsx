// A table of droplets with their status, what runs on them and the progress of their latest job.
import { Link } from "react-router";
import type { DropletFieldsFragment } from "../gql/graphql";
import { DataTable, RowLink, optional, type Column } from "./DataTable";
import { ProgressBar, StatusBadge } from "./Status";
import { useCatalog } from "../graphql/catalog";
import { failureReason, useOperation } from "../pages/droplets/operation";

/** Status, the operation running on the droplet, and why it failed. */
function StatusCell({ d, sizeName }: { d: DropletFieldsFragment; sizeName: (s: string) => string }) {
  const operation = useOperation(d, sizeName);
  const reason = failureReason(d);
  return (
    <>
      <StatusBadge status={d.status} />
      {operation && (
        <div className="mt-0.5 text-xs text-sky-800" data-testid="row-operation">
          {operation.label}
        </div>
      )}
      {reason && (
        <div className="mt-0.5 max-w-48 text-xs text-red-700" title={reason}>
          {reason}
        </div>
      )}
    </>
  );
}

export function DropletTable({ droplets, showCluster = true, highlight }: { droplets: DropletFieldsFragment[]; showCluster?: boolean; highlight?: string | null }) {
  const { sizeName, imageName } = useCatalog();
  const columns: Column<DropletFieldsFragment>[] = [
    {
      header: "Name",
      cell: (d) => (
        <>
          <RowLink to={`/droplets/${d.id}`}>{d.name}</RowLink>
          <div className="text-xs text-slate-500">{imageName(d.image)}</div>
        </>
      ),
    },
    { header: "Status", cell: (d) => <StatusCell d={d} sizeName={sizeName} /> },
    {
      header: "Job",
      className: "w-40",
      cell: (d) =>
        d.job ? (
          <Link to={`/jobs/${d.job.id}`} className="block" title={`${d.job.type} ${d.job.status}: ${d.job.stage}`}>
            <ProgressBar value={d.job.progress} status={d.job.status} label={`${d.name} ${d.job.type.toLowerCase()} progress`} />
          </Link>
        ) : (
          "—"
        ),
    },
    { header: "IP", className: "hidden sm:table-cell", cellClassName: "font-mono", cell: (d) => d.ip ?? "—" },
    { header: "Region", className: "hidden sm:table-cell", cell: (d) => d.region },
    { header: "Size", className: "hidden md:table-cell", cell: (d) => sizeName(d.size) },
    ...optional<DropletFieldsFragment>(showCluster, {
      header: "Cluster",
      className: "hidden md:table-cell",
      cell: (d) =>
        d.cluster ? (
          <Link className="link" to={`/clusters/${d.cluster.id}`}>
            {d.cluster.name}
          </Link>
        ) : (
          "—"
        ),
    }),
  ];
  return (
    <DataTable
      rows={droplets}
      columns={columns}
      rowKey={(d) => d.id}
      rowProps={(d) => ({
        className: d.id === highlight ? "bg-sky-50" : undefined,
        "data-testid": `droplet-row-${d.name}`,
        "data-highlight": d.id === highlight || undefined,
      })}
    />
  );
}
