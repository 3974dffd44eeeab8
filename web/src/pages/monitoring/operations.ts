// The monitoring page's GraphQL document: the worker pool and the pipeline's lag, in one
// request (the page polls it).
import { graphql } from "../../gql";

export const MonitoringQuery = graphql(`
  query Monitoring {
    workerPool {
      workers
      runners
      busy
      queueLength
      jobsByStatus { status count }
    }
    pipeline {
      projectorLagEvents
      projectorLagSeconds
      relayLagEvents
    }
  }
`);
