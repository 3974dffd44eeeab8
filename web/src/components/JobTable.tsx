// A table of jobs with live progress bars, named after what they work on ("Provision web-4").
import { Link } from "react-router";
import type { JobFieldsFragment } from "../gql/graphql";
import { ProgressBar, StatusBadge, Time } from "./Status";
import { ObjectLink, titleCase } from "../graphql/names";

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
                  {titleCase(j.type)}
                </Link>
                <span className="text-slate-600 md:hidden">
                  {" "}
                  <ObjectLink type={j.targetType} id={j.targetId} className="text-slate-600" />
                </span>
              </td>
              <td className="td">
                <StatusBadge status={j.status} />
              </td>
              <td className="td">
                <ProgressBar value={j.progress} status={j.status} label={`${j.type.toLowerCase()} job progress`} />
              </td>
              <td className="td hidden sm:table-cell">{j.stage || "—"}</td>
              {showTarget && (
                <td className="td hidden md:table-cell">
                  {j.targetType.toLowerCase()} <ObjectLink type={j.targetType} id={j.targetId} />
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
