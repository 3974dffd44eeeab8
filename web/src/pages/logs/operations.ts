// The logs page's GraphQL documents: a page of records (newest first, by filter or LogQL-like
// query), the services records come from, and the live tail.
import { graphql } from "../../gql";

export const LogRecordFields = graphql(`
  fragment LogRecordFields on LogRecord {
    id
    cursor
    at
    level
    service
    instance
    target
    message
    fields
    resourceIds
    correlationId
    traceId
  }
`);

export const LogsQuery = graphql(`
  query Logs($filter: LogFilter, $query: String, $first: Int, $after: String) {
    logs(filter: $filter, query: $query, first: $first, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ...LogRecordFields
      }
    }
  }
`);

export const LogServicesQuery = graphql(`
  query LogServices {
    logServices
  }
`);

export const LogTail = graphql(`
  subscription LogTail($filter: LogFilter, $query: String, $after: String) {
    logTail(filter: $filter, query: $query, after: $after) {
      cursor
      dropped
      record {
        ...LogRecordFields
      }
    }
  }
`);
