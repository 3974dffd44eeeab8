// Applies a finding's recommendation (OPERATOR and above) — placeholder until
// `applyRecommendation` is in the schema.
import type { SnapshotIndex } from "./evidence";
import type { Finding } from "./Report";
import type { DiagnosisFieldsFragment } from "../../gql/graphql";

export function ApplyControl({ diagnosis, finding }: { diagnosis: DiagnosisFieldsFragment; finding: Finding; index: SnapshotIndex }) {
  if (diagnosis.appliedFindings.includes(finding.id)) return <span data-testid="applied">Applied</span>;
  return null;
}
