// One cluster: its details, its droplets (live), adding one, its scaling policies, and deletion — refused up front,
// naming the droplets in the way, while it still has live droplets.
import { useState } from "react";
import { useParams, useNavigate, Link } from "react-router";
import { useMutation, useQuery } from "urql";
import { ClusterQuery, DeleteClusterMutation } from "./operations";
import { ErrorNotice } from "../../components/ErrorNotice";
import { DropletTable } from "../../components/DropletTable";
import { Facts } from "../../components/Facts";
import { DetailPage } from "../../components/DetailPage";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { useToast } from "../../components/Toasts";
import { Empty, Loading, StatusBadge, Time } from "../../components/Status";
import { useLiveDroplets } from "../../live/useLiveDroplets";
import { useRefetchOnReconnect } from "../../live/connection";
import { useCatalog } from "../../graphql/catalog";
import { IfRole } from "../../auth/RoleGate";
import { ClusterMetrics } from "../telemetry/MetricsPanel";
import { DiagnoseButton } from "../diagnoses/DiagnoseButton";
import { RecentDiagnoses } from "../diagnoses/RecentDiagnoses";
import { ScalingPolicies } from "../scaling/ScalingPolicies";

export function ClusterDetailPage() {
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const toast = useToast();
  const catalog = useCatalog();
  const [{ data, fetching, error }, refetch] = useQuery({ query: ClusterQuery, variables: { id } });
  const [deletion, deleteCluster] = useMutation(DeleteClusterMutation);
  const [deleteError, setDeleteError] = useState<typeof deletion.error>(undefined);
  const [confirming, setConfirming] = useState(false);
  useRefetchOnReconnect(() => {
    setDeleteError(undefined);
    refetch({ requestPolicy: "network-only" });
  });
  const cluster = data?.cluster;
  const droplets = useLiveDroplets(cluster?.droplets.nodes ?? [], { clusterId: id }, (d) => d.status !== "DESTROYED");

  if (fetching && !data) return <Loading what="cluster" />;
  if (error && !data) return <ErrorNotice error={error} />;
  if (!cluster) return <Empty>No cluster with id {id}.</Empty>;
  const live = droplets.length;
  const deleted = cluster.status === "DELETED";
  const blockedBy = live > 0 ? `It still has ${live} live droplet${live === 1 ? "" : "s"}; destroy ${live === 1 ? "it" : "them"} first.` : null;

  async function remove() {
    setConfirming(false);
    const r = await deleteCluster({ id });
    setDeleteError(r.error);
    if (!r.error) {
      toast(`Cluster ${cluster!.name} deleted`);
      navigate("/clusters");
    }
  }

  const actions = (
    <IfRole role="OPERATOR" note>
      <DiagnoseButton targetType="CLUSTER" targetId={cluster.id} name={cluster.name} disabledReason={deleted ? "The cluster is deleted." : null} />
      {!deleted && (
        <Link className="btn-primary" to={`/droplets?new=1&cluster=${cluster.id}`}>
          Add droplet
        </Link>
      )}
      {!deleted && (
        <button
          className="btn-danger"
          onClick={() => setConfirming(true)}
          disabled={deletion.fetching || !!blockedBy}
          title={blockedBy ? `Cannot delete: ${blockedBy}` : undefined}
        >
          Delete cluster
        </button>
      )}
    </IfRole>
  );

  return (
    <DetailPage title={`Cluster ${cluster.name}`} of={{ type: "Cluster", id: cluster.id }} actions={actions}>
      {blockedBy && (
        <div className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="delete-blocked">
          <p>
            <span className="font-semibold">This cluster cannot be deleted yet.</span> {blockedBy}
          </p>
          <p className="mt-1">
            In the way:{" "}
            {droplets.map((d, i) => (
              <span key={d.id}>
                {i > 0 && ", "}
                <Link className="link" to={`/droplets/${d.id}`}>
                  {d.name}
                </Link>
              </span>
            ))}
          </p>
        </div>
      )}
      <ErrorNotice
        error={deleteError}
        hints={{ FAILED_PRECONDITION: "The cluster has live droplets (one may have been added meanwhile); destroy them first." }}
      />
      <Facts
        facts={[
          { label: "Status", value: <StatusBadge status={cluster.status} /> },
          { label: "Region", value: catalog.regionName(cluster.region) },
          { label: "Labels", value: cluster.labels.map((l) => `${l.key}=${l.value}`).join(", ") || "—" },
          { label: "Created", value: <Time at={cluster.createdAt} /> },
          { label: "Id", value: cluster.id, valueClassName: "break-all font-mono text-xs", wide: true },
        ]}
      />
      <ClusterMetrics id={cluster.id} name={cluster.name} />
      <h2 className="text-lg font-semibold">Droplets</h2>
      {droplets.length === 0 ? (
        <Empty>
          No droplets in this cluster.{" "}
          {!deleted && (
            <IfRole role="OPERATOR">
              <Link className="link" to={`/droplets?new=1&cluster=${cluster.id}`}>
                Add one
              </Link>
            </IfRole>
          )}
        </Empty>
      ) : (
        <DropletTable droplets={droplets} showCluster={false} />
      )}
      <ScalingPolicies clusterId={cluster.id} deleted={deleted} />
      <RecentDiagnoses targetId={cluster.id} />
      {confirming && (
        <ConfirmDialog title={`Delete cluster ${cluster.name}?`} confirmLabel="Delete cluster" danger onClose={() => setConfirming(false)} onConfirm={remove}>
          <p>
            The cluster has no live droplets. Deleting it cannot be undone; its history stays in the audit log.
          </p>
        </ConfirmDialog>
      )}
    </DetailPage>
  );
}
