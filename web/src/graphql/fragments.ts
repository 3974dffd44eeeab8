// Fields every page reads, shared so live updates and queries have the same shape.
import { graphql } from "../gql";

/** Where a forward-paginated list goes on. */
export const NextPage = graphql(`
  fragment NextPage on PageInfo { hasNextPage endCursor }
`);

/** What loading older pages of a list read from its newest end needs. */
export const PreviousPage = graphql(`
  fragment PreviousPage on PageInfo { hasPreviousPage startCursor }
`);

export const JobFields = graphql(`
  fragment JobFields on Job {
    id
    type
    status
    progress
    stage
    message
    targetType
    targetId
    attempts
    maxAttempts
    error
    retryAt
    version
    createdAt
    updatedAt
  }
`);

export const DropletFields = graphql(`
  fragment DropletFields on Droplet {
    id
    name
    clusterId
    cluster {
      id
      name
    }
    region
    size
    image
    status
    ip
    version
    createdAt
    updatedAt
    job {
      ...JobFields
    }
  }
`);

export const ClusterFields = graphql(`
  fragment ClusterFields on Cluster {
    id
    name
    region
    labels {
      key
      value
    }
    status
    dropletCount
    version
    createdAt
    updatedAt
  }
`);

export const HealthCheckFields = graphql(`
  fragment HealthCheckFields on HealthCheck {
    id
    name
    kind
    target
    intervalSeconds
    timeoutMs
    conditions
    failureThreshold
    successThreshold
    enabled
    clusterId
    dropletId
    state
    status
    version
    createdAt
    updatedAt
  }
`);

/** One run of a check: when, whether every condition held, and what each one saw. */
export const HealthCheckResultFields = graphql(`
  fragment HealthCheckResultFields on HealthCheckResult {
    at
    success
    durationMs
    status
    error
    conditionResults {
      condition
      success
      actual
    }
  }
`);

export const UptimeFields = graphql(`
  fragment UptimeFields on Uptime { window runs successes ratio }
`);

export const EventFields = graphql(`
  fragment EventFields on Event {
    position
    cursor
    type
    version
    eventId
    aggregateType
    aggregateId
    sequence
    recordedAt
    actor
    correlationId
    causationId
    payload
    metadata
  }
`);

export const CatalogQuery = graphql(`
  query Catalog {
    catalog {
      regions {
        slug
        name
      }
      sizes {
        slug
        vcpus
        memoryMb
        diskGb
        priceMonthly
      }
      images {
        slug
        name
        distribution
      }
    }
  }
`);

export const EventTail = graphql(`
  subscription EventTail($after: String, $filter: EventFilter) {
    events(after: $after, filter: $filter) {
      ...EventFields
    }
  }
`);

export const JobsLive = graphql(`
  subscription JobsLive($filter: JobFilter) {
    jobs(filter: $filter) {
      ...JobFields
    }
  }
`);

export const DropletsLive = graphql(`
  subscription DropletsLive($filter: DropletFilter) {
    droplets(filter: $filter) {
      ...DropletFields
    }
  }
`);

export const HealthCheckResultsLive = graphql(`
  subscription HealthCheckResultsLive($id: ID!) {
    healthCheckResults(id: $id) {
      ...HealthCheckResultFields
    }
  }
`);
