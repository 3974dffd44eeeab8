// Sample API objects, typed by the generated fragment types.
import type {
  ClusterFieldsFragment,
  DropletFieldsFragment,
  EventFieldsFragment,
  HealthCheckDetailFragment,
  HealthCheckFieldsFragment,
  HealthCheckResultFieldsFragment,
  HealthCheckRowFragment,
  JobFieldsFragment,
  LogRecordFieldsFragment,
  UptimeFieldsFragment,
} from "../gql/graphql";
import { makeSubject, type Source } from "wonka";
import type { ExecutionResult } from "graphql";

export const catalog = {
  catalog: {
    __typename: "Catalog",
    regions: [
      { __typename: "CatalogRegion", slug: "nyc1", name: "New York 1" },
      { __typename: "CatalogRegion", slug: "fra1", name: "Frankfurt 1" },
    ],
    sizes: [
      { __typename: "CatalogSize", slug: "s-1vcpu-1gb", vcpus: 1, memoryMb: 1024, diskGb: 25, priceMonthly: 6 },
      { __typename: "CatalogSize", slug: "s-2vcpu-4gb", vcpus: 2, memoryMb: 4096, diskGb: 80, priceMonthly: 24 },
    ],
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

export function healthCheck(overrides: Partial<HealthCheckFieldsFragment> = {}): HealthCheckFieldsFragment {
  return {
    id: "check-1",
    name: "api",
    kind: "HTTP",
    target: "http://127.0.0.1:8080/health",
    intervalSeconds: 5,
    timeoutMs: 1000,
    conditions: ["[STATUS] == 200", "[RESPONSE_TIME] < 500"],
    failureThreshold: 2,
    successThreshold: 2,
    enabled: true,
    clusterId: null,
    dropletId: null,
    state: "HEALTHY",
    status: "ACTIVE",
    version: 2,
    createdAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-01T00:00:00Z",
    ...overrides,
  };
}

/** A run `second` seconds after 10:00 on 1 Jan 2026: passed, or failed with a 503. */
export function run(second: number, success = true): HealthCheckResultFieldsFragment {
  return {
    at: `2026-01-01T10:00:${String(second).padStart(2, "0")}Z`,
    success,
    durationMs: success ? 3.5 : 12,
    status: success ? 200 : 503,
    error: null,
    conditionResults: [
      { condition: "[STATUS] == 200", success, actual: success ? "200" : "503" },
      { condition: "[RESPONSE_TIME] < 500", success: true, actual: success ? "3.5" : "12" },
    ],
  };
}

export function uptime(window: string, runs: number, successes: number): UptimeFieldsFragment {
  return { window, runs, successes, ratio: runs ? successes / runs : null };
}

/** A list row: the check with its runs (newest first) and its day's uptime. */
export function healthCheckRow(overrides: Partial<HealthCheckFieldsFragment> = {}, runs: HealthCheckResultFieldsFragment[] = []): HealthCheckRowFragment {
  return { ...healthCheck(overrides), results: { nodes: runs }, uptime: uptime("24h", runs.length, runs.filter((r) => r.success).length) };
}

/** A detail page's check. */
export function healthCheckDetail(overrides: Partial<HealthCheckFieldsFragment> = {}, runs: HealthCheckResultFieldsFragment[] = []): HealthCheckDetailFragment {
  const passed = runs.filter((r) => r.success).length;
  return {
    ...healthCheck(overrides),
    results: { totalCount: runs.length, nodes: runs },
    hour: uptime("1h", runs.length, passed),
    day: uptime("24h", runs.length, passed),
    week: uptime("7d", runs.length, passed),
  };
}

export function event(position: number, overrides: Partial<EventFieldsFragment> = {}): EventFieldsFragment {
  return {
    position,
    cursor: `c${position}`,
    type: "ClusterCreated",
    version: "1",
    eventId: `e${position}`,
    aggregateType: "Cluster",
    aggregateId: `cluster-${position}`,
    sequence: 1,
    recordedAt: "2026-01-01T00:00:00Z",
    actor: "anonymous",
    correlationId: "x",
    causationId: "x",
    payload: { name: `c${position}`, region: "fra1" },
    metadata: {},
    ...overrides,
  };
}

/** An events connection page. */
export function eventPage(nodes: EventFieldsFragment[], info: { hasPreviousPage?: boolean; hasNextPage?: boolean; totalCount?: number } = {}) {
  return {
    data: {
      events: {
        __typename: "EventConnection",
        totalCount: info.totalCount ?? nodes.length,
        pageInfo: {
          __typename: "PageInfo",
          hasNextPage: info.hasNextPage ?? false,
          hasPreviousPage: info.hasPreviousPage ?? false,
          startCursor: nodes[0]?.cursor ?? null,
          endCursor: nodes[nodes.length - 1]?.cursor ?? null,
        },
        nodes,
      },
    },
  };
}

/** Log record `id`, written `id` seconds after 10:00 on 1 Jan 2026 by the API. */
export function logRecord(id: number, overrides: Partial<LogRecordFieldsFragment> = {}): LogRecordFieldsFragment {
  return {
    id: String(id),
    cursor: `l${id}`,
    at: new Date(Date.UTC(2026, 0, 1, 10, 0, id)).toISOString(),
    level: "INFO",
    service: "api",
    instance: "host-1:4242",
    target: "query::http",
    message: `line ${id}`,
    fields: {},
    resourceIds: [],
    correlationId: null,
    traceId: null,
    ...overrides,
  };
}

/** A `logs` page (records newest first, as the API answers). */
export function logPage(nodes: LogRecordFieldsFragment[], hasNextPage = false) {
  return {
    data: {
      logs: {
        __typename: "LogConnection",
        pageInfo: { __typename: "PageInfo", hasNextPage, endCursor: nodes[nodes.length - 1]?.cursor ?? null },
        nodes,
      },
    },
  };
}

/** A `logTail` message with `record`. */
export function logTailMessage(record: LogRecordFieldsFragment, dropped = 0) {
  return { data: { logTail: { __typename: "LogTailMessage", cursor: record.cursor, dropped, record } } };
}

/** A response the test releases when it chooses (to answer requests out of order). */
export function deferred(): { source: Source<ExecutionResult>; resolve: (r: ExecutionResult) => void } {
  const subject = makeSubject<ExecutionResult>();
  return {
    source: subject.source,
    resolve: (r) => {
      subject.next(r);
      subject.complete();
    },
  };
}
