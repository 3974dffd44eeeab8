// Applies a finding's recommendation (OPERATOR and above): asks first, saying what the command
// does (a resize reboots the droplet), runs `applyRecommendation`, and from then on shows
// "Applied" with a link to the job carrying it out. Applying twice is harmless (the server
// returns the first job), so a finding already applied offers only the link.
import { useState } from "react";
import { Link } from "react-router";
import { useMutation } from "urql";
import { ApplyRecommendationMutation } from "./operations";
import { describeAction, type Action, type Finding } from "./Report";
import type { SnapshotIndex } from "./evidence";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { useToast } from "../../components/Toasts";
import { IfRole } from "../../auth/RoleGate";
import { titleCase } from "../../graphql/names";
import type { DiagnosisFieldsFragment } from "../../gql/graphql";

/** What running `a` does, before the operator confirms it. */
function consequence(a: Action): string {
  switch (a.kind) {
    case "RESIZE_DROPLET":
      return "The droplet is powered off, resized and powered on again: it reboots, and its price changes.";
    case "POWER_ON_DROPLET":
      return "The droplet is powered on.";
    case "RETRY_JOB":
      return "The failed job is queued again, as it was.";
    case "ADD_DROPLET":
      return "A new droplet like the cluster's others is created; it costs what its size costs.";
    default:
      return "The command runs as if you had started it yourself.";
  }
}

/** Where the job carrying an applied action is, when the diagnosis does not name it. */
function fallbackLink(a: Action): { to: string; label: string } | null {
  if (a.kind === "RETRY_JOB" && a.jobId) return { to: `/jobs/${a.jobId}`, label: "the retried job" };
  if (a.dropletId) return { to: `/droplets/${a.dropletId}`, label: "the droplet's jobs" };
  if (a.clusterId) return { to: `/clusters/${a.clusterId}`, label: "the cluster" };
  return null;
}

export function ApplyControl({ diagnosis, finding, index }: { diagnosis: DiagnosisFieldsFragment; finding: Finding; index: SnapshotIndex }) {
  const action = finding.recommendation?.action;
  const [result, apply] = useMutation(ApplyRecommendationMutation);
  const [started, setStarted] = useState<{ id: string; type: string } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const toast = useToast();
  if (!action) return null;
  const what = describeAction(action, { droplet: (id) => index.droplets.get(id) });
  const recorded = diagnosis.appliedRecommendations?.find((a) => a.findingId === finding.id);
  const job = started ?? (recorded ? { id: recorded.jobId, type: recorded.job?.type ?? "" } : null);

  if (job || diagnosis.appliedFindings.includes(finding.id)) {
    const link = job ? { to: `/jobs/${job.id}`, label: job.type ? `${titleCase(job.type)} job` : "its job" } : fallbackLink(action);
    return (
      <span className="flex flex-wrap items-center gap-2 text-sm" data-testid="applied">
        <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-semibold text-emerald-800">✓ Applied</span>
        {link && (
          <Link className="link" to={link.to}>
            {link.label}
          </Link>
        )}
      </span>
    );
  }

  const unavailable = diagnosis.status !== "COMPLETED" ? `The diagnosis is ${diagnosis.status}.` : result.fetching ? "Sending…" : null;
  return (
    <IfRole role="OPERATOR">
      <div className="flex flex-col items-end gap-1">
        <button className="btn-primary" aria-label={`Apply: ${what}`} title={unavailable ?? what} disabled={!!unavailable} onClick={() => setConfirming(true)}>
          Apply
        </button>
        <ErrorNotice
          error={result.error}
          hints={{
            NOT_FOUND: "The diagnosis or this finding does not exist (any more).",
            FAILED_PRECONDITION: "This recommendation cannot be applied now: the diagnosis is not completed, or the finding has no command; the state may have changed meanwhile.",
          }}
        />
      </div>
      {confirming && (
        <ConfirmDialog
          title={`${what}?`}
          confirmLabel="Apply"
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            setConfirming(false);
            const r = await apply({ diagnosisId: diagnosis.id, findingId: finding.id });
            const j = r.data?.applyRecommendation.job;
            if (!r.error) {
              if (j) setStarted({ id: j.id, type: j.type });
              toast(`${what}: ${j ? `${titleCase(j.type)} job started` : "applied"}`);
            }
          }}
        >
          <p>
            <strong>{what}</strong>, as the diagnosis recommends: {finding.recommendation!.text}.
          </p>
          <p>{consequence(action)}</p>
        </ConfirmDialog>
      )}
    </IfRole>
  );
}
