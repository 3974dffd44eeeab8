// One cluster: its details, its droplets (live) and deletion, explaining a refusal.
import { useParams, useNavigate, Link } from "react-router";
import { useMutation, useQuery } from "urql";
import { ClusterQuery, DeleteClusterMutation } from "./operations";
import { ErrorNotice } from "../../components/ErrorNotice";
import { DropletTable } from "../../components/DropletTable";
import { Empty, Loading, PageHeader, StatusBadge, Time } from "../../components/Status";
import { useLiveDroplets } from "../../live/useLiveDroplets";
import { useRefetchOnReconnect } from "../../live/connection";

export function ClusterDetailPage() {
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const [{ data, fetching, error }, refetch] = useQuery({ query: ClusterQuery, variables: { id } });
  useRefetchOnReconnect(() => refetch({ requestPolicy: "network-only" }));
  const [deletion, deleteCluster] = useMutation(DeleteClusterMutation);
  const cluster = data?.cluster;
  const droplets = useLiveDroplets(cluster?.droplets.nodes ?? [], { clusterId: id }, (d) => d.status !== "DESTROYED");

  if (fetching && !data) return <Loading what="cluster" />;
  if (error) return <ErrorNotice error={error} />;
  if (!cluster) return <Empty>No cluster with id {id}.</Empty>;
  const live = droplets.length;

  async function remove() {
    if (!window.confirm(`Delete cluster ${cluster!.name}?`)) return;
    const r = await deleteCluster({ id });
    if (!r.error) navigate("/clusters");
  }

  return (
    <section className="space-y-4">
      <PageHeader title={`Cluster ${cluster.name}`}>
        <Link className="btn-secondary" to={`/audit/Cluster/${cluster.id}`}>
          History
        </Link>
        <button className="btn-danger" onClick={remove} disabled={deletion.fetching || cluster.status === "DELETED"}>
          Delete cluster
        </button>
      </PageHeader>
      <ErrorNotice
        error={deletion.error}
        hints={{
          FAILED_PRECONDITION: `The cluster still has ${live} live droplet${live === 1 ? "" : "s"}; destroy ${live === 1 ? "it" : "them"} first.`,
        }}
      />
      <dl className="card grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
        <div>
          <dt className="text-slate-500">Status</dt>
          <dd>
            <StatusBadge status={cluster.status} />
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">Region</dt>
          <dd>{cluster.region}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Labels</dt>
          <dd>{cluster.labels.map((l) => `${l.key}=${l.value}`).join(", ") || "—"}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Created</dt>
          <dd>
            <Time at={cluster.createdAt} />
          </dd>
        </div>
        <div className="col-span-2 sm:col-span-4">
          <dt className="text-slate-500">Id</dt>
          <dd className="break-all font-mono text-xs">{cluster.id}</dd>
        </div>
      </dl>
      <h2 className="text-lg font-semibold">Droplets</h2>
      {droplets.length === 0 ? (
        <Empty>
          No droplets in this cluster. <Link className="link" to={`/droplets?new=1&cluster=${cluster.id}`}>Create one</Link>.
        </Empty>
      ) : (
        <DropletTable droplets={droplets} showCluster={false} />
      )}
    </section>
  );
}
