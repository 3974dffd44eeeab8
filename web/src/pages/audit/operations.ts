import { graphql } from "../../gql";

export const EventsQuery = graphql(`
  query Events($first: Int, $after: String, $filter: EventFilter) {
    events(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo {
        hasNextPage
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
