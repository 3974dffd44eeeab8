// The health pages' GraphQL documents (fields come from the shared fragments).
import { graphql } from "../../gql";

/** A list row: the check, its latest runs (the uptime bar) and its uptime over a day. */
export const HealthCheckRow = graphql(`
  fragment HealthCheckRow on HealthCheck {
    ...HealthCheckFields
    results(first: 20) { nodes { ...HealthCheckResultFields } }
    uptime(window: "24h") { ...UptimeFields }
  }
`);

export const HealthChecksQuery = graphql(`query HealthChecks($first: Int, $after: String, $filter: HealthCheckFilter) { healthChecks(first: $first, after: $after, filter: $filter) { totalCount pageInfo { ...NextPage } nodes { ...HealthCheckRow } } }`);

/** One row again once the read model has the event at `minPosition` (a change of health). */
export const HealthCheckRowQuery = graphql(`query HealthCheckRowLive($id: ID!, $minPosition: Int) { healthCheck(id: $id, minPosition: $minPosition) { ...HealthCheckRow } }`);

/** A check's page: the row's fields, more runs and the uptime over an hour, a day and a week. */
export const HealthCheckDetail = graphql(`
  fragment HealthCheckDetail on HealthCheck {
    ...HealthCheckFields
    results(first: 20) { totalCount nodes { ...HealthCheckResultFields } }
    hour: uptime(window: "1h") { ...UptimeFields }
    day: uptime(window: "24h") { ...UptimeFields }
    week: uptime(window: "7d") { ...UptimeFields }
  }
`);

export const HealthCheckQuery = graphql(`query HealthCheck($id: ID!, $minPosition: Int) { healthCheck(id: $id, minPosition: $minPosition) { ...HealthCheckDetail } }`);

/** What every health-check mutation answers: the check as it is now and the event's position. */
export const HealthCheckResult = graphql(`fragment HealthCheckPayloadFields on HealthCheckPayload { healthCheck { ...HealthCheckFields } position }`);

export const CreateHealthCheckMutation = graphql(`mutation CreateHealthCheck($input: CreateHealthCheckInput!) { createHealthCheck(input: $input) { ...HealthCheckPayloadFields } }`);

export const UpdateHealthCheckMutation = graphql(`mutation UpdateHealthCheck($id: ID!, $input: UpdateHealthCheckInput!, $expectedVersion: Int) { updateHealthCheck(id: $id, input: $input, expectedVersion: $expectedVersion) { ...HealthCheckPayloadFields } }`);

export const DeleteHealthCheckMutation = graphql(`mutation DeleteHealthCheck($id: ID!) { deleteHealthCheck(id: $id) { ...HealthCheckPayloadFields } }`);

export const RunHealthCheckMutation = graphql(`mutation RunHealthCheck($id: ID!) { runHealthCheck(id: $id) { ...HealthCheckResultFields } }`);
