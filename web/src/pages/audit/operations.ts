import { graphql } from "../../gql";

export const EventsQuery = graphql(`
  query Events($first: Int, $after: String, $last: Int, $before: String, $filter: EventFilter) {
    events(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      nodes {
        ...EventFields
      }
    }
  }
`);

export const HistoryQuery = graphql(`
  query History($aggregateType: AggregateType!, $aggregateId: ID!, $asOf: AsOf) {
    history(aggregateType: $aggregateType, aggregateId: $aggregateId, asOf: $asOf) {
      aggregateType
      aggregateId
      exists
      version
      state
      events {
        ...EventFields
      }
    }
  }
`);
