// One droplet: live status and IP, what is running on it, power/resize/destroy with
// confirmations that fit the risk, and every job that worked on it.
import { useState } from "react";
import { Link, useParams } from "react-router";
import { useMutation, useQuery } from "urql";
import { DropletsLive } from "../../graphql/fragments";
import { DestroyDropletMutation, DropletQuery, PowerDropletMutation, ResizeDropletMutation } from "./operations";
import { ErrorNotice } from "../../components/ErrorNotice";
import { JobTable } from "../../components/JobTable";
import { Facts } from "../../components/Facts";
import { DetailPage } from "../../components/DetailPage";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { useToast } from "../../components/Toasts";
import { Empty, Loading, StatusBadge, Time } from "../../components/Status";
import { useEach } from "../../live/useEach";
import { useLiveJobs } from "../../live/useLiveJobs";
import { useRefetchOnReconnect } from "../../live/connection";
import { price, useCatalog } from "../../graphql/catalog";
import { failureReason, useOperation } from "./operation";
import type { DropletFieldsFragment } from "../../gql/graphql";
import { IfRole } from "../../auth/RoleGate";
import { useAuth } from "../../auth/AuthContext";
import { DropletMetrics } from "../telemetry/MetricsPanel";
import { DiagnoseButton } from "../diagnoses/DiagnoseButton";
import { RecentDiagnoses } from "../diagnoses/RecentDiagnoses";

type Dialog = null | "power-off" | "resize" | "destroy";

const newest = (xs: (DropletFieldsFragment | null | undefined)[]) =>
  xs.reduce<DropletFieldsFragment | null>((a, x) => (x && (!a || x.version > a.version) ? x : a), null);

export function DropletDetailPage() {
  const { id = "" } = useParams();
  const operator = useAuth().can("OPERATOR");
  const [{ data, fetching, error }, refetch] = useQuery({ query: DropletQuery, variables: { id } });
  const [power, powerDroplet] = useMutation(PowerDropletMutation);
  const [resize, resizeDroplet] = useMutation(ResizeDropletMutation);
  const [destroy, destroyDroplet] = useMutation(DestroyDropletMutation);
  const [actionError, setActionError] = useState<typeof power.error>(undefined);
  useRefetchOnReconnect(() => {
    setActionError(undefined);
    refetch({ requestPolicy: "network-only" });
  });
  const catalog = useCatalog();
  const toast = useToast();
  const [live, setLive] = useState<DropletFieldsFragment | null>(null);
  const base = data?.droplet;
  // There is no id filter on the subscription; the name narrows it and the id picks ours.
  useEach(
    DropletsLive,
    { filter: { name: base?.name ?? "" } },
    (x) => {
      if (x.droplets.id === id) setLive((prev) => (prev && prev.version > x.droplets.version ? prev : x.droplets));
    },
    !!base,
  );
  const jobs = useLiveJobs(base?.jobs.nodes ?? [], { targetId: id });
  const [size, setSize] = useState("");
  const [dialog, setDialog] = useState<Dialog>(null);

  const latest = newest([base, live, power.data?.powerDroplet.droplet, resize.data?.resizeDroplet.droplet, destroy.data?.destroyDroplet.droplet]);
  // The droplet's latest job, as current as the jobs subscription has it.
  const liveJob = latest?.job && jobs.find((j) => j.id === latest.job!.id);
  const d = latest && liveJob && latest.job && liveJob.version > latest.job.version ? { ...latest, job: liveJob } : latest;
  const operation = useOperation(d, catalog.sizeName);

  if (fetching && !data) return <Loading what="droplet" />;
  if (error && !data) return <ErrorNotice error={error} />;
  if (!d) return <Empty>No droplet with id {id}.</Empty>;

  const sending = power.fetching || resize.fetching || destroy.fetching;
  const gone = d.status === "DESTROYED" || d.status === "DESTROYING";
  // Why an action is unavailable right now (null: available).
  const busy = operation ? `${operation.label.replace(/…$/, "")} is in progress; wait until it finishes.` : null;
  const blocked = (allowed: boolean, because: string) => (sending ? "Sending…" : busy ?? (allowed ? null : because));
  const stopped = d.status === "STOPPED";
  const powerReason = blocked(d.status === "RUNNING" || stopped, `The droplet is ${d.status}.`);
  const resizeReason = blocked(d.status === "RUNNING" || stopped, `The droplet is ${d.status}.`);
  const destroyReason = blocked(!gone && d.status !== "PROVISIONING", `The droplet is ${d.status}.`);
  const reason = failureReason(d);
  const sizes = (catalog.catalog?.sizes ?? []).filter((s) => s.slug !== d.size);
  const chosen = sizes.find((s) => s.slug === size);
  const run = async (r: Promise<{ error?: typeof power.error }>, done: string) => {
    setDialog(null);
    const result = await r;
    setActionError(result.error);
    if (!result.error) toast(done);
  };

  const actions = (
    <IfRole role="OPERATOR" note>
      <DiagnoseButton targetType="DROPLET" targetId={d.id} name={d.name} disabledReason={d.status === "DESTROYED" ? "The droplet is destroyed." : null} />
      {!gone &&
        (stopped ? (
          <button className="btn-secondary" disabled={!!powerReason} title={powerReason ?? undefined} onClick={() => run(powerDroplet({ id, on: true }), `Powering on ${d.name}`)}>
            Power on
          </button>
        ) : (
          <button className="btn-secondary" disabled={!!powerReason} title={powerReason ?? undefined} onClick={() => setDialog("power-off")}>
            Power off
          </button>
        ))}
      {d.status !== "DESTROYED" && (
        <button className="btn-danger" disabled={!!destroyReason} title={destroyReason ?? undefined} onClick={() => setDialog("destroy")}>
          Destroy
        </button>
      )}
    </IfRole>
  );

  return (
    <DetailPage title={`Droplet ${d.name}`} of={{ type: "Droplet", id: d.id }} actions={actions}>
      {operation && (
        <p role="status" data-testid="operation" className="flex flex-wrap items-center gap-2 rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900">
          <span className="h-2 w-2 animate-pulse rounded-full bg-sky-600" aria-hidden="true" />
          <span className="font-semibold">{operation.label}</span>
          <Link className="link" to={`/jobs/${operation.job.id}`}>
            {operation.job.stage || operation.job.status.toLowerCase()} · {operation.job.progress}%
          </Link>
          <span className="text-sky-800">Other actions are unavailable until it finishes.</span>
        </p>
      )}
      {reason && (
        <p data-testid="failure-reason" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900">
          <span className="font-semibold">Why it failed:</span> {reason}{" "}
          {d.job && (
            <Link className="link" to={`/jobs/${d.job.id}`}>
              Open the job
            </Link>
          )}
        </p>
      )}
      <ErrorNotice
        error={actionError}
        hints={{
          FAILED_PRECONDITION: "That is not possible in the droplet's current state; it may have changed meanwhile.",
          CONFLICT: "The droplet changed meanwhile; look at its current state and try again.",
        }}
      />
      <Facts
        facts={[
          { label: "Status", value: <StatusBadge status={d.status} />, testId: "droplet-status" },
          { label: "IP", value: d.ip ?? "—", testId: "droplet-ip", valueClassName: "font-mono" },
          { label: "Region", value: catalog.regionName(d.region) },
          {
            label: "Cluster",
            value: d.cluster ? (
              <Link className="link" to={`/clusters/${d.cluster.id}`}>
                {d.cluster.name}
              </Link>
            ) : (
              "—"
            ),
          },
          {
            label: "Size",
            testId: "droplet-size",
            value: (
              <>
                {catalog.sizeName(d.size)}
                {catalog.size(d.size) && <span className="text-slate-500"> · {price(catalog.size(d.size)!)}</span>}
              </>
            ),
          },
          { label: "Image", value: catalog.imageName(d.image) },
          { label: "Created", value: <Time at={d.createdAt} /> },
          { label: "Updated", value: <Time at={d.updatedAt} /> },
        ]}
      />
      {operator && (powerReason || destroyReason) && !operation && !gone && (
        <p className="text-sm text-slate-600" data-testid="unavailable-reason">
          Some actions are unavailable: {powerReason ?? destroyReason}
        </p>
      )}
      {!gone && operator && (
        <form
          className="card flex flex-wrap items-end gap-3"
          aria-label="Resize droplet"
          onSubmit={(e) => {
            e.preventDefault();
            if (chosen) setDialog("resize");
          }}
        >
          <div className="w-full min-w-0 sm:w-auto sm:min-w-96">
            <label className="label" htmlFor="resize-size">
              Resize to
            </label>
            <select id="resize-size" className="input" value={chosen ? size : ""} onChange={(e) => setSize(e.target.value)} disabled={!!resizeReason}>
              <option value="">Choose a size…</option>
              {sizes.map((s) => (
                <option key={s.slug} value={s.slug}>
                  {catalog.sizeName(s.slug)} — {price(s)}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="btn-secondary" disabled={!chosen || !!resizeReason} title={resizeReason ?? (chosen ? undefined : "Choose a size first.")}>
            Resize
          </button>
          {resizeReason && !operation && <p className="w-full text-xs text-slate-500">{resizeReason}</p>}
        </form>
      )}
      <DropletMetrics id={d.id} name={d.name} />
      <h2 className="text-lg font-semibold">Jobs</h2>
      {jobs.length === 0 ? <Empty>No jobs yet.</Empty> : <JobTable jobs={[...jobs].reverse()} showTarget={false} />}
      <RecentDiagnoses targetId={d.id} />

      {dialog === "power-off" && (
        <ConfirmDialog title={`Power off ${d.name}?`} confirmLabel="Power off" onClose={() => setDialog(null)} onConfirm={() => run(powerDroplet({ id, on: false }), `Powering off ${d.name}`)}>
          <p>The droplet stops; anything running on it is interrupted. You can power it on again later.</p>
        </ConfirmDialog>
      )}
      {dialog === "resize" && chosen && (
        <ConfirmDialog
          title={`Resize ${d.name}?`}
          confirmLabel="Resize"
          onClose={() => setDialog(null)}
          onConfirm={() => {
            const target = chosen.slug;
            setSize("");
            run(resizeDroplet({ id, size: target }), `Resizing ${d.name} to ${catalog.sizeName(target)}`);
          }}
        >
          <p>
            The droplet is powered off, resized and powered on again: <strong>it reboots</strong>.
          </p>
          <p>
            New size: {catalog.sizeName(chosen.slug)}, <strong data-testid="new-price">{price(chosen)}</strong>
            {catalog.size(d.size) && <> (now {price(catalog.size(d.size)!)})</>}.
          </p>
        </ConfirmDialog>
      )}
      {dialog === "destroy" && (
        <ConfirmDialog
          title={`Destroy ${d.name}?`}
          confirmLabel="Destroy droplet"
          danger
          typeToConfirm={d.name}
          onClose={() => setDialog(null)}
          onConfirm={() => run(destroyDroplet({ id }), `Destroying ${d.name}`)}
        >
          <p>
            The droplet and its disk are deleted. <strong>This cannot be undone.</strong>
          </p>
        </ConfirmDialog>
      )}
    </DetailPage>
  );
}
