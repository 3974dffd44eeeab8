// A table of jobs with live progress bars, named after what they work on ("Provision web-4").
import type { JobFieldsFragment } from "../gql/graphql";
import { DataTable, RowLink, optional, type Column } from "./DataTable";
import { ProgressBar, StatusBadge, Time } from "./Status";
import { ObjectLink, titleCase } from "../graphql/names";

export function JobTable({ jobs, showTarget = true }: { jobs: JobFieldsFragment[]; showTarget?: boolean }) {
  const columns: Column<JobFieldsFragment>[] = [
    {
      header: "Job",
      cell: (j) => (
        <>
          <RowLink to={`/jobs/${j.id}`}>{titleCase(j.type)}</RowLink>
          <span className="text-slate-600 md:hidden">
            {" "}
            <ObjectLink type={j.targetType} id={j.targetId} className="text-slate-600" />
          </span>
        </>
      ),
    },
    { header: "Status", cell: (j) => <StatusBadge status={j.status} /> },
    {
      header: "Progress",
      className: "w-48",
      cell: (j) => <ProgressBar value={j.progress} status={j.status} label={`${j.type.toLowerCase()} job progress`} />,
    },
    { header: "Stage", className: "hidden sm:table-cell", cell: (j) => j.stage || "—" },
    ...optional<JobFieldsFragment>(showTarget, {
      header: "Target",
      className: "hidden md:table-cell",
      cell: (j) => (
        <>
          {j.targetType.toLowerCase()} <ObjectLink type={j.targetType} id={j.targetId} />
        </>
      ),
    }),
    { header: "Updated", className: "hidden md:table-cell", cell: (j) => <Time at={j.updatedAt} /> },
  ];
  return <DataTable rows={jobs} columns={columns} rowKey={(j) => j.id} rowProps={(j) => ({ "data-testid": `job-row-${j.id}` })} />;
}
