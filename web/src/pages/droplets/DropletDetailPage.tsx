// One droplet: live status and IP, power/resize/destroy, and every job that worked on it.
import { useState } from "react";
import { Link, useParams } from "react-router";
import { useMutation, useQuery } from "urql";
import { CatalogQuery, DropletsLive } from "../../graphql/fragments";
import { DestroyDropletMutation, DropletQuery, PowerDropletMutation, ResizeDropletMutation } from "./operations";
import { ErrorNotice } from "../../components/ErrorNotice";
import { JobTable } from "../../components/JobTable";
import { Empty, Loading, PageHeader, StatusBadge, Time } from "../../components/Status";
import { useEach } from "../../live/useEach";
import { useLiveJobs } from "../../live/useLiveJobs";
import { useRefetchOnReconnect } from "../../live/connection";
import type { DropletFieldsFragment } from "../../gql/graphql";

export function DropletDetailPage() {
  const { id = "" } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery({ query: DropletQuery, variables: { id } });
  useRefetchOnReconnect(() => refetch({ requestPolicy: "network-only" }));
  const [catalog] = useQuery({ query: CatalogQuery });
  const [live, setLive] = useState<DropletFieldsFragment | null>(null);
  const base = data?.droplet;
  // There is no id filter on the subscription; the name narrows it and the id picks ours.
  useEach(
    DropletsLive,
    { filter: { name: base?.name ?? "" } },
    (d) => {
      if (d.droplets.id === id) setLive((prev) => (prev && prev.version > d.droplets.version ? prev : d.droplets));
    },
    !!base,
  );
  const jobs = useLiveJobs(base?.jobs.nodes ?? [], { targetId: id });
  const [power, powerDroplet] = useMutation(PowerDropletMutation);
  const [resize, resizeDroplet] = useMutation(ResizeDropletMutation);
  const [destroy, destroyDroplet] = useMutation(DestroyDropletMutation);
  const [size, setSize] = useState("");

  if (fetching && !data) return <Loading what="droplet" />;
  if (error) return <ErrorNotice error={error} />;
  if (!base) return <Empty>No droplet with id {id}.</Empty>;
  const d = live && live.version >= base.version ? live : base;
  const busy = power.fetching || resize.fetching || destroy.fetching;
  const gone = d.status === "DESTROYED" || d.status === "DESTROYING";

  return (
    <section className="space-y-4">
      <PageHeader title={`Droplet ${d.name}`}>
        <Link className="btn-secondary" to={`/audit/Droplet/${d.id}`}>
          History
        </Link>
        {d.status === "STOPPED" ? (
          <button className="btn-secondary" disabled={busy} onClick={() => powerDroplet({ id, on: true })}>
            Power on
          </button>
        ) : (
          <button className="btn-secondary" disabled={busy || d.status !== "RUNNING"} onClick={() => powerDroplet({ id, on: false })}>
            Power off
          </button>
        )}
        <button
          className="btn-danger"
          disabled={busy || gone}
          onClick={() => window.confirm(`Destroy droplet ${d.name}?`) && destroyDroplet({ id })}
        >
          Destroy
        </button>
      </PageHeader>
      <ErrorNotice error={power.error ?? resize.error ?? destroy.error} />
      <dl className="card grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
        <div>
          <dt className="text-slate-500">Status</dt>
          <dd data-testid="droplet-status">
            <StatusBadge status={d.status} />
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">IP</dt>
          <dd className="font-mono" data-testid="droplet-ip">{d.ip ?? "—"}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Region</dt>
          <dd>{d.region}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Cluster</dt>
          <dd>
            {d.cluster ? (
              <Link className="link" to={`/clusters/${d.cluster.id}`}>
                {d.cluster.name}
              </Link>
            ) : (
              "—"
            )}
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">Size</dt>
          <dd>{d.size}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Image</dt>
          <dd>{d.image}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Created</dt>
          <dd>
            <Time at={d.createdAt} />
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">Version</dt>
          <dd>{d.version}</dd>
        </div>
      </dl>
      <form
        className="card flex flex-wrap items-end gap-3"
        aria-label="Resize droplet"
        onSubmit={(e) => {
          e.preventDefault();
          if (size) resizeDroplet({ id, size });
        }}
      >
        <div className="min-w-56 flex-1 sm:flex-none">
          <label className="label" htmlFor="resize-size">
            Resize to
          </label>
          <select id="resize-size" className="input" value={size} onChange={(e) => setSize(e.target.value)}>
            <option value="">Choose a size…</option>
            {catalog.data?.catalog.sizes
              .filter((s) => s.slug !== d.size)
              .map((s) => (
                <option key={s.slug} value={s.slug}>
                  {s.slug} — {s.vcpus} vCPU, {s.memoryMb / 1024} GB
                </option>
              ))}
          </select>
        </div>
        <button type="submit" className="btn-secondary" disabled={busy || !size || gone}>
          Resize
        </button>
      </form>
      <h2 className="text-lg font-semibold">Jobs</h2>
      {jobs.length === 0 ? <Empty>No jobs yet.</Empty> : <JobTable jobs={[...jobs].reverse()} showTarget={false} />}
    </section>
  );
}
