// One job: live progress (the `jobProgress` subscription), stage timeline, attempts, error,
// and cancel (confirmed) / retry, each saying why when it is unavailable.
import { useState } from "react";
import { useParams } from "react-router";
import { useMutation, useQuery } from "urql";
import { CancelJobMutation, JobProgressSubscription, JobQuery, RetryJobMutation } from "./operations";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Facts } from "../../components/Facts";
import { DetailPage } from "../../components/DetailPage";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { useToast } from "../../components/Toasts";
import { Empty, Json, Loading, ProgressBar, StatusBadge, Time } from "../../components/Status";
import { useEach } from "../../live/useEach";
import { useRefetchOnReconnect } from "../../live/connection";
import { ObjectLink, titleCase, useEntityName } from "../../graphql/names";
import { humanizeTimes } from "../../format/time";
import { IfRole } from "../../auth/RoleGate";
import type { JobDetailFieldsFragment } from "../../gql/graphql";

const TERMINAL = ["COMPLETED", "FAILED", "CANCELLED"];

export function JobDetailPage() {
  const { id = "" } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery({ query: JobQuery, variables: { id } });
  const [live, setLive] = useState<JobDetailFieldsFragment | null>(null);
  // The subscription ends at a terminal status; a retry starts it again.
  const [generation, setGeneration] = useState(0);
  const [cancel, cancelJob] = useMutation(CancelJobMutation);
  const [retry, retryJob] = useMutation(RetryJobMutation);
  const [actionError, setActionError] = useState<typeof cancel.error>(undefined);
  const [confirming, setConfirming] = useState(false);
  const toast = useToast();
  useRefetchOnReconnect(() => {
    setActionError(undefined);
    refetch({ requestPolicy: "network-only" });
    setGeneration((g) => g + 1);
  });
  useEach(
    JobProgressSubscription,
    { jobId: id },
    (d) => setLive((prev) => (prev && prev.version > d.jobProgress.version ? prev : d.jobProgress)),
    true,
    generation,
  );
  const base = data?.job;
  const targetName = useEntityName(base?.targetId);

  if (fetching && !data) return <Loading what="job" />;
  if (error && !data) return <ErrorNotice error={error} />;
  if (!base) return <Empty>No job with id {id}.</Empty>;
  const job = live && live.version >= base.version ? live : base;
  const terminal = TERMINAL.includes(job.status);
  const title = `${titleCase(job.type)} ${targetName ?? job.targetId.slice(0, 8)}`;
  const cancelReason = cancel.fetching ? "Sending…" : terminal ? `The job is ${job.status}; only queued or running jobs can be cancelled.` : null;
  const retryReason = retry.fetching
    ? "Sending…"
    : job.status === "FAILED" || job.status === "CANCELLED"
      ? null
      : `The job is ${job.status}; only failed or cancelled jobs can be retried.`;

  const actions = (
    <IfRole role="OPERATOR" note>
      <button className="btn-secondary" disabled={!!cancelReason} title={cancelReason ?? undefined} onClick={() => setConfirming(true)}>
        Cancel job
      </button>
      <button
        className="btn-secondary"
        disabled={!!retryReason}
        title={retryReason ?? undefined}
        onClick={async () => {
          const r = await retryJob({ id });
          setActionError(r.error);
          if (!r.error) {
            setGeneration((g) => g + 1);
            toast(`${title} queued again`);
          }
        }}
      >
        Retry
      </button>
    </IfRole>
  );

  return (
    <DetailPage title={title} of={{ type: "Job", id: job.id }} actions={actions}>
      {(cancelReason || retryReason) && (
        <p className="text-xs text-slate-500" data-testid="unavailable-reason">
          {[cancelReason && `Cancel: ${cancelReason}`, retryReason && `Retry: ${retryReason}`].filter(Boolean).join(" ")}
        </p>
      )}
      <ErrorNotice error={actionError} hints={{ FAILED_PRECONDITION: "The job's status changed meanwhile; look at it again." }} />
      <div className="card space-y-3">
        <div className="flex flex-wrap items-center gap-3">
          <StatusBadge status={job.status} />
          <span className="text-sm text-slate-600">
            {job.stage || "—"}
            {job.message ? `: ${humanizeTimes(job.message)}` : ""}
          </span>
        </div>
        <ProgressBar value={job.progress} status={job.status} label="job progress" />
        <Facts
          className=""
          facts={[
            { label: "Attempts", value: `${job.attempts} of ${job.maxAttempts}` },
            {
              label: "Target",
              value: (
                <>
                  {job.targetType.toLowerCase()} <ObjectLink type={job.targetType} id={job.targetId} known={targetName} />
                </>
              ),
            },
            { label: "Worker", value: job.worker ?? "—", valueClassName: "break-all" },
            { label: "Retry", value: <Time at={job.retryAt} /> },
          ]}
        />
        {job.error && (
          <div className="rounded-md border border-red-300 bg-red-50 p-2 text-sm text-red-900" data-testid="job-error">
            <span className="font-semibold">Error:</span> {humanizeTimes(job.error)}
          </div>
        )}
        {job.result != null && (
          <div>
            <h3 className="text-sm font-semibold">Result</h3>
            <Json value={job.result} />
          </div>
        )}
      </div>
      <h2 className="text-lg font-semibold">Timeline</h2>
      {job.timeline.length === 0 ? (
        <Empty>Nothing has happened yet.</Empty>
      ) : (
        <ol className="card space-y-2 border-l-2 border-sky-200 pl-4">
          {job.timeline.map((t, i) => (
            <li key={i} className="text-sm">
              <div className="flex flex-wrap items-center gap-2">
                <StatusBadge status={t.status} />
                <span className="font-medium">{t.stage || "—"}</span>
                <span className="tabular-nums text-slate-500">{t.progress}%</span>
                <span className="text-xs text-slate-500">
                  <Time at={t.at} />
                </span>
              </div>
              {t.message && <p className="break-words text-slate-600">{humanizeTimes(t.message)}</p>}
            </li>
          ))}
        </ol>
      )}
      {confirming && (
        <ConfirmDialog
          title={`Cancel ${title}?`}
          confirmLabel="Cancel job"
          danger
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            setConfirming(false);
            const r = await cancelJob({ id });
            setActionError(r.error);
            if (!r.error) toast(`${title} cancelled`);
          }}
        >
          <p>
            The job stops where it is.{job.type === "PROVISION" ? " A droplet that is still provisioning ends up FAILED." : ""} You can retry it later.
          </p>
        </ConfirmDialog>
      )}
    </DetailPage>
  );
}
