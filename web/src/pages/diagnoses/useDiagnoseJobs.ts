// Calls `onChange` when a DIAGNOSE job starts or ends (not on every progress update): what a
// list of diagnoses needs to read them again.
import { useRef } from "react";
import { JobsLive } from "../../graphql/fragments";
import { useEach } from "../../live/useEach";

export function useDiagnoseJobs(onChange: () => void) {
  const seen = useRef(new Map<string, string>());
  useEach(JobsLive, { filter: { type: "DIAGNOSE" } }, ({ jobs: j }) => {
    const before = seen.current.get(j.id);
    seen.current.set(j.id, j.status);
    if (before !== j.status) onChange();
  });
}
