// One diagnosis: what was asked (target, checks, question), its DIAGNOSE job's live progress
// while it runs — with the model's streamed text, when a model is configured, in a panel of
// its own — and once COMPLETED the report: how it was made, the findings worst first with
// their evidence linked and their recommendations (applied from here), and each check's
// result. A FAILED diagnosis shows why.
import { useEffect, useMemo, useRef, useState } from "react";
import { Link, useLocation, useParams } from "react-router";
import { useQuery } from "urql";
import { DiagnosisEvidenceQuery, DiagnosisQuery } from "./operations";
import { indexSnapshot, EMPTY_INDEX } from "./evidence";
import { withUpdate } from "./stream";
import { CheckResults, FindingCard, ReportHeader, checkName, worstFirst } from "./Report";
import { ApplyControl } from "./ApplyControl";
import { DiagnoseButton } from "./DiagnoseButton";
import { JobProgressSubscription } from "../jobs/operations";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Facts } from "../../components/Facts";
import { DetailPage } from "../../components/DetailPage";
import { Empty, Loading, ProgressBar, StatusBadge, Time } from "../../components/Status";
import { useEach } from "../../live/useEach";
import { useRefetchOnReconnect } from "../../live/connection";
import { ObjectLink, useEntityName } from "../../graphql/names";
import { humanizeTimes } from "../../format/time";
import type { JobDetailFieldsFragment } from "../../gql/graphql";

const DONE = ["COMPLETED", "FAILED"];
const JOB_DONE = ["COMPLETED", "FAILED", "CANCELLED"];

export function DiagnosisPage() {
  const { id = "" } = useParams();
  const location = useLocation();
  const minPosition = (location.state as { minPosition?: number | null } | null)?.minPosition ?? null;
  const [{ data, fetching, error }, refetch] = useQuery({ query: DiagnosisQuery, variables: { id, minPosition } });
  const diagnosis = data?.diagnosis;
  const [job, setJob] = useState<JobDetailFieldsFragment | null>(null);
  // The model's text so far, rebuilt from the tails the job's progress messages carry.
  const [text, setText] = useState("");
  const [generation, setGeneration] = useState(0);
  const reload = () => refetch({ requestPolicy: "network-only" });
  useRefetchOnReconnect(() => {
    reload();
    setGeneration((g) => g + 1);
  });
  const running = !!diagnosis && !DONE.includes(diagnosis.status);
  useEach(
    JobProgressSubscription,
    { jobId: diagnosis?.jobId ?? "" },
    (d) => {
      const update = d.jobProgress;
      setJob((prev) => (prev && prev.version > update.version ? prev : update));
      setText((prev) => withUpdate(prev, { ...update, message: update.message ?? "" }));
    },
    running,
    generation,
  );
  // The job ended: the diagnosis has its report (or its error) once the projector has it.
  const jobDone = !!job && JOB_DONE.includes(job.status);
  const reloadRef = useRef(reload);
  reloadRef.current = reload;
  useEffect(() => {
    if (!running || !jobDone) return;
    reloadRef.current();
    const timer = setInterval(() => reloadRef.current(), 1000);
    return () => clearInterval(timer);
  }, [running, jobDone]);

  const report = diagnosis?.report;
  // The snapshot names what the references leave out (an event's object, a log line's time)
  // and the droplets the findings are about.
  const [evidence] = useQuery({ query: DiagnosisEvidenceQuery, variables: { id }, pause: !report?.findings.length });
  const index = useMemo(() => {
    const collected = evidence.data?.history.events.find((e) => e.type === "DiagnosisEvidenceCollected");
    return collected ? indexSnapshot(collected.payload) : EMPTY_INDEX;
  }, [evidence.data]);
  const targetName = useEntityName(diagnosis?.targetId);

  if (fetching && !data) return <Loading what="diagnosis" />;
  if (error && !data) return <ErrorNotice error={error} />;
  if (!diagnosis) return <Empty>No diagnosis with id {id}.</Empty>;
  const d = diagnosis;
  const targetType = d.targetType === "CLUSTER" ? "Cluster" : "Droplet";
  const what = d.targetType.toLowerCase();
  const title = `Diagnosis of ${what} ${targetName ?? d.targetId.slice(0, 8)}`;
  const findings = report ? worstFirst(report.findings) : [];
  // The diagnosis is read again when its job ends; meanwhile the job says it has started.
  const status = running && job?.status === "RUNNING" ? "RUNNING" : d.status;

  const actions = <DiagnoseButton targetType={d.targetType} targetId={d.targetId} name={targetName ?? d.targetId.slice(0, 8)} label="Diagnose again" disabledReason={running ? "This diagnosis is still running." : null} />;

  return (
    <DetailPage title={title} of={{ type: "Diagnosis", id: d.id }} actions={actions}>
      <Facts
        facts={[
          { label: "Status", value: <StatusBadge status={status} />, testId: "diagnosis-status" },
          {
            label: "Target",
            testId: "diagnosis-target",
            value: (
              <>
                {what} <ObjectLink type={targetType} id={d.targetId} known={targetName} />
              </>
            ),
          },
          { label: "Checks", value: d.checks.length ? d.checks.map(checkName).join(", ") : "All", wide: false },
          { label: "Requested", value: <Time at={d.createdAt} /> },
          {
            label: "Question",
            wide: true,
            testId: "diagnosis-question",
            valueClassName: "whitespace-pre-line break-words",
            value: d.question ? d.question : <span className="text-slate-500">None asked</span>,
          },
          {
            label: "Job",
            value: (
              <Link className="link" to={`/jobs/${d.jobId}`}>
                Diagnose job
              </Link>
            ),
          },
          { label: "Evidence digest", value: d.evidenceDigest ? <span title={d.evidenceDigest}>{d.evidenceDigest.slice(0, 12)}…</span> : "—", valueClassName: "font-mono text-xs" },
        ]}
      />

      {running && <Progress job={job} status={status} text={text} />}

      {d.status === "FAILED" && (
        <div role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900" data-testid="diagnosis-error">
          <p className="font-semibold">The diagnosis failed.</p>
          <p className="break-words">{d.error ? humanizeTimes(d.error) : "No reason was recorded."}</p>
          <p className="mt-1">
            <Link className="link" to={`/jobs/${d.jobId}`}>
              Its job
            </Link>{" "}
            has the attempts and their errors.
          </p>
        </div>
      )}

      {report && (
        <>
          <ReportHeader report={report} durationMs={d.durationMs} />
          <section aria-labelledby="findings" className="space-y-2">
            <h2 id="findings" className="text-lg font-semibold">
              Findings
            </h2>
            {evidence.error && <ErrorNotice error={evidence.error} hints={{ FORBIDDEN: "The evidence links to events and log lines need the history, which you may not read." }} />}
            {findings.length === 0 ? (
              <Empty>No problems found in the checks that ran.</Empty>
            ) : (
              <ol className="space-y-3" aria-label="Findings">
                {findings.map((f) => (
                  <FindingCard key={f.id} finding={f} index={index} control={f.recommendation?.action ? <ApplyControl diagnosis={d} finding={f} index={index} /> : null} />
                ))}
              </ol>
            )}
          </section>
          <section aria-labelledby="checks" className="space-y-2">
            <h2 id="checks" className="text-lg font-semibold">
              Checks
            </h2>
            <CheckResults checks={report.checks} />
          </section>
        </>
      )}
    </DetailPage>
  );
}

/** A running diagnosis: its job's progress bar and stage, and the model's text so far. */
function Progress({ job, status, text }: { job: JobDetailFieldsFragment | null; status: string; text: string }) {
  const panel = useRef<HTMLPreElement>(null);
  // Follow the text as it grows, unless the reader scrolled up.
  useEffect(() => {
    const el = panel.current;
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < 40) el.scrollTop = el.scrollHeight;
  }, [text]);
  const message = job?.stage === "explain" && text ? "the model is writing" : job?.message;
  return (
    <div className="card space-y-3" data-testid="diagnosis-progress">
      <div className="flex flex-wrap items-center gap-3">
        <StatusBadge status={job?.status ?? status} />
        <span className="text-sm text-slate-600" data-testid="progress-message">
          {job ? (
            <>
              {job.stage || "waiting for a worker"}
              {message ? `: ${humanizeTimes(message)}` : ""}
            </>
          ) : (
            "Connecting to the job…"
          )}
        </span>
      </div>
      <ProgressBar value={job?.progress ?? 0} status={job?.status ?? status} label="diagnosis progress" />
      {text && (
        <div>
          <h3 className="text-sm font-semibold">The model's answer so far</h3>
          <pre ref={panel} data-testid="streamed-text" aria-live="polite" className="mt-1 max-h-72 overflow-auto whitespace-pre-wrap break-words rounded bg-code p-3 font-mono text-xs text-code-text">
            {text}
          </pre>
        </div>
      )}
    </div>
  );
}
