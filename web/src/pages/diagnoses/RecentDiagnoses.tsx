// A cluster's or a droplet's latest diagnoses, newest first, on its page; a link to them all.
import { Link } from "react-router";
import { DiagnosesQuery } from "./operations";
import { DiagnosisTable } from "./DiagnosisTable";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Empty } from "../../components/Status";
import { useDiagnoseJobs } from "./useDiagnoseJobs";
import { usePagedQuery } from "../../live/usePagedQuery";

/** How many a target's page shows. */
export const RECENT = 5;

export function RecentDiagnoses({ targetId }: { targetId: string }) {
  // The newest RECENT (`last`), still oldest first in the page: shown reversed.
  const list = usePagedQuery(DiagnosesQuery, { last: RECENT, filter: { targetId } }, (d) => d.diagnoses);
  useDiagnoseJobs(list.reload);
  const total = list.data?.diagnoses.totalCount ?? 0;
  const recent = [...list.nodes].reverse();
  return (
    <section aria-labelledby="recent-diagnoses" className="space-y-2" data-testid="recent-diagnoses">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="recent-diagnoses" className="text-lg font-semibold">
          Recent diagnoses
        </h2>
        {total > 0 && (
          <Link className="link text-sm" to={`/diagnoses?target=${targetId}`}>
            All its diagnoses ({total})
          </Link>
        )}
      </div>
      <ErrorNotice error={list.error} />
      {!list.data ? null : recent.length === 0 ? <Empty>No diagnoses yet.</Empty> : <DiagnosisTable diagnoses={recent} showTarget={false} />}
    </section>
  );
}
