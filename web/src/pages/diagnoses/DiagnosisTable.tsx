// A table of diagnoses: target, status, what was found (by severity), checks, how the report
// was made and when it was asked for; each row links to its diagnosis.
import { DataTable, RowLink, optional, type Column } from "../../components/DataTable";
import { StatusBadge, Time } from "../../components/Status";
import { ObjectLink } from "../../graphql/names";
import { SeverityBadge, backendName, checkName } from "./Report";
import type { DiagnosisFieldsFragment, Severity } from "../../gql/graphql";

const SEVERITIES: Severity[] = ["CRITICAL", "WARNING", "INFO"];

/** The findings of a completed diagnosis as badges with counts ("CRITICAL 1  WARNING 2"). */
export function FindingSummary({ d }: { d: DiagnosisFieldsFragment }) {
  if (!d.report) return <span className="text-slate-500">—</span>;
  if (d.report.findings.length === 0) return <span className="text-emerald-700">No problems</span>;
  return (
    <span className="flex flex-wrap gap-x-3 gap-y-1" data-testid="finding-summary">
      {SEVERITIES.map((s) => {
        const n = d.report!.findings.filter((f) => f.severity === s).length;
        return n ? (
          <span key={s} className="inline-flex items-center gap-1">
            <SeverityBadge severity={s} />
            <span className="tabular-nums text-xs">{n}</span>
          </span>
        ) : null;
      })}
    </span>
  );
}

export function DiagnosisTable({ diagnoses, showTarget = true }: { diagnoses: DiagnosisFieldsFragment[]; showTarget?: boolean }) {
  const columns: Column<DiagnosisFieldsFragment>[] = [
    {
      header: "Diagnosis",
      cell: (d) => (
        <>
          <RowLink to={`/diagnoses/${d.id}`}>
            <Time at={d.createdAt} />
          </RowLink>
          <span className="mt-1 block sm:hidden">
            <StatusBadge status={d.status} />
          </span>
        </>
      ),
    },
    ...optional<DiagnosisFieldsFragment>(showTarget, {
      header: "Target",
      cell: (d) => (
        <>
          <span className="text-slate-500">{d.targetType.toLowerCase()}</span> <ObjectLink type={d.targetType === "CLUSTER" ? "Cluster" : "Droplet"} id={d.targetId} />
        </>
      ),
    }),
    { header: "Status", className: "hidden sm:table-cell", cell: (d) => <StatusBadge status={d.status} /> },
    { header: "Findings", cell: (d) => (d.status === "FAILED" ? <span className="text-red-700">{d.error ? "failed" : "—"}</span> : <FindingSummary d={d} />) },
    {
      header: "Checks",
      className: "hidden lg:table-cell",
      cellClassName: "text-xs text-slate-600",
      cell: (d) => (d.checks.length === 0 || d.checks.length === 5 ? "All" : d.checks.map(checkName).join(", ")),
    },
    { header: "Made by", className: "hidden md:table-cell", cellClassName: "text-xs text-slate-600", cell: (d) => (d.report ? backendName(d.report.backend) : "—") },
  ];
  return <DataTable rows={diagnoses} columns={columns} rowKey={(d) => d.id} rowProps={(d) => ({ "data-testid": `diagnosis-row-${d.id}` })} />;
}
