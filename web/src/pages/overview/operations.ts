// The overview's GraphQL documents: counts by status (one alias each), the jobs in progress
// and the latest events.
import { graphql } from "../../gql";

export const OverviewQuery = graphql(`
  query Overview {
    clusters(first: 1, filter: { status: ACTIVE }) { totalCount }
    provisioning: droplets(first: 1, filter: { status: PROVISIONING }) { totalCount }
    running: droplets(first: 1, filter: { status: RUNNING }) { totalCount }
    stopped: droplets(first: 1, filter: { status: STOPPED }) { totalCount }
    failed: droplets(first: 1, filter: { status: FAILED }) { totalCount }
    destroying: droplets(first: 1, filter: { status: DESTROYING }) { totalCount }
    destroyed: droplets(first: 1, filter: { status: DESTROYED }) { totalCount }
    runningJobs: jobs(first: 100, filter: { status: RUNNING }) { nodes { ...JobFields } }
    queuedJobs: jobs(first: 100, filter: { status: QUEUED }) { nodes { ...JobFields } }
  }
`);

export const RecentEventsQuery = graphql(`
  query RecentEvents($since: DateTime!, $last: Int!, $exclude: [String!]) {
    events(last: $last, filter: { since: $since, excludeEventTypes: $exclude }) {
      pageInfo { endCursor }
      nodes { ...EventFields }
    }
  }
`);
