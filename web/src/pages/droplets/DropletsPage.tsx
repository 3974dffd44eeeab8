// Droplets: filters (kept in the URL), the live list and the create form.
import { useState } from "react";
import { useQuery } from "urql";
import { ClusterChoicesQuery, DropletsQuery } from "./operations";
import { CreateDropletForm } from "./CreateDropletForm";
import { DropletTable } from "../../components/DropletTable";
import { FilterBar, FilterCheckbox, FilterInput, FilterSelect, useUrlFilters } from "../../components/Filters";
import { PagedList } from "../../components/PagedList";
import { PageHeader } from "../../components/Status";
import { useToast } from "../../components/Toasts";
import { useLiveDroplets } from "../../live/useLiveDroplets";
import { usePagedQuery } from "../../live/usePagedQuery";
import { useRefetchOnReconnect } from "../../live/connection";
import { useCatalog } from "../../graphql/catalog";
import { IfRole } from "../../auth/RoleGate";
import { useAuth } from "../../auth/AuthContext";
import type { DropletFilter, DropletStatus } from "../../gql/graphql";

const STATUSES: DropletStatus[] = ["PROVISIONING", "RUNNING", "FAILED", "STOPPED", "DESTROYING", "DESTROYED"];

export function DropletsPage() {
  const { params, set } = useUrlFilters();
  const filter: DropletFilter = {
    status: (params.get("status") as DropletStatus) || null,
    region: params.get("region") || null,
    clusterId: params.get("cluster") || null,
    name: params.get("name") || null,
  };
  // Destroyed droplets are history: hidden unless asked for (or filtered for).
  const showDestroyed = params.get("destroyed") === "1" || filter.status === "DESTROYED";
  // A command form is not offered to a role that may not send it, whatever the URL says.
  const operator = useAuth().can("OPERATOR");
  const showForm = params.get("new") === "1" && operator;
  const catalog = useCatalog();
  const toast = useToast();
  const [created, setCreated] = useState<string | null>(null);
  const [clusters, refetchClusters] = useQuery({ query: ClusterChoicesQuery });
  useRefetchOnReconnect(() => refetchClusters({ requestPolicy: "network-only" }));
  const list = usePagedQuery(DropletsQuery, { first: 100, filter }, (d) => d.droplets);
  const matching = useLiveDroplets(list.nodes, filter, (d) =>
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
        <IfRole role="OPERATOR" note>
          <button className="btn-primary" onClick={() => set({ new: showForm ? "" : "1" })} aria-expanded={showForm}>
            {showForm ? "Close form" : "New droplet"}
          </button>
        </IfRole>
      </PageHeader>
      {showForm && (
        <div className="mb-4">
          <CreateDropletForm
            initialClusterId={params.get("cluster") ?? ""}
            onCreated={(d) => {
              setCreated(d.id);
              toast(`Droplet ${d.name} created; provisioning started`);
              set({ new: "" });
              list.reload();
            }}
          />
        </div>
      )}
      <FilterBar className="grid-cols-2 sm:grid-cols-4">
        <FilterSelect id="f-status" label="Status" value={filter.status ?? ""} onChoose={(v) => set({ status: v })} choices={STATUSES} />
        <FilterSelect
          id="f-region"
          label="Region"
          value={filter.region ?? ""}
          onChoose={(v) => set({ region: v })}
          choices={(catalog.catalog?.regions ?? []).map((r) => ({ value: r.slug, label: r.name }))}
        />
        <FilterSelect
          id="f-cluster"
          label="Cluster"
          value={String(filter.clusterId ?? "")}
          onChoose={(v) => set({ cluster: v })}
          choices={(clusters.data?.clusters.nodes ?? []).map((c) => ({ value: c.id, label: c.name }))}
        />
        <FilterInput id="f-name" label="Name contains" value={filter.name ?? ""} onText={(v) => set({ name: v })} />
      </FilterBar>
      <FilterCheckbox
        label="Show destroyed droplets"
        checked={showDestroyed}
        disabled={filter.status === "DESTROYED"}
        onCheck={(on) => set({ destroyed: on ? "1" : "" })}
      />
      <PagedList
        list={list}
        what="droplets"
        count={droplets.length}
        empty={<>No droplets match{hidden ? ` (${hidden} destroyed hidden)` : ""}. Create one with “New droplet”.</>}
      >
        <p className="mb-2 text-xs text-slate-500">
          {droplets.length} shown{hidden ? `, ${hidden} destroyed hidden` : ""}
        </p>
        <DropletTable droplets={droplets} highlight={created} />
      </PagedList>
    </section>
  );
}
