// A table of droplets with their status, what runs on them and the progress of their latest job.
import { Link } from "react-router";
import type { DropletFieldsFragment } from "../gql/graphql";
import { ProgressBar, StatusBadge } from "./Status";
import { useCatalog } from "../graphql/catalog";
import { failureReason, useOperation } from "../pages/droplets/operation";

function Row({ d, showCluster, highlight, sizeName, imageName }: {
  d: DropletFieldsFragment;
  showCluster: boolean;
  highlight: boolean;
  sizeName: (s: string) => string;
  imageName: (s: string) => string;
}) {
  const operation = useOperation(d, sizeName);
  const reason = failureReason(d);
  return (
    <tr
      className={`border-b border-slate-100 last:border-0 ${highlight ? "bg-sky-50" : ""}`}
      data-testid={`droplet-row-${d.name}`}
      data-highlight={highlight || undefined}
    >
      <td className="td">
        <Link className="link font-medium" to={`/droplets/${d.id}`}>
          {d.name}
        </Link>
        <div className="text-xs text-slate-500">{imageName(d.image)}</div>
      </td>
      <td className="td">
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
      </td>
      <td className="td w-40">
        {d.job ? (
          <Link to={`/jobs/${d.job.id}`} className="block" title={`${d.job.type} ${d.job.status}: ${d.job.stage}`}>
            <ProgressBar value={d.job.progress} status={d.job.status} label={`${d.name} ${d.job.type.toLowerCase()} progress`} />
          </Link>
        ) : (
          "—"
        )}
      </td>
      <td className="td hidden font-mono sm:table-cell">{d.ip ?? "—"}</td>
      <td className="td hidden sm:table-cell">{d.region}</td>
      <td className="td hidden md:table-cell">{sizeName(d.size)}</td>
      {showCluster && (
        <td className="td hidden md:table-cell">
          {d.cluster ? (
            <Link className="link" to={`/clusters/${d.cluster.id}`}>
              {d.cluster.name}
            </Link>
          ) : (
            "—"
          )}
        </td>
      )}
    </tr>
  );
}

export function DropletTable({ droplets, showCluster = true, highlight }: { droplets: DropletFieldsFragment[]; showCluster?: boolean; highlight?: string | null }) {
  const catalog = useCatalog();
  return (
    <div className="card overflow-x-auto p-0">
      <table className="w-full">
        <thead className="border-b border-slate-200">
          <tr>
            <th className="th">Name</th>
            <th className="th">Status</th>
            <th className="th">Job</th>
            <th className="th hidden sm:table-cell">IP</th>
            <th className="th hidden sm:table-cell">Region</th>
            <th className="th hidden md:table-cell">Size</th>
            {showCluster && <th className="th hidden md:table-cell">Cluster</th>}
          </tr>
        </thead>
        <tbody>
          {droplets.map((d) => (
            <Row key={d.id} d={d} showCluster={showCluster} highlight={d.id === highlight} sizeName={catalog.sizeName} imageName={catalog.imageName} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
