// Diagnoses: newest loaded first, filtered by status, target type and target (kept in the
// URL), with "Load more"; the list is refreshed as DIAGNOSE jobs start and end.
import { useQuery } from "urql";
import { DiagnosesQuery } from "./operations";
import { TargetsQuery } from "../../graphql/targets";
import { DiagnosisTable } from "./DiagnosisTable";
import { FilterBar, FilterSelect, useUrlFilters } from "../../components/Filters";
import { PagedList } from "../../components/PagedList";
import { PageHeader } from "../../components/Status";
import { useDiagnoseJobs } from "./useDiagnoseJobs";
import { usePagedQuery } from "../../live/usePagedQuery";
import type { DiagnosisFilter, DiagnosisStatus, DiagnosisTarget } from "../../gql/graphql";

const STATUSES: DiagnosisStatus[] = ["QUEUED", "RUNNING", "COMPLETED", "FAILED"];
const TARGET_TYPES = [
  { value: "CLUSTER", label: "Clusters" },
  { value: "DROPLET", label: "Droplets" },
];

export function DiagnosesPage() {
  const { params, set } = useUrlFilters();
  const filter: DiagnosisFilter = {
    status: (params.get("status") as DiagnosisStatus) || null,
    targetType: (params.get("targetType") as DiagnosisTarget) || null,
    targetId: params.get("target") || null,
  };
  // The newest page first; "Load more" reads older ones.
  const list = usePagedQuery(DiagnosesQuery, { last: 100, filter }, (d) => d.diagnoses);
  const [targets] = useQuery({ query: TargetsQuery });
  const choices = [
    ...(filter.targetType !== "DROPLET" ? (targets.data?.clusters.nodes ?? []).map((c) => ({ value: c.id, label: `cluster ${c.name}` })) : []),
    ...(filter.targetType !== "CLUSTER" ? (targets.data?.droplets.nodes ?? []).map((d) => ({ value: d.id, label: `droplet ${d.name}` })) : []),
  ];
  if (filter.targetId && !choices.some((c) => c.value === filter.targetId)) choices.unshift({ value: filter.targetId, label: filter.targetId });

  // A DIAGNOSE job that starts or ends changes a diagnosis in the list: read it again.
  useDiagnoseJobs(list.reload);

  return (
    <section>
      <PageHeader title="Diagnoses" />
      <p className="mb-3 text-sm text-slate-600">Ask for one from a cluster's or a droplet's page (Diagnose).</p>
      <FilterBar className="grid-cols-1 sm:max-w-2xl sm:grid-cols-3">
        <FilterSelect id="d-status" label="Status" value={filter.status ?? ""} onChoose={(v) => set({ status: v })} choices={STATUSES} />
        <FilterSelect id="d-type" label="Target type" value={filter.targetType ?? ""} onChoose={(v) => set({ targetType: v, target: "" })} choices={TARGET_TYPES} />
        <FilterSelect id="d-target" label="Target" value={filter.targetId ?? ""} onChoose={(v) => set({ target: v })} choices={choices} />
      </FilterBar>
      <PagedList list={list} what="diagnoses" count={list.nodes.length} empty="No diagnoses match.">
        <DiagnosisTable diagnoses={[...list.nodes].reverse()} />
      </PagedList>
    </section>
  );
}
