// A table of jobs with live progress bars.
import { Link } from "react-router";
import type { JobFieldsFragment } from "../gql/graphql";
import { ProgressBar, StatusBadge, Time } from "./Status";

export function JobTable({ jobs, showTarget = true }: { jobs: JobFieldsFragment[]; showTarget?: boolean }) {
  return (
    <div className="card overflow-x-auto p-0">
      <table className="w-full">
        <thead className="border-b border-slate-200">
          <tr>
            <th className="th">Job</th>
            <th className="th">Status</th>
            <th className="th w-48">Progress</th>
            <th className="th hidden sm:table-cell">Stage</th>
            {showTarget && <th className="th hidden md:table-cell">Target</th>}
            <th className="th hidden md:table-cell">Updated</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((j) => (
            <tr key={j.id} className="border-b border-slate-100 last:border-0" data-testid={`job-row-${j.id}`}>
              <td className="td">
                <Link className="link font-medium" to={`/jobs/${j.id}`}>
                  {j.type}
                </Link>
                <div className="font-mono text-[10px] text-slate-400">{j.id.slice(0, 8)}</div>
              </td>
              <td className="td">
                <StatusBadge status={j.status} />
              </td>
              <td className="td">
                <ProgressBar value={j.progress} label={`${j.type.toLowerCase()} job progress`} />
              </td>
              <td className="td hidden sm:table-cell">{j.stage || "—"}</td>
              {showTarget && (
                <td className="td hidden md:table-cell">
                  {j.targetType === "Droplet" ? (
                    <Link className="link" to={`/droplets/${j.targetId}`}>
                      droplet {j.targetId.slice(0, 8)}
                    </Link>
                  ) : (
                    `${j.targetType} ${j.targetId.slice(0, 8)}`
                  )}
                </td>
              )}
              <td className="td hidden md:table-cell">
                <Time at={j.updatedAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
