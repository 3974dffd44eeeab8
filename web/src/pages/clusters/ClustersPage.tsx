// Clusters: the list, filtered by name, and the create form.
import { useCallback, useState } from "react";
import { Link } from "react-router";
import { useClient, useQuery } from "urql";
import { ClustersQuery } from "./operations";
import { CreateClusterForm } from "./CreateClusterForm";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Empty, Loading, PageHeader, StatusBadge, Time } from "../../components/Status";
import { useToast } from "../../components/Toasts";
import { useRefetchOnReconnect } from "../../live/connection";
import { useLoadMore } from "../../live/useLoadMore";
import { LoadMore } from "../../components/LoadMore";

export function ClustersPage() {
  const [name, setName] = useState("");
  const [showForm, setShowForm] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const toast = useToast();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: ClustersQuery,
    variables: { first: 100, filter: name ? { name } : null },
  });
  const reload = () => refetch({ requestPolicy: "network-only" });
  useRefetchOnReconnect(reload);
  const client = useClient();
  const pages = useLoadMore(
    data?.clusters,
    useCallback(
      (after: string) =>
        client.query(ClustersQuery, { first: 100, after, filter: name ? { name } : null }, { requestPolicy: "network-only" }).toPromise().then((r) => r.data?.clusters),
      [client, name],
    ),
  );
  const clusters = pages.nodes;

  return (
    <section>
      <PageHeader title="Clusters">
        <button className="btn-primary" onClick={() => setShowForm((s) => !s)} aria-expanded={showForm}>
          {showForm ? "Close form" : "New cluster"}
        </button>
      </PageHeader>
      {showForm && (
        <div className="mb-4">
          <CreateClusterForm
            onCreated={(c) => {
              setCreated(c.id);
              setShowForm(false);
              toast(`Cluster ${c.name} created`);
              reload();
            }}
          />
        </div>
      )}
      <div className="mb-3 max-w-xs">
        <label className="label" htmlFor="cluster-name-filter">
          Filter by name
        </label>
        <input id="cluster-name-filter" className="input" value={name} onChange={(e) => setName(e.target.value)} />
      </div>
      <ErrorNotice error={error} />
      {fetching && !data ? (
        <Loading what="clusters" />
      ) : !data ? null : clusters.length === 0 ? (
        <Empty>No clusters{name ? " match" : " yet"}. Create one with “New cluster”.</Empty>
      ) : (
        <div className="card overflow-x-auto p-0">
          <table className="w-full">
            <caption className="sr-only">{data?.clusters.totalCount} clusters</caption>
            <thead className="border-b border-slate-200">
              <tr>
                <th className="th">Name</th>
                <th className="th">Region</th>
                <th className="th">Status</th>
                <th className="th">Droplets</th>
                <th className="th hidden sm:table-cell">Labels</th>
                <th className="th hidden md:table-cell">Created</th>
              </tr>
            </thead>
            <tbody>
              {clusters.map((c) => (
                <tr key={c.id} className={`border-b border-slate-100 last:border-0 ${c.id === created ? "bg-sky-50" : ""}`} data-testid={`cluster-row-${c.name}`} data-highlight={c.id === created || undefined}>
                  <td className="td">
                    <Link className="link font-medium" to={`/clusters/${c.id}`}>
                      {c.name}
                    </Link>
                  </td>
                  <td className="td">{c.region}</td>
                  <td className="td">
                    <StatusBadge status={c.status} />
                  </td>
                  <td className="td tabular-nums">{c.dropletCount}</td>
                  <td className="td hidden sm:table-cell">
                    {c.labels.map((l) => `${l.key}=${l.value}`).join(", ") || "—"}
                  </td>
                  <td className="td hidden md:table-cell">
                    <Time at={c.createdAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore hasMore={pages.hasMore} loading={pages.loading} onClick={pages.loadMore} shown={clusters.length} total={data?.clusters.totalCount} />
    </section>
  );
}
