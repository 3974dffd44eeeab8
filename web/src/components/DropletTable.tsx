// A table of droplets with their status and the progress of their latest job.
import { Link } from "react-router";
import type { DropletFieldsFragment } from "../gql/graphql";
import { ProgressBar, StatusBadge } from "./Status";

export function DropletTable({ droplets, showCluster = true }: { droplets: DropletFieldsFragment[]; showCluster?: boolean }) {
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
            <tr key={d.id} className="border-b border-slate-100 last:border-0" data-testid={`droplet-row-${d.name}`}>
              <td className="td">
                <Link className="link font-medium" to={`/droplets/${d.id}`}>
                  {d.name}
                </Link>
              </td>
              <td className="td">
                <StatusBadge status={d.status} />
              </td>
              <td className="td w-40">
                {d.job ? (
                  <Link to={`/jobs/${d.job.id}`} className="block" title={`${d.job.type} ${d.job.status}: ${d.job.stage}`}>
                    <ProgressBar value={d.job.progress} label={`${d.name} ${d.job.type.toLowerCase()} progress`} />
                  </Link>
                ) : (
                  "—"
                )}
              </td>
              <td className="td hidden font-mono sm:table-cell">{d.ip ?? "—"}</td>
              <td className="td hidden sm:table-cell">{d.region}</td>
              <td className="td hidden md:table-cell">{d.size}</td>
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
          ))}
        </tbody>
      </table>
    </div>
  );
}
