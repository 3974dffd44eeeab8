// Droplets: filters (kept in the URL), the live list and the create form.
import { useCallback, useState } from "react";
import { useSearchParams } from "react-router";
import { useClient, useQuery } from "urql";
import { ClusterChoicesQuery, DropletsQuery } from "./operations";
import { CreateDropletForm } from "./CreateDropletForm";
import { ErrorNotice } from "../../components/ErrorNotice";
import { DropletTable } from "../../components/DropletTable";
import { Empty, Loading, PageHeader } from "../../components/Status";
import { useToast } from "../../components/Toasts";
import { useLiveDroplets } from "../../live/useLiveDroplets";
import { useLoadMore } from "../../live/useLoadMore";
import { LoadMore } from "../../components/LoadMore";
import { useRefetchOnReconnect } from "../../live/connection";
import { useCatalog } from "../../graphql/catalog";
import type { DropletFilter, DropletStatus } from "../../gql/graphql";

const STATUSES: DropletStatus[] = ["PROVISIONING", "RUNNING", "FAILED", "STOPPED", "DESTROYING", "DESTROYED"];

export function DropletsPage() {
  const [params, setParams] = useSearchParams();
  const set = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setParams(next, { replace: true });
  };
  const filter: DropletFilter = {
    status: (params.get("status") as DropletStatus) || null,
    region: params.get("region") || null,
    clusterId: params.get("cluster") || null,
    name: params.get("name") || null,
  };
  // Destroyed droplets are history: hidden unless asked for (or filtered for).
  const showDestroyed = params.get("destroyed") === "1" || filter.status === "DESTROYED";
  const showForm = params.get("new") === "1";
  const catalog = useCatalog();
  const toast = useToast();
  const [created, setCreated] = useState<string | null>(null);
  const [clusters, refetchClusters] = useQuery({ query: ClusterChoicesQuery });
  const [{ data, fetching, error }, refetch] = useQuery({ query: DropletsQuery, variables: { first: 100, filter } });
  const reload = () => refetch({ requestPolicy: "network-only" });
  useRefetchOnReconnect(() => {
    reload();
    refetchClusters({ requestPolicy: "network-only" });
  });
  const client = useClient();
  const filterKey = JSON.stringify(filter);
  const pages = useLoadMore(
    data?.droplets,
    useCallback(
      (after: string) =>
        client.query(DropletsQuery, { first: 100, after, filter: JSON.parse(filterKey) }, { requestPolicy: "network-only" }).toPromise().then((r) => r.data?.droplets),
      [client, filterKey],
    ),
  );
  const matching = useLiveDroplets(pages.nodes, filter, (d) =>
    (!filter.status || d.status === filter.status) &&
    (!filter.region || d.region === filter.region) &&
    (!filter.clusterId || d.clusterId === filter.clusterId) &&
    (!filter.name || d.name.includes(filter.name)),
  );
  const droplets = showDestroyed ? matching : matching.filter((d) => d.status !== "DESTROYED");
  const hidden = matching.length - droplets.length;

  return (
    <section>
      <PageHeader title="Droplets">
        <button className="btn-primary" onClick={() => set({ new: showForm ? "" : "1" })} aria-expanded={showForm}>
          {showForm ? "Close form" : "New droplet"}
        </button>
      </PageHeader>
      {showForm && (
        <div className="mb-4">
          <CreateDropletForm
            initialClusterId={params.get("cluster") ?? ""}
            onCreated={(d) => {
              setCreated(d.id);
              toast(`Droplet ${d.name} created; provisioning started`);
              set({ new: "" });
              reload();
            }}
          />
        </div>
      )}
      <fieldset className="mb-3 grid grid-cols-2 gap-3 sm:grid-cols-4">
        <legend className="sr-only">Filters</legend>
        <div>
          <label className="label" htmlFor="f-status">Status</label>
          <select id="f-status" className="input" value={filter.status ?? ""} onChange={(e) => set({ status: e.target.value })}>
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
        <div>
          <label className="label" htmlFor="f-region">Region</label>
          <select id="f-region" className="input" value={filter.region ?? ""} onChange={(e) => set({ region: e.target.value })}>
            <option value="">Any</option>
            {catalog.catalog?.regions.map((r) => (
              <option key={r.slug} value={r.slug}>{r.name}</option>
            ))}
          </select>
        </div>
        <div>
          <label className="label" htmlFor="f-cluster">Cluster</label>
          <select id="f-cluster" className="input" value={filter.clusterId ?? ""} onChange={(e) => set({ cluster: e.target.value })}>
            <option value="">Any</option>
            {clusters.data?.clusters.nodes.map((c) => (
              <option key={c.id} value={c.id}>{c.name}</option>
            ))}
          </select>
        </div>
        <div>
          <label className="label" htmlFor="f-name">Name contains</label>
          <input id="f-name" className="input" value={filter.name ?? ""} onChange={(e) => set({ name: e.target.value })} />
        </div>
      </fieldset>
      <label className="mb-3 flex items-center gap-2 text-sm">
        <input type="checkbox" checked={showDestroyed} disabled={filter.status === "DESTROYED"} onChange={(e) => set({ destroyed: e.target.checked ? "1" : "" })} />
        Show destroyed droplets
      </label>
      <ErrorNotice error={error} />
      {fetching && !data ? (
        <Loading what="droplets" />
      ) : !data ? null : droplets.length === 0 ? (
        <Empty>
          No droplets match{hidden ? ` (${hidden} destroyed hidden)` : ""}. Create one with “New droplet”.
        </Empty>
      ) : (
        <>
          <p className="mb-2 text-xs text-slate-500">
            {droplets.length} shown{hidden ? `, ${hidden} destroyed hidden` : ""}
          </p>
          <DropletTable droplets={droplets} highlight={created} />
        </>
      )}
      <LoadMore hasMore={pages.hasMore} loading={pages.loading} onClick={pages.loadMore} shown={pages.nodes.length} total={data?.droplets.totalCount} />
    </section>
  );
}
