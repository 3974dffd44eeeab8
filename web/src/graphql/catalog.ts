// The catalog (regions, sizes, images) with lookups from slugs to the names people read,
// refetched after a reconnect so forms opened while offline fill in.
import { useQuery } from "urql";
import { CatalogQuery } from "./fragments";
import { useRefetchOnReconnect } from "../live/connection";
import type { CatalogQuery as CatalogData } from "../gql/graphql";

export type CatalogSize = CatalogData["catalog"]["sizes"][number];

/** "2 vCPU · 4 GB" for a size; memory in GB when it is a whole number. */
export function sizeSummary(s: CatalogSize): string {
  const gb = s.memoryMb / 1024;
  return `${s.vcpus} vCPU · ${Number.isInteger(gb) ? gb : gb.toFixed(1)} GB · ${s.diskGb} GB disk`;
}

/** "$24/mo". */
export function price(s: CatalogSize): string {
  return `$${s.priceMonthly % 1 === 0 ? s.priceMonthly : s.priceMonthly.toFixed(2)}/mo`;
}

export function useCatalog() {
  const [result, refetch] = useQuery({ query: CatalogQuery });
  useRefetchOnReconnect(() => refetch({ requestPolicy: "network-only" }));
  const c = result.data?.catalog;
  const size = (slug: string) => c?.sizes.find((s) => s.slug === slug);
  return {
    catalog: c,
    error: result.error,
    fetching: result.fetching,
    size,
    /** A size as people read it, e.g. "2 vCPU · 4 GB · 80 GB disk"; the slug until the catalog loads. */
    sizeName: (slug: string) => {
      const s = size(slug);
      return s ? sizeSummary(s) : slug;
    },
    imageName: (slug: string) => c?.images.find((i) => i.slug === slug)?.name ?? slug,
    regionName: (slug: string) => {
      const r = c?.regions.find((x) => x.slug === slug);
      return r ? `${r.name} (${r.slug})` : slug;
    },
    /** The catalog as form choices ("Frankfurt 1 (fra1)", "2 vCPU · … — $24/mo", "Debian 12"). */
    regionChoices: (c?.regions ?? []).map((r) => ({ value: r.slug, label: `${r.name} (${r.slug})` })),
    sizeChoices: (c?.sizes ?? []).map((s) => ({ value: s.slug, label: `${sizeSummary(s)} — ${price(s)}` })),
    imageChoices: (c?.images ?? []).map((i) => ({ value: i.slug, label: i.name })),
  };
}
