// Sample API objects, typed by the generated fragment types.
import type { ClusterFieldsFragment, DropletFieldsFragment, JobFieldsFragment } from "../gql/graphql";

export const catalog = {
  catalog: {
    __typename: "Catalog",
    regions: [
      { __typename: "CatalogRegion", slug: "nyc1", name: "New York 1" },
      { __typename: "CatalogRegion", slug: "fra1", name: "Frankfurt 1" },
    ],
    sizes: [{ __typename: "CatalogSize", slug: "s-1vcpu-1gb", vcpus: 1, memoryMb: 1024, diskGb: 25, priceMonthly: 6 }],
    images: [{ __typename: "CatalogImage", slug: "debian-12-x64", name: "Debian 12", distribution: "Debian" }],
  },
};

export function job(overrides: Partial<JobFieldsFragment> = {}): JobFieldsFragment {
  return {
    id: "job-1",
    type: "PROVISION",
    status: "RUNNING",
    progress: 40,
    stage: "booting",
    message: "",
    targetType: "Droplet",
    targetId: "droplet-1",
    attempts: 1,
    maxAttempts: 3,
    error: null,
    retryAt: null,
    version: 5,
    createdAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-01T00:00:01Z",
    ...overrides,
  };
}

export function droplet(overrides: Partial<DropletFieldsFragment> = {}): DropletFieldsFragment {
  return {
    id: "droplet-1",
    name: "web-1",
    clusterId: null,
    cluster: null,
    region: "fra1",
    size: "s-1vcpu-1gb",
    image: "debian-12-x64",
    status: "PROVISIONING",
    ip: null,
    version: 1,
    createdAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-01T00:00:00Z",
    job: job(),
    ...overrides,
  };
}

export function cluster(overrides: Partial<ClusterFieldsFragment> = {}): ClusterFieldsFragment {
  return {
    id: "cluster-1",
    name: "prod",
    region: "fra1",
    labels: [],
    status: "ACTIVE",
    dropletCount: 0,
    version: 1,
    createdAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-01T00:00:00Z",
    ...overrides,
  };
}
