// One job: live progress (the `jobProgress` subscription), stage timeline, attempts, error,
// and cancel/retry.
import { useState } from "react";
import { Link, useParams } from "react-router";
import { useMutation, useQuery } from "urql";
import { CancelJobMutation, JobProgressSubscription, JobQuery, RetryJobMutation } from "./operations";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Empty, Json, Loading, PageHeader, ProgressBar, StatusBadge, Time } from "../../components/Status";
import { useEach } from "../../live/useEach";
import { useRefetchOnReconnect } from "../../live/connection";
import type { JobDetailFieldsFragment } from "../../gql/graphql";

const TERMINAL = ["COMPLETED", "FAILED", "CANCELLED"];

export function JobDetailPage() {
  const { id = "" } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery({ query: JobQuery, variables: { id } });
  const [live, setLive] = useState<JobDetailFieldsFragment | null>(null);
  // The subscription ends at a terminal status; a retry starts it again.
  const [generation, setGeneration] = useState(0);
  useRefetchOnReconnect(() => refetch({ requestPolicy: "network-only" }));
  useEach(
    JobProgressSubscription,
    { jobId: id },
    (d) => setLive((prev) => (prev && prev.version > d.jobProgress.version ? prev : d.jobProgress)),
    true,
    generation,
  );
  const [cancel, cancelJob] = useMutation(CancelJobMutation);
  const [retry, retryJob] = useMutation(RetryJobMutation);

  if (fetching && !data) return <Loading what="job" />;
  if (error) return <ErrorNotice error={error} />;
  const base = data?.job;
  if (!base) return <Empty>No job with id {id}.</Empty>;
  const job = live && live.version >= base.version ? live : base;
  const terminal = TERMINAL.includes(job.status);

  return (
    <section className="space-y-4">
      <PageHeader title={`${job.type} job`}>
        <Link className="btn-secondary" to={`/audit/Job/${job.id}`}>
          History
        </Link>
        <button className="btn-secondary" disabled={terminal || cancel.fetching} onClick={() => cancelJob({ id })}>
          Cancel
        </button>
        <button
          className="btn-secondary"
          disabled={!(job.status === "FAILED" || job.status === "CANCELLED") || retry.fetching}
          onClick={async () => {
            const r = await retryJob({ id });
            if (!r.error) setGeneration((g) => g + 1);
          }}
        >
          Retry
        </button>
      </PageHeader>
      <ErrorNotice error={cancel.error ?? retry.error} />
      <div className="card space-y-3">
        <div className="flex flex-wrap items-center gap-3">
          <StatusBadge status={job.status} />
          <span className="text-sm text-slate-600">
            {job.stage || "—"}
            {job.message ? `: ${job.message}` : ""}
          </span>
        </div>
        <ProgressBar value={job.progress} label="job progress" />
        <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
          <div>
            <dt className="text-slate-500">Attempts</dt>
            <dd>
              {job.attempts} of {job.maxAttempts}
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">Target</dt>
            <dd>
              {job.targetType === "Droplet" ? (
                <Link className="link" to={`/droplets/${job.targetId}`}>
                  droplet {job.targetId.slice(0, 8)}
                </Link>
              ) : (
                `${job.targetType} ${job.targetId.slice(0, 8)}`
              )}
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">Worker</dt>
            <dd className="break-all">{job.worker ?? "—"}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Retry at</dt>
            <dd>
              <Time at={job.retryAt} />
            </dd>
          </div>
        </dl>
        {job.error && (
          <div className="rounded-md border border-red-300 bg-red-50 p-2 text-sm text-red-900">
            <span className="font-semibold">Error:</span> {job.error}
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
                <span className="text-xs text-slate-400">
                  <Time at={t.at} />
                </span>
              </div>
              {t.message && <p className="text-slate-600">{t.message}</p>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
